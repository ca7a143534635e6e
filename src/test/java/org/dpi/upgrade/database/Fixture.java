package org.dpi.upgrade.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The fixture chains of src/main/resources/sandbox/database (MOSIP layout and conventions; the sandbox
 * deploys them too) copied to a directory where a test may change scripts, and the 1.2.0.1 databases
 * they apply to.
 */
final class Fixture {

  static final Path RESOURCES = Path.of("src/main/resources/sandbox/database");
  /** The databases of upgrade.csv (the clean chain). */
  static final List<String> DATABASES = List.of("mosip_kernel", "mosip_otp", "mosip_audit", "mosip_ida");
  /** The databases of upgrade-defects.csv (the clean chain plus one planted defect per database). */
  static final List<String> DEFECT_DATABASES = List.of("mosip_kernel", "mosip_otp", "mosip_audit", "mosip_ida", "mosip_master", "mosip_pms",
      "mosip_resident");
  static final long CHECKSUM_LIMIT = 100 << 20;
  static final String DBUSERPWD = "Otp-Secret-4711!";
  static final Map<String, String> VARIABLES = Map.of("primary_language_code", "eng", "dbuserpwd", DBUSERPWD);

  final Path root;

  Fixture(Path directory) throws IOException {
    this.root = directory;
    try (Stream<Path> files = Files.walk(RESOURCES)) {
      for (Path source : files.toList()) {
        Path target = directory.resolve(RESOURCES.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  Path csv() {
    return root.resolve("upgrade.csv");
  }

  Path scripts() {
    return root.resolve("scripts");
  }

  Path script(String relative) {
    return scripts().resolve(relative);
  }

  Path defectsCsv() {
    return root.resolve("upgrade-defects.csv");
  }

  PostgresPlan plan(String onRollbackMismatch) {
    return plan(onRollbackMismatch, csv(), DATABASES);
  }

  /** The plan of the defects chain. */
  PostgresPlan defectsPlan() {
    return plan("restore", defectsCsv(), DEFECT_DATABASES);
  }

  private PostgresPlan plan(String onRollbackMismatch, Path csv, List<String> databases) {
    return PostgresPlan.of(Map.of("upgradeCsv", csv.toString(), "scriptsRoot", scripts().toString(), "databases", databases,
        "backup", Map.of("directory", root.resolve("backups").toString()), "onRollbackMismatch", onRollbackMismatch,
        "majorUpgrade", Map.of("fromVersion", 15, "toVersion", 16)));
  }

  /** Snapshots of {@code databases} as they are now (the baseline a restore point would give). */
  static Map<String, SchemaSnapshot> snapshots(Server server, List<String> databases) throws SQLException {
    Map<String, SchemaSnapshot> snapshots = new java.util.LinkedHashMap<>();
    for (String db : databases) {
      snapshots.put(db, SchemaSnapshot.take(server, db, CHECKSUM_LIMIT));
    }
    return snapshots;
  }

  /** Drops the fixture databases, the journal and the fixture's roles, then creates the 1.2.0.1 databases of the clean chain. */
  static void reset(Server server) throws IOException, SQLException {
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
      for (String db : DEFECT_DATABASES) {
        s.execute("drop database if exists " + db + " with (force)");
      }
      s.execute("drop database if exists upgrade_orchestrator with (force)");
      for (String role : List.of("otpuser", "sysadmin", "idauser", "residentuser")) {
        s.execute("drop role if exists " + role);
      }
    }
    run(server, "base.sql");
  }

  /** {@link #reset}, plus the databases only the defects chain uses. */
  static void resetWithDefects(Server server) throws IOException, SQLException {
    reset(server);
    run(server, "base-defects.sql");
  }

  private static void run(Server server, String file) throws IOException {
    PgTools.Result result = new PgTools(List.of()).run(List.of("psql", "-v", "ON_ERROR_STOP=1", "-q", "--dbname=postgres", "-f",
        RESOURCES.resolve(file).toString()), server.environment(), null);
    assertThat(result.ok()).as(result.tailText()).isTrue();
  }

  /** {@link #schemaDump} of each database of the clean chain. */
  static Map<String, String> schemaDumps(Server server) throws IOException {
    Map<String, String> dumps = new java.util.LinkedHashMap<>();
    for (String db : DATABASES) {
      dumps.put(db, schemaDump(server, db));
    }
    return dumps;
  }

  /** {@code pg_dump --schema-only} without comments, blank lines and the random \restrict key. */
  static String schemaDump(Server server, String db) throws IOException {
    Path file = Files.createTempFile("schema", ".sql");
    try {
      PgTools.Result result = new PgTools(List.of()).run(List.of("pg_dump", "--schema-only", "--dbname=" + db, "-f", file.toString()),
          server.environment(), null);
      assertThat(result.ok()).as(result.tailText()).isTrue();
      return Files.readAllLines(file).stream()
          .filter(l -> !l.isBlank() && !l.startsWith("--") && !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
          .collect(Collectors.joining("\n"));
    } finally {
      Files.delete(file);
    }
  }

  /** Settings of one server (plus scratch) and defaults for the rest. */
  static DatabaseSettings settings(Server server, Server scratch, Path reports) {
    return new DatabaseSettings(server, null, scratch, null, VARIABLES, null, reports, null, null);
  }

  /** A read of the journal. */
  @FunctionalInterface
  interface JournalRead<T> {
    T from(Journal journal) throws SQLException;
  }

  /** The journal of {@code server}, read in one go (its connection is closed again). */
  static <T> T journal(Server server, JournalRead<T> read) throws SQLException {
    try (Journal journal = new Journal(server, "upgrade_orchestrator").open()) {
      return read.from(journal);
    }
  }

  static long count(Server server, String db, String sql) throws SQLException {
    try (Connection c = server.connect(db); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
