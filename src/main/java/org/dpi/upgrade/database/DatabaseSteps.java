package org.dpi.upgrade.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * The PostgreSQL steps of an upgrade plan: backup and verified restore, the upgrade.csv chain and
 * its verified undo, the rehearsal on a scratch server and the schema validation. Connections and
 * psql variables come from {@link DatabaseSettings}; the plan says what to act on.
 */
@Service
public class DatabaseSteps {

  private final DatabaseSettings settings;
  private final PgTools tools;
  private final BackupService backups;
  private final MajorUpgradeService major;

  public DatabaseSteps(DatabaseSettings settings) {
    this.settings = settings;
    this.tools = new PgTools(settings.secrets());
    this.backups = new BackupService(tools);
    this.major = new MajorUpgradeService(tools, backups);
  }

  /** {@code postgres.major-upgrade}: the 15 -> 16 move from {@code server} to {@code new-server}. */
  public String majorUpgrade(PostgresPlan plan) throws IOException, SQLException {
    return major.move(plan, settings.server(), settings.requireNewServer());
  }

  /** {@code postgres.revert-major-upgrade}: checks the untouched old server against the facts of the move. */
  public String revertMajorUpgrade(PostgresPlan plan) throws IOException, SQLException {
    return major.revert(plan, settings.server());
  }

  /** {@code postgres.backup}: dumps every database of the plan and snapshots it; returns the evidence. */
  public String backup(PostgresPlan plan, Server server) throws IOException, SQLException {
    Journal journal = new Journal(server, settings.journalDatabase()).open();
    List<BackupService.BackupFile> files = backups.backup(server, plan.databases(), plan.backupDirectory());
    for (String db : plan.databases()) {
      journal.saveSnapshot(db, SchemaSnapshot.take(server, db));
    }
    return files.stream().map(Object::toString).collect(Collectors.joining("\n"));
  }

  /**
   * {@code postgres.restore}: verifies every backup, compares each database with its pre-upgrade
   * snapshot and restores those that differ; returns what it found and did.
   */
  public String restore(PostgresPlan plan, Server server) throws IOException, SQLException {
    Journal journal = new Journal(server, settings.journalDatabase()).open();
    List<String> report = new ArrayList<>();
    for (String db : plan.databases()) {
      backups.verify(server, db, plan.backupDirectory());
      Optional<SchemaSnapshot> snapshot = journal.snapshot(db);
      List<String> differences = snapshot.isEmpty() ? List.of("no snapshot recorded") : SchemaSnapshot.take(server, db).differencesFrom(snapshot.get());
      if (differences.isEmpty()) {
        report.add(db + ": identical to the pre-upgrade snapshot, left as it is");
      } else {
        report.add(db + ": restored from its backup; it differed: " + String.join("; ", differences));
        restoreVerified(plan, server, journal, db);
      }
    }
    return String.join("\n", report);
  }

  /** {@code postgres.run-upgrade-csv}: validates everything, then runs the rows not yet applied. */
  public String runUpgradeCsv(PostgresPlan plan, Server server) throws IOException, SQLException {
    UpgradeCsv csv = UpgradeCsv.load(plan.csvPath(), plan.scriptsPath(), plan.databases());
    List<UpgradeCsvRunner.RowResult> results = runner(server).upgrade(csv, true);
    return summary(results) + "\n" + lines(results);
  }

  /**
   * {@code postgres.rollback-upgrade-csv}: the rollback scripts of exactly the applied rows, newest
   * first, then each database compared with its snapshot. A database that differs is restored from
   * its backup (plan {@code onRollbackMismatch: restore}) or left for the DBA ({@code ask-dba}): an
   * incident lists the differences; the DBA's {@code decision} ({@code restore} or {@code accept}),
   * set as variable {@code rollbackMismatchDecision} before the retry, then applies.
   */
  public String rollbackUpgradeCsv(PostgresPlan plan, Server server, String decision) throws IOException, SQLException {
    UpgradeCsvRunner runner = runner(server);
    UpgradeCsvRunner.Rollback rollback = runner.rollback(plan.scriptsPath(), plan.databases());
    List<String> report = new ArrayList<>(List.of(summary(rollback.rows()), lines(rollback.rows())));
    if (rollback.differences().isEmpty()) {
      return String.join("\n", report);
    }
    boolean restore = plan.onRollbackMismatch().equals("restore") || "restore".equals(decision);
    if (!restore && !"accept".equals(decision)) {
      throw new RollbackMismatchException(describe(rollback.differences()) + "\nThe plan says ask-dba: the DBA decides, then set the "
          + "variable rollbackMismatchDecision to restore (from " + plan.backupDirectory() + ") or accept, and retry this step.");
    }
    for (Map.Entry<String, List<String>> differing : rollback.differences().entrySet()) {
      report.add(differing.getKey() + " differed from its pre-upgrade snapshot after the rollback scripts, "
          + (restore ? "restored from its backup: " : "accepted by the DBA as it is: ") + String.join("; ", differing.getValue()));
      if (restore) {
        restoreVerified(plan, server, runner.journal(), differing.getKey());
      }
    }
    return String.join("\n", report);
  }

  private void restoreVerified(PostgresPlan plan, Server server, Journal journal, String db) throws IOException, SQLException {
    backups.restore(server, db, plan.backupDirectory());
    Optional<SchemaSnapshot> snapshot = journal.snapshot(db);
    if (snapshot.isPresent()) {
      List<String> left = SchemaSnapshot.take(server, db).differencesFrom(snapshot.get());
      if (!left.isEmpty()) {
        throw new RollbackMismatchException(db + " was restored from " + plan.backupDirectory()
            + " but still differs from its pre-upgrade snapshot (is the backup older than the snapshot?):\n- " + String.join("\n- ", left));
      }
    }
  }

