package org.dpi.upgrade.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs the rows of upgrade.csv with psql against one server and undoes exactly the applied rows in
 * reverse order, recording everything in the {@link Journal}.
 * <p>Before anything runs, every database is compared with what the journal last recorded of it
 * (or, for a database the journal has not seen, with the given baseline, normally the restore
 * point): a run refuses to start when they disagree. Consecutive rows run in one psql session
 * ({@link PsqlSession}) where their scripts allow it. Between two rows of a database its structure
 * is snapshotted, so the partial effects of a failing script are known exactly; its content
 * (counts, checksums, sequences) is snapshotted before its first and after its last row, and that
 * final state is journaled with the rows, in one write per database.
 */
public class UpgradeCsvRunner {

  /** The outcome of one row: applied, skipped (already applied), failed or not run. */
  public record RowResult(UpgradeCsv.Row row, String action, String outcome, Duration duration, String script, String error,
                          String outputTail, List<Difference> effects, String effectsNote) {

    /** A failed row: where and why, and what it left in the database. */
    public String describe() {
      return action + " of " + row.key() + " (" + UpgradeCsv.row(row.line()) + "): " + script + (error == null ? "" : " " + error);
    }

    @Override
    public String toString() {
      return String.format("%-8s %-9s %s (%s, %s) %d ms%s", action, outcome, row.key(), script, UpgradeCsv.row(row.line()),
          duration.toMillis(), error == null ? "" : ": " + error);
    }
  }

  /** The rows of an upgrade and each database's snapshot after its rows. */
  public record Run(List<RowResult> rows, Map<String, SchemaSnapshot> after) {}

  /** What the rollback did and, per database that differs from its baseline, each difference. */
  public record Rollback(List<RowResult> rows, Map<String, List<Difference>> differences) {}

  private final PgTools tools;
  private final Server server;
  private final Journal journal;
  private final Map<String, String> psqlVariables;
  private final long checksumLimit;

  public UpgradeCsvRunner(PgTools tools, Server server, Journal journal, Map<String, String> psqlVariables, long checksumLimit) {
    this.tools = tools;
    this.server = server;
    this.journal = journal;
    this.psqlVariables = psqlVariables;
    this.checksumLimit = checksumLimit;
  }

  public Journal journal() {
    return journal;
  }

