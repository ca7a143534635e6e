package org.dpi.upgrade.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the rows of upgrade.csv with psql against one server, recording each run in the
 * {@link Journal}, and undoes exactly the applied rows in reverse order, then compares each
 * database with the snapshot taken before its first upgrade row.
 */
public class UpgradeCsvRunner {

  /** The outcome of one row: applied, skipped (already applied), failed or not run. */
  public record RowResult(UpgradeCsv.Row row, String action, String outcome, Duration duration, String error, String outputTail) {
    @Override
    public String toString() {
      return String.format("%-8s %-9s %s (%s, line %d) %d ms%s", action, outcome, row.key(), row.database() + "/sql/"
          + row.from() + "_to_" + row.to() + "_" + action + ".sql", row.line(), duration.toMillis(), error == null ? "" : ": " + error);
    }
  }

  /** What the rollback did and, per database that differs from its snapshot, each difference. */
  public record Rollback(List<RowResult> rows, Map<String, List<String>> differences) {}

  private final PgTools tools;
  private final Server server;
  private final Journal journal;
  private final Map<String, String> psqlVariables;

  public UpgradeCsvRunner(PgTools tools, Server server, String journalDatabase, Map<String, String> psqlVariables) throws SQLException {
    this.tools = tools;
    this.server = server;
    this.journal = new Journal(server, journalDatabase).open();
    this.psqlVariables = psqlVariables;
  }

  public Journal journal() {
    return journal;
  }

  /**
   * Applies the rows not yet applied. Refuses to start if a script applied earlier has changed
   * since. Snapshots each database that has no open work before its first row. With
   * {@code stopAtFailure} the first failure throws {@link ScriptFailedException}; without (the
   * rehearsal), a failure stops only the chain of its database.
   */
  public List<RowResult> upgrade(UpgradeCsv csv, boolean stopAtFailure) throws IOException, SQLException {
    List<String> rollbackRows = csv.rows().stream().filter(r -> !r.action().equals("upgrade"))
        .map(r -> "line " + r.line() + ": rollback rows are not run from upgrade.csv; the undo derives them from the journal").toList();
    if (!rollbackRows.isEmpty()) {
      throw new InvalidUpgradeCsvException(csv.scriptsRoot(), rollbackRows);
    }
    Map<String, Journal.Entry> applied = new LinkedHashMap<>();
    journal.applied().forEach(e -> applied.put(e.key(), e));
    Map<UpgradeCsv.Row, String> checksums = new LinkedHashMap<>();
    List<String> changed = new ArrayList<>();
    for (UpgradeCsv.Row row : csv.rows()) {
      String sha256 = BackupService.sha256(row.script(csv.scriptsRoot()));
      checksums.put(row, sha256);
      Journal.Entry done = applied.get(row.key());
      if (done != null && !done.sha256().equals(sha256)) {
        changed.add("line " + row.line() + ": " + done.script() + " was applied at " + done.startedAt() + " with SHA-256 "
            + done.sha256() + " and now has " + sha256);
      }
    }
    if (!changed.isEmpty()) {
      throw new IllegalStateException("Scripts changed after they were applied; nothing was run. Put the applied versions back, "
          + "or roll back and start again:\n- " + String.join("\n- ", changed));
    }
    snapshotCleanDatabases(csv.databases());
    List<RowResult> results = new ArrayList<>();
    Set<String> stopped = new HashSet<>();
    for (UpgradeCsv.Row row : csv.rows()) {
      if (applied.containsKey(row.key())) {
        results.add(new RowResult(row, "upgrade", "skipped", Duration.ZERO, null, ""));
      } else if (stopped.contains(row.database())) {
        results.add(new RowResult(row, "upgrade", "not run", Duration.ZERO, "an earlier row of " + row.database() + " failed", ""));
      } else {
        RowResult result = execute(row, "upgrade", row.script(csv.scriptsRoot()), csv.scriptsRoot(), checksums.get(row));
        results.add(result);
        if (result.error() != null) {
          if (stopAtFailure) {
            throw new ScriptFailedException(result, results);
          }
          stopped.add(row.database());
        }
      }
    }
    return results;
  }

  private void snapshotCleanDatabases(Set<String> databases) throws SQLException {
    List<Journal.Entry> entries = journal.entries();
    Set<String> open = new HashSet<>();
    journal.applied().forEach(e -> open.add(e.database()));
    for (String db : databases) {
      Optional<Journal.Entry> last = entries.stream().filter(e -> e.database().equals(db)).reduce((a, b) -> b);
      boolean clean = !open.contains(db) && last.map(e -> e.action().equals("rollback") && e.status().equals("ok")).orElse(true);
      if (clean || journal.snapshot(db).isEmpty()) {
        journal.saveSnapshot(db, SchemaSnapshot.take(server, db));
      }
    }
  }

  /**
   * Runs the rollback script of every applied row, newest first. After a failed rollback script
   * the older rows of that database are not run (its state is unknown); the comparison with the
   * snapshot then decides. Compares every database of {@code databases} that has a snapshot.
   */
  public Rollback rollback(Path scriptsRoot, Collection<String> databases) throws IOException, SQLException {
    List<Journal.Entry> applied = new ArrayList<>(journal.applied());
    java.util.Collections.reverse(applied);
    List<RowResult> results = new ArrayList<>();
    Set<String> broken = new HashSet<>();
    for (Journal.Entry e : applied) {
      UpgradeCsv.Row row = new UpgradeCsv.Row(0, e.database(), e.from(), e.to(), "upgrade");
      Path script = row.rollbackScript(scriptsRoot);
      if (broken.contains(e.database())) {
        results.add(new RowResult(row, "rollback", "not run", Duration.ZERO, "an earlier rollback of " + e.database() + " failed", ""));
      } else if (!Files.isRegularFile(script)) {
        broken.add(e.database());
        results.add(new RowResult(row, "rollback", "failed", Duration.ZERO, "rollback script missing: " + script, ""));
      } else {
        RowResult result = execute(row, "rollback", script, scriptsRoot, BackupService.sha256(script));
        results.add(result);
        if (result.error() != null) {
          broken.add(e.database());
        }
      }
    }
    Map<String, List<String>> differences = new LinkedHashMap<>();
    for (String db : databases) {
      Optional<SchemaSnapshot> before = journal.snapshot(db);
      if (before.isPresent()) {
        List<String> found = SchemaSnapshot.take(server, db).differencesFrom(before.get());
        if (!found.isEmpty()) {
          differences.put(db, found);
        }
      }
    }
    return new Rollback(results, differences);
  }

  private RowResult execute(UpgradeCsv.Row row, String action, Path script, Path root, String sha256) throws IOException, SQLException {
    long id = journal.start(row, action, root.relativize(script).toString(), sha256);
    long started = System.nanoTime();
    PgTools.Result result = tools.psqlScript(server, script, psqlVariables);
    Duration duration = Duration.ofNanos(System.nanoTime() - started);
    journal.finish(id, result.ok(), result.tailText());
    return new RowResult(row, action, result.ok() ? "applied" : "failed", duration,
        result.ok() ? null : result.error(), result.tailText());
  }
}
