package org.dpi.upgrade.database;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code orchestrator.database}: where the PostgreSQL steps act and what the upgrade scripts get.
 *
 * @param server        the server MOSIP uses (PostgreSQL 15 before the major move)
 * @param newServer     the PostgreSQL 16 server of the major move
 * @param scratch       the server the rehearsal restores the backups into
 * @param journalDatabase database (on each server) holding the journal and the snapshots
 * @param psqlVariables psql variables given to every upgrade script (dbuserpwd, primary_language_code, ...)
 * @param secretVariables names of psqlVariables whose values never appear in logs or messages
 * @param reportDirectory where full reports are written, one folder per process instance
 * @param checksumLimit   tables up to this size (heap, without indexes) get a content checksum in snapshots; larger ones are counted
 * @param restorePointsKept restore points kept per change ticket (newest first); older ones are deleted unless a running instance uses them
 */
@ConfigurationProperties("orchestrator.database")
public record DatabaseSettings(Server server, Server newServer, Server scratch, String journalDatabase,
                               Map<String, String> psqlVariables, List<String> secretVariables, Path reportDirectory,
                               DataSize checksumLimit, Integer restorePointsKept) {

  public DatabaseSettings {
    server = Server.configured(server, "server");
    newServer = Server.configured(newServer, "new-server");
    scratch = Server.configured(scratch, "scratch");
    journalDatabase = journalDatabase == null || journalDatabase.isBlank() ? "upgrade_orchestrator" : journalDatabase;
    psqlVariables = psqlVariables == null ? Map.of() : Map.copyOf(psqlVariables);
    secretVariables = secretVariables == null ? List.of("dbuserpwd") : List.copyOf(secretVariables);
    reportDirectory = reportDirectory == null ? Path.of("data", "database-reports") : reportDirectory;
    checksumLimit = checksumLimit == null ? DataSize.ofMegabytes(100) : checksumLimit;
    restorePointsKept = restorePointsKept == null ? 3 : restorePointsKept;
    if (restorePointsKept < 1) {
      throw new IllegalArgumentException("orchestrator.database.restore-points-kept must be at least 1");
    }
  }

  Server requireNewServer() {
    if (newServer == null) {
      throw new IllegalStateException("orchestrator.database.new-server (the PostgreSQL 16 server) is not configured");
    }
    return newServer;
  }

  /** Values that must be masked wherever tool output is logged or stored. */
  List<String> secrets() {
    return secretVariables.stream().map(psqlVariables::get)
        .filter(v -> v != null && !v.isEmpty()).toList();
  }
}