  /**
   * {@code postgres.rehearse}: restores the latest backup of each database (a fresh dump when there
   * is none) into the scratch server, runs the chain forward and back there, and reports per row.
   * The real databases are only read.
   */
  public Rehearsal rehearse(PostgresPlan plan, Server server) throws IOException, SQLException {
    Server scratch = settings.scratch();
    if (scratch == null || (scratch.host().equals(server.host()) && scratch.port() == server.port())) {
      throw new IllegalStateException("The rehearsal needs a scratch server distinct from " + server
          + ": set orchestrator.database.scratch (host, port, user; password from the environment)");
    }
    UpgradeCsv csv = UpgradeCsv.load(plan.csvPath(), plan.scriptsPath(), plan.databases());
    Instant started = Instant.now();
    Path dumps = plan.backupDirectory().resolve("rehearsal");
    Files.createDirectories(dumps);
    Path roles = dumps.resolve("roles.sql");
    tools.require(List.of("pg_dumpall", "--roles-only", "-f", roles.toString()), server, "pg_dumpall --roles-only");
    tools.run(List.of("psql", "--dbname=postgres", "-q", "-f", roles.toString()), scratch.environment(), null);
    List<String> sources = new ArrayList<>();
    for (String db : csv.databases()) {
      Path dump;
      try {
        dump = backups.verify(server, db, plan.backupDirectory()).file();
        sources.add(db + " from the backup " + dump);
      } catch (IOException noUsableBackup) {
        dump = backups.backup(server, List.of(db), dumps).get(0).file();
        sources.add(db + " from a fresh dump (" + noUsableBackup.getMessage() + ")");
      }
      backups.restoreAs(scratch, dump, db);
    }
    dropDatabase(scratch, settings.journalDatabase());
    UpgradeCsvRunner runner = runner(scratch);
    List<UpgradeCsvRunner.RowResult> forward = runner.upgrade(csv, false);
    UpgradeCsvRunner.Rollback back = runner.rollback(plan.scriptsPath(), csv.databases());
    Rehearsal rehearsal = new Rehearsal(scratch.toString(), sources, forward, back, Duration.between(started, Instant.now()));
    Files.createDirectories(settings.reportDirectory());
    Files.writeString(settings.reportDirectory().resolve("rehearsal-durations.csv"), rehearsal.durationsCsv());
    return rehearsal;
  }

  /** {@code verify.schema}: indexes valid, constraints validated, materialized views populated, chains complete. */
  public SchemaCheck verifySchema(PostgresPlan plan, Server server) throws IOException, SQLException {
    UpgradeCsv csv = UpgradeCsv.load(plan.csvPath(), plan.scriptsPath(), plan.databases());
    List<String> appliedKeys = new Journal(server, settings.journalDatabase()).open().applied().stream()
        .map(e -> e.database() + " " + e.from() + " -> " + e.to()).toList();
    SchemaCheck check = new SchemaCheck();
    for (String db : plan.databases()) {
      List<UpgradeCsv.Row> chain = csv.rows().stream().filter(r -> r.database().equals(db)).toList();
      List<String> missing = chain.stream().map(UpgradeCsv.Row::key).filter(k -> !appliedKeys.contains(k)).toList();
      if (!missing.isEmpty()) {
        check.problem(db, "rows of upgrade.csv not applied according to the journal: " + String.join(", ", missing));
      } else if (!chain.isEmpty()) {
        check.ok(db, "at version " + chain.get(chain.size() - 1).to() + " according to the journal");
      }
      try (Connection c = server.connect(db); Statement s = c.createStatement()) {
        query(s, "select i.indexrelid::regclass::text from pg_index i where not i.indisvalid", v -> check.problem(db, "invalid index " + v));
        query(s, "select conrelid::regclass::text || ' ' || conname from pg_constraint where not convalidated",
            v -> check.problem(db, "constraint not validated: " + v));
        query(s, "select schemaname || '.' || matviewname from pg_matviews where not ispopulated",
            v -> check.problem(db, "materialized view not refreshed: " + v));
        query(s, "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p') "
            + "and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'", v -> check.ok(db, v + " tables"));
      }
    }
    Files.createDirectories(settings.reportDirectory());
    check.write(settings.reportDirectory().resolve("schema-report.txt"));
    return check;
  }

  private static void query(Statement s, String sql, java.util.function.Consumer<String> each) throws SQLException {
    try (ResultSet rows = s.executeQuery(sql)) {
      while (rows.next()) {
        each.accept(rows.getString(1));
      }
    }
  }

  private static void dropDatabase(Server server, String database) throws SQLException {
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("drop database if exists " + SchemaSnapshot.quote(database) + " with (force)");
    }
  }

  private UpgradeCsvRunner runner(Server server) throws SQLException {
    return new UpgradeCsvRunner(tools, server, settings.journalDatabase(), settings.psqlVariables());
  }

  static String summary(List<UpgradeCsvRunner.RowResult> results) {
    Map<String, Long> outcomes = results.stream().collect(Collectors.groupingBy(UpgradeCsvRunner.RowResult::outcome,
        java.util.TreeMap::new, Collectors.counting()));
    long millis = results.stream().mapToLong(r -> r.duration().toMillis()).sum();
    return results.size() + " row(s): " + outcomes + " in " + millis + " ms";
  }

  static String lines(List<UpgradeCsvRunner.RowResult> results) {
    return results.stream().map(Object::toString).collect(Collectors.joining("\n"));
  }

  static String describe(Map<String, List<String>> differences) {
    return differences.entrySet().stream().map(e -> e.getKey() + " differs from its pre-upgrade snapshot:\n- "
        + String.join("\n- ", e.getValue())).collect(Collectors.joining("\n"));
  }
}