  /**
   * Applies the rows not yet applied. Refuses to start (nothing run) if a script applied earlier
   * has changed, or if a database differs from the journal's last state of it or, when the journal
   * has none, from {@code baseline}. With {@code stopAtFailure} the first failure throws
   * {@link ScriptFailedException}; without (the rehearsal), a failure stops only its database's chain.
   */
  public Run upgrade(UpgradeCsv csv, Map<String, SchemaSnapshot> baseline, boolean stopAtFailure) throws IOException, SQLException {
    List<String> rollbackRows = csv.rows().stream().filter(r -> !r.action().equals(Journal.UPGRADE))
        .map(r -> UpgradeCsv.row(r.line()) + ": rollback rows are not run from upgrade.csv; the undo derives them from the journal").toList();
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
        changed.add(UpgradeCsv.row(row.line()) + ": " + done.script() + " was applied at " + done.startedAt() + " with SHA-256 "
            + done.sha256() + " and now has " + sha256);
      }
    }
    if (!changed.isEmpty()) {
      throw new IllegalStateException("Scripts changed after they were applied; nothing was run. Put the applied versions back, "
          + "or roll back and start again:\n- " + String.join("\n- ", changed));
    }
    List<UpgradeCsv.Row> toRun = csv.rows().stream().filter(r -> !applied.containsKey(r.key())).toList();
    try (Execution run = new Execution()) {
      checkAgainstJournal(run, csv.databases(), baseline);
      Set<String> stopped = new HashSet<>();
      List<RowResult> results = new ArrayList<>();
      for (UpgradeCsv.Row row : csv.rows()) {
        if (applied.containsKey(row.key())) {
          results.add(new RowResult(row, Journal.UPGRADE, "skipped", Duration.ZERO, relative(csv.scriptsRoot(), row.script(csv.scriptsRoot())),
              null, "", List.of(), null));
          continue;
        }
        if (stopped.contains(row.database())) {
          results.add(new RowResult(row, Journal.UPGRADE, "not run", Duration.ZERO, relative(csv.scriptsRoot(), row.script(csv.scriptsRoot())),
              "an earlier row of " + row.database() + " failed", "", List.of(), null));
          continue;
        }
        boolean last = toRun.stream().filter(r -> r.database().equals(row.database())).reduce((a, b) -> b).orElseThrow() == row;
        RowResult result = run.row(row, Journal.UPGRADE, row.script(csv.scriptsRoot()), csv.scriptsRoot(), checksums.get(row), last);
        results.add(result);
        if (result.error() != null) {
          stopped.add(row.database());
          if (stopAtFailure) {
            run.flush();
            throw new ScriptFailedException(result, results);
          }
        }
      }
      run.flush();
      return new Run(results, run.after);
    }
  }

  /** Snapshots every database into the run's start, and checks it against the journal's last state (or the baseline). */
  private void checkAgainstJournal(Execution run, Collection<String> databases, Map<String, SchemaSnapshot> baseline) throws SQLException {
    List<String> disagreements = new ArrayList<>();
    for (String db : databases) {
      SchemaSnapshot current = SchemaSnapshot.take(run.connection(db), checksumLimit);
      run.start.put(db, current);
      Optional<Journal.State> state = journal.state(db);
      SchemaSnapshot expected = state.map(Journal.State::snapshot).orElse(baseline.get(db));
      if (expected == null) {
        continue;
      }
      List<Difference> differences = current.differencesFrom(expected);
      if (!differences.isEmpty()) {
        disagreements.add(db + " differs from " + state.map(s -> "what the journal recorded after '" + s.reason() + "' at " + s.takenAt())
            .orElse("its restore point") + ":\n" + Report.list(differences, 10));
      }
    }
    if (!disagreements.isEmpty()) {
      throw new IllegalStateException("The journal and the databases disagree, so nothing was run. To recover, abandon this step "
          + "(variable rollbackRequested = true, then retry): the applied rows are rolled back and each database is compared with "
          + "its restore point; or put the database back as the journal recorded it and retry.\n" + String.join("\n", disagreements));
    }
  }

  /**
   * Runs the rollback script of every applied row, newest first. After a failed rollback script
   * the older rows of that database are not run (its state is unknown). Then every database of
   * {@code databases} and every database rolled back is snapshotted, journaled, and compared with
   * its {@code baseline} (when given).
   */
  public Rollback rollback(Path scriptsRoot, Collection<String> databases, Map<String, SchemaSnapshot> baseline) throws IOException, SQLException {
    List<Journal.Entry> applied = new ArrayList<>(journal.applied());
    Collections.reverse(applied);
    Set<String> all = new LinkedHashSet<>(databases);
    applied.forEach(e -> all.add(e.database()));
    Map<String, List<Difference>> differences = new LinkedHashMap<>();
    try (Execution run = new Execution()) {
      List<RowResult> results = new ArrayList<>();
      Set<String> broken = new HashSet<>();
      for (Journal.Entry e : applied) {
        UpgradeCsv.Row row = new UpgradeCsv.Row(e.csvRow(), e.database(), e.from(), e.to(), Journal.UPGRADE);
        Path script = row.rollbackScript(scriptsRoot);
        boolean last = applied.stream().filter(a -> a.database().equals(e.database())).reduce((a, b) -> b).orElseThrow() == e;
        if (broken.contains(e.database())) {
          results.add(new RowResult(row, Journal.ROLLBACK, "not run", Duration.ZERO, relative(scriptsRoot, script),
              "an earlier rollback of " + e.database() + " failed", "", List.of(), null));
        } else if (!Files.isRegularFile(script)) {
          broken.add(e.database());
          results.add(new RowResult(row, Journal.ROLLBACK, "failed", Duration.ZERO, relative(scriptsRoot, script),
              "rollback script missing", "", List.of(), null));
        } else {
          RowResult result = run.row(row, Journal.ROLLBACK, script, scriptsRoot, BackupService.sha256(script), last);
          results.add(result);
          if (result.error() != null) {
            broken.add(e.database());
          }
        }
      }
      for (String db : all) {
        SchemaSnapshot now = run.after.containsKey(db) ? run.after.get(db) : run.finish(db, "compared after the rollback");
        SchemaSnapshot before = baseline.get(db);
        if (before != null) {
          List<Difference> found = now.differencesFrom(before);
          if (!found.isEmpty()) {
            differences.put(db, found);
          }
        }
      }
      run.flush();
      return new Rollback(results, differences);
    }
  }

  private static String relative(Path root, Path script) {
    return root.relativize(script).toString();
  }

  /**
   * One run of rows: the psql session, one connection per database for its snapshots (from the check
   * before the run to its last row), the snapshots so far and the journal batch.
   */
  private final class Execution implements AutoCloseable {
    final Map<String, SchemaSnapshot> start = new HashMap<>();
    private final Map<String, SchemaSnapshot> structure = new HashMap<>();
    private final Map<String, Connection> connections = new HashMap<>();
    private final Map<String, Integer> firstRow = new HashMap<>();
    final Map<String, SchemaSnapshot> after = new LinkedHashMap<>();
    private final Journal.Batch batch = journal.batch();
    private PsqlSession session;

    /** Runs one script and journals it; {@code last}: the database has no further row in this run. */
    RowResult row(UpgradeCsv.Row row, String action, Path script, Path root, String sha256, boolean last) throws IOException, SQLException {
      String db = row.database();
      SchemaSnapshot before = structure.get(db);
      if (before == null) {
        before = start.containsKey(db) ? start.get(db).structureOnly() : SchemaSnapshot.structure(connection(db));
        structure.put(db, before);
      }
      firstRow.putIfAbsent(db, row.line());
      Instant started = Instant.now();
      long begin = System.nanoTime();
      PgTools.Result result = execute(script);
      Duration duration = Duration.ofNanos(System.nanoTime() - begin);
      String file = relative(root, script);
      batch.entry(new Journal.Entry(0, db, row.from(), row.to(), action, file, sha256, row.line(), started, started.plus(duration),
          result.ok() ? "ok" : "failed", result.tailText()));
      if (result.ok()) {
        List<Difference> effects = List.of();
        if (last) {
          effects = finish(db, action + " rows done").structureOnly().differencesFrom(before);
        } else if (action.equals(Journal.ROLLBACK)) {
          SchemaSnapshot now = SchemaSnapshot.structure(connection(db));
          effects = now.differencesFrom(before);
          structure.put(db, now);
        } else {
          structure.put(db, SchemaSnapshot.structure(connection(db)));
        }
        return new RowResult(row, action, "applied", duration, file, null, result.tailText(), effects, null);
      }
      SchemaSnapshot now = finish(db, action + " of " + UpgradeCsv.row(row.line()) + " failed");
      List<Difference> effects = new ArrayList<>(now.structureOnly().differencesFrom(before));
      String note = null;
      SchemaSnapshot contentBefore = start.get(db);
      if (contentBefore != null) {
        effects.addAll(now.contentDifferencesFrom(contentBefore));
        if (firstRow.get(db) != row.line()) {
          note = "content compared with the database before " + UpgradeCsv.row(firstRow.get(db)) + " (the rows of this run before it included)";
        }
      }
      return new RowResult(row, action, "failed", duration, file, where(result, script, root), result.tailText(), effects, note);
    }

    private PgTools.Result execute(Path script) throws IOException {
      if (!PsqlSession.shareable(script)) {
        return tools.psqlScript(server, script, psqlVariables);
      }
      if (session == null || !session.alive()) {
        if (session != null) {
          session.close();
        }
        session = PsqlSession.start(tools, server, psqlVariables);
      }
      return session.run(script);
    }

    /** The database's final snapshot of this run, journaled as its state. */
    SchemaSnapshot finish(String db, String reason) throws SQLException {
      SchemaSnapshot now = SchemaSnapshot.take(connection(db), checksumLimit);
      after.put(db, now);
      batch.state(db, reason, now);
      Connection c = connections.remove(db);
      if (c != null) {
        c.close();
      }
      return now;
    }

    Connection connection(String db) throws SQLException {
      Connection c = connections.get(db);
      if (c == null) {
        c = server.connect(db);
        connections.put(db, c);
      }
      return c;
    }

    void flush() throws SQLException {
      batch.flush();
    }

    @Override
    public void close() throws IOException, SQLException {
      try {
        if (session != null) {
          session.close();
        }
      } finally {
        for (Connection c : connections.values()) {
          c.close();
        }
      }
    }
  }

  /** "script line N: message" when psql names the row's own file, else the file psql names. */
  private static String where(PgTools.Result result, Path script, Path root) {
    PgTools.Failure failure = result.failure();
    if (failure == null) {
      return "failed (" + result.error() + ")";
    }
    Path named = script.toAbsolutePath().getParent().resolve(failure.file()).normalize();
    String file = named.equals(script.toAbsolutePath().normalize()) ? "" : relative(root.toAbsolutePath(), named) + " ";
    return file + "script line " + failure.line() + ": " + failure.message();
  }

  static String summary(List<RowResult> results) {
    Map<String, Long> outcomes = results.stream().collect(Collectors.groupingBy(RowResult::outcome, java.util.TreeMap::new, Collectors.counting()));
    long millis = results.stream().mapToLong(r -> r.duration().toMillis()).sum();
    return results.size() + " row(s): " + outcomes + " in " + millis + " ms";
  }
}
