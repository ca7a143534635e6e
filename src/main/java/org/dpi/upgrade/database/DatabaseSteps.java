package org.dpi.upgrade.database;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dpi.upgrade.step.RollbackRequiredException;
import org.springframework.stereotype.Service;

/**
 * The PostgreSQL steps of an upgrade plan: immutable restore points and verified restore, the
 * upgrade.csv chain and its verified undo, the rehearsal on a scratch server and the schema
 * validation. Every path that changes a database (rows, rollback, restore, a DBA's acceptance)
 * records it in the {@link Journal} in the same step. Connections and psql variables come from
 * {@link DatabaseSettings}; the plan says what to act on; the {@link Window} says for which change.
 */
@Service
public class DatabaseSteps {

  /** The change a step acts for: change ticket, process instance, and the instance's restore point (null before it has one). */
  public record Window(String ticket, String instance, String restorePoint) {
    public Window {
      RestorePoints.checkTicket(ticket);
    }
  }

  /** postgres.backup: the restore point the instance uses and its evidence, or the DBA's question when there is none yet. */
  public record BackupOutcome(String restorePoint, String evidence, String decisionRequest, String reportLink) {
    public boolean decisionNeeded() {
      return decisionRequest != null;
    }
  }

  /** postgres.restore: what was found and done, or the DBA's question. */
  public record RestoreOutcome(String report, String decisionRequest, String reportLink) {
    public boolean decisionNeeded() {
      return decisionRequest != null;
    }
  }

  static final String RESTORE = "restore";
  static final String ACCEPT = "accept";
  static final String NEW_RESTORE_POINT = "new-restore-point";
  static final String REJECT = "reject";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DatabaseSettings settings;
  private final PgTools tools;
  private final BackupService backups;
  private final RestorePoints points;
  private final MajorUpgradeService major;
  private final ReportFiles reports;

  public DatabaseSteps(DatabaseSettings settings) {
    this.settings = settings;
    this.tools = new PgTools(settings.secrets());
    this.backups = new BackupService(tools);
    this.points = new RestorePoints(backups);
    this.major = new MajorUpgradeService(tools, backups);
    this.reports = new ReportFiles(settings.reportDirectory());
  }

  private long limit() {
    return settings.checksumLimit().toBytes();
  }

  /** {@code postgres.major-upgrade}: the 15 -> 16 move from {@code server} to {@code new-server}. */
  public String majorUpgrade(PostgresPlan plan, Window window) throws IOException, SQLException {
    return major.move(plan, settings.server(), settings.requireNewServer(), majorUpgradeDirectory(plan, window));
  }

  /** {@code postgres.revert-major-upgrade}: checks the untouched old server against the facts of the move. */
  public String revertMajorUpgrade(PostgresPlan plan, Window window) throws IOException, SQLException {
    return major.revert(plan, settings.server(), majorUpgradeDirectory(plan, window));
  }

  private static Path majorUpgradeDirectory(PostgresPlan plan, Window window) {
    return plan.backupDirectory().resolve(window.ticket()).resolve("major-upgrade");
  }

  /**
   * {@code postgres.backup}: the pre-upgrade restore point of this change. The first attempt takes
   * one. A later attempt (a new instance after a cancelled or failed one) reuses the last good
   * restore point of the ticket when every database equals it and the journal has no row in
   * effect; otherwise nothing is taken and the DBA is asked ({@link #applyRestorePointDecision}):
   * a new "pre-upgrade" backup of a half-upgraded database would make every later rollback wrong.
   */
  public BackupOutcome backup(PostgresPlan plan, Server server, Window window, Predicate<String> running) throws IOException, SQLException {
    try (Journal journal = journal(server)) {
      return backup(plan, server, window, running, journal);
    }
  }

  private BackupOutcome backup(PostgresPlan plan, Server server, Window window, Predicate<String> running, Journal journal)
      throws IOException, SQLException {
    List<RestorePoints.RestorePoint> existing = points.complete(plan.backupDirectory(), window.ticket());
    List<String> damaged = new ArrayList<>();
    RestorePoints.RestorePoint last = lastGood(server, existing, damaged);
    Map<String, List<String>> inEffect = inEffect(journal, plan.databases());
    if (last == null) {
      if (!inEffect.isEmpty()) {
        throw new IllegalStateException("Decide before a restore point can be taken: the journal of " + server + " says rows of upgrade.csv "
            + "are in effect (" + describe(inEffect) + ") and change " + window.ticket() + " has no restore point"
            + (damaged.isEmpty() ? "" : " that passes its checks (" + String.join("; ", damaged) + ")")
            + ". A backup now would be of a half-upgraded database. Roll that upgrade back (or restore the databases) first, then retry.");
      }
      return taken(plan, server, window, journal, running, "new", damaged);
    }
    Map<String, List<Difference>> differences = differencesFrom(server, last, plan.databases());
    if (differences.isEmpty() && inEffect.isEmpty()) {
      for (String db : plan.databases()) {
        journal.record(db, Journal.ACCEPT, "unchanged since " + last.id() + ", reused by a new attempt", "", last.snapshot(db));
      }
      return outcome(plan, window, last, running, "reused: every database equals it", damaged);
    }
    StringBuilder request = new StringBuilder("Decide: the databases are not as the last good restore point of change ")
        .append(window.ticket()).append(" left them, so no new pre-upgrade backup was taken. Answer 'restore' to restore the differing "
            + "databases from ").append(last.id()).append(" and use it, 'new-restore-point' if the current databases are the right "
            + "starting point (only when no row of upgrade.csv is in effect), or 'reject' to stop and roll back.\n")
        .append("Restore point: ").append(last).append('\n');
    if (!inEffect.isEmpty()) {
      request.append("Rows of upgrade.csv in effect according to the journal: ").append(describe(inEffect)).append('\n');
    }
    if (!damaged.isEmpty()) {
      request.append("Newer restore points that failed their checks: ").append(String.join("; ", damaged)).append('\n');
    }
    request.append(differences.isEmpty() ? "" : "Differences from the restore point (what was lost first):\n" + Report.perDatabase(differences, 10));
    String full = request + (differences.isEmpty() ? "" : "\n\nEvery difference:\n" + Report.perDatabase(differences, Integer.MAX_VALUE));
    String link = reports.write(window.instance(), "restore-point-decision", full);
    return new BackupOutcome(null, null, request.toString(), link);
  }

  /**
   * The DBA's answer to {@link #backup}'s question: {@code restore} (the differing databases from
   * the last good restore point, journaled), {@code new-restore-point} (refused while rows are in
   * effect) or {@code reject} (the upgrade is rolled back).
   */
  public BackupOutcome applyRestorePointDecision(PostgresPlan plan, Server server, Window window, String decision, Predicate<String> running)
      throws IOException, SQLException {
    try (Journal journal = journal(server)) {
      return applyRestorePointDecision(plan, server, window, decision, running, journal);
    }
  }

  private BackupOutcome applyRestorePointDecision(PostgresPlan plan, Server server, Window window, String decision,
                                                  Predicate<String> running, Journal journal) throws IOException, SQLException {
    List<String> damaged = new ArrayList<>();
    RestorePoints.RestorePoint last = lastGood(server, points.complete(plan.backupDirectory(), window.ticket()), damaged);
    if (REJECT.equals(decision)) {
      throw new RollbackRequiredException("The DBA rejected the restore point of change " + window.ticket() + ": the upgrade is rolled back");
    }
    if (NEW_RESTORE_POINT.equals(decision)) {
      Map<String, List<String>> inEffect = inEffect(journal, plan.databases());
      if (!inEffect.isEmpty()) {
        throw new IllegalStateException("A new restore point is refused: rows of upgrade.csv are in effect according to the journal ("
            + describe(inEffect) + "), so the databases are not at their pre-upgrade version. Answer 'restore' or 'reject' instead.");
      }
      return taken(plan, server, window, journal, running, "new, decided by the DBA", damaged);
    }
    if (!RESTORE.equals(decision) || last == null) {
      throw new IllegalArgumentException(last == null ? "There is no good restore point of change " + window.ticket() + " to restore from"
          : "The DBA's decision must be restore, new-restore-point or reject");
    }
    for (String db : plan.databases()) {
      if (!SchemaSnapshot.take(server, db, limit()).differencesFrom(last.snapshot(db)).isEmpty() || !inEffect(journal, List.of(db)).isEmpty()) {
        restoreVerified(server, journal, last, db);
      } else {
        journal.record(db, Journal.ACCEPT, "unchanged since " + last.id() + ", confirmed by the DBA's decision", "", last.snapshot(db));
      }
    }
    return outcome(plan, window, last, running, "restored by the DBA's decision", damaged);
  }

  private BackupOutcome taken(PostgresPlan plan, Server server, Window window, Journal journal, Predicate<String> running, String how,
                              List<String> damaged) throws IOException, SQLException {
    RestorePoints.RestorePoint point = points.create(server, plan.backupDirectory(), window.ticket(), plan.databases(), limit());
    for (String db : plan.databases()) {
      journal.record(db, Journal.ACCEPT, "pre-upgrade state, restore point " + point.id() + " taken", "", point.snapshot(db));
    }
    return outcome(plan, window, point, running, how, damaged);
  }

  /** The evidence of a restore point just taken or just verified (its checks are not repeated). */
  private BackupOutcome outcome(PostgresPlan plan, Window window, RestorePoints.RestorePoint point, Predicate<String> running,
                                String how, List<String> damaged) throws IOException {
    points.reference(point, window.instance());
    List<String> pruned = points.prune(plan.backupDirectory(), window.ticket(), settings.restorePointsKept(), running);
    String evidence = "Restore point " + point.id() + " (" + how + "), taken " + point.created() + " on " + point.server() + ":\n"
        + point.databases().stream().map(e -> new BackupService.BackupFile(e.database(), point.dump(e), e.size(), e.sha256(), e.tocEntries())
            .toString()).collect(Collectors.joining("\n"))
        + (damaged.isEmpty() ? "" : "\nSkipped, failed their checks: " + String.join("; ", damaged))
        + (pruned.isEmpty() ? "" : "\nDeleted by retention (" + settings.restorePointsKept() + " kept per change): " + String.join(", ", pruned));
    return new BackupOutcome(point.id(), evidence, null, reports.write(window.instance(), "backup-evidence", evidence));
  }

  /** The newest restore point whose manifest, snapshots and dumps pass their checks; the others are described in {@code damaged}. */
  private RestorePoints.RestorePoint lastGood(Server server, List<RestorePoints.RestorePoint> candidates, List<String> damaged) {
    for (RestorePoints.RestorePoint point : candidates) {
      try {
        points.verify(server, point);
        return point;
      } catch (IOException e) {
        damaged.add(point.id() + ": " + e.getMessage());
      }
    }
    return null;
  }

  private Map<String, List<Difference>> differencesFrom(Server server, RestorePoints.RestorePoint point, List<String> databases)
      throws IOException, SQLException {
    Map<String, List<Difference>> differences = new LinkedHashMap<>();
    for (String db : databases) {
      List<Difference> found = point.entry(db).isEmpty() ? List.of(new Difference(Difference.Kind.ADDED, "database " + db, null,
          "not in " + point.id())) : SchemaSnapshot.take(server, db, limit()).differencesFrom(point.snapshot(db));
      if (!found.isEmpty()) {
        differences.put(db, found);
      }
    }
    return differences;
  }

  /** Per database of {@code databases}, the upgrade rows in effect according to the journal. */
  private static Map<String, List<String>> inEffect(Journal journal, List<String> databases) throws SQLException {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (Journal.Entry e : journal.applied()) {
      if (databases.contains(e.database())) {
        rows.computeIfAbsent(e.database(), db -> new ArrayList<>()).add(e.from() + " -> " + e.to());
      }
    }
    return rows;
  }

  private static String describe(Map<String, List<String>> inEffect) {
    return inEffect.entrySet().stream().map(e -> e.getKey() + " " + String.join(", ", e.getValue())).collect(Collectors.joining("; "));
  }

  /** Restores {@code db} from the restore point, checks it equals the point's snapshot, and journals it. */
  private void restoreVerified(Server server, Journal journal, RestorePoints.RestorePoint point, String db) throws IOException, SQLException {
    points.restore(server, point, db);
    SchemaSnapshot now = SchemaSnapshot.take(server, db, limit());
    List<Difference> left = now.differencesFrom(point.snapshot(db));
    if (!left.isEmpty()) {
      throw new RollbackMismatchException(db + " was restored from " + point + " but still differs from the snapshot taken with its dump:\n"
          + Report.list(left, 20));
    }
    journal.record(db, Journal.RESTORE, point.id(), point.entry(db).orElseThrow().sha256(), now);
  }

  private RestorePoints.RestorePoint restorePoint(PostgresPlan plan, Window window) throws IOException {
    if (window.restorePoint() == null) {
      throw new IllegalStateException("This instance has no restore point (variable restorePoint): the step 'Back up every MOSIP database' "
          + "sets it; nothing was run");
    }
    return points.find(plan.backupDirectory(), window.restorePoint());
  }

  /**
   * {@code postgres.restore} (undo of the backup): verifies the restore point and compares every
   * database with it. Those that differ are restored (plan {@code onRollbackMismatch: restore} or
   * the DBA's {@code restore}) or accepted as they are ({@code accept}); with {@code ask-dba} and no
   * decision yet, the DBA's question is returned. A database a DBA accepted earlier and that is
   * still as accepted is left alone.
   */
  public RestoreOutcome restore(PostgresPlan plan, Server server, Window window, String decision) throws IOException, SQLException {
    if (window.restorePoint() == null) {
      return new RestoreOutcome("This instance took no restore point: no database was changed through it, nothing to check.", null, null);
    }
    try (Journal journal = journal(server)) {
      return restore(plan, server, window, decision, journal);
    }
  }

  private RestoreOutcome restore(PostgresPlan plan, Server server, Window window, String decision, Journal journal)
      throws IOException, SQLException {
    RestorePoints.RestorePoint point = restorePoint(plan, window);
    points.verify(server, point);
    List<String> report = new ArrayList<>();
    Map<String, List<Difference>> differing = new LinkedHashMap<>();
    for (String db : plan.databases()) {
      SchemaSnapshot now = SchemaSnapshot.take(server, db, limit());
      List<Difference> differences = now.differencesFrom(point.snapshot(db));
      Optional<Journal.Entry> lastEntry = journal.entries().stream().filter(e -> e.database().equals(db)).reduce((a, b) -> b);
      boolean accepted = lastEntry.map(e -> e.action().equals(Journal.ACCEPT) && e.script().startsWith("by the DBA")).orElse(false)
          && journal.state(db).map(s -> now.differencesFrom(s.snapshot()).isEmpty()).orElse(false);
      if (differences.isEmpty()) {
        report.add(db + ": identical to " + point.id() + ", left as it is");
      } else if (accepted) {
        report.add(db + ": differs from " + point.id() + " as the DBA accepted earlier, left as it is");
      } else {
        differing.put(db, differences);
      }
    }
    if (differing.isEmpty()) {
      return new RestoreOutcome(String.join("\n", report), null, null);
    }
    boolean restore = plan.onRollbackMismatch().equals(RESTORE) || RESTORE.equals(decision);
    if (!restore && !ACCEPT.equals(decision)) {
      String request = "Decide: " + differing.size() + " database(s) differ from the pre-upgrade restore point " + point.id()
          + " after the rollback. Answer 'restore' to restore them from it (their current state is lost) or 'accept' to keep them "
          + "as they are (recorded as their new starting point).\n" + failedRollbacks(journal, point)
          + "Differences (what was lost first):\n" + Report.perDatabase(differing, 10);
      String link = reports.write(window.instance(), "database-decision", request + "\n\nEvery difference:\n"
          + Report.perDatabase(differing, Integer.MAX_VALUE));
      return new RestoreOutcome(null, request, link);
    }
    for (Map.Entry<String, List<Difference>> e : differing.entrySet()) {
      if (restore) {
        restoreVerified(server, journal, point, e.getKey());
        report.add(e.getKey() + ": restored from " + point.id() + "; it differed:\n" + Report.list(e.getValue(), 10));
      } else {
        journal.record(e.getKey(), Journal.ACCEPT, "by the DBA, differing from " + point.id(), "", SchemaSnapshot.take(server, e.getKey(), limit()));
        report.add(e.getKey() + ": accepted by the DBA as it is; it differs from " + point.id() + ":\n" + Report.list(e.getValue(), 10));
      }
    }
    String text = String.join("\n", report);
    return new RestoreOutcome(text, null, reports.write(window.instance(), "restore", text));
  }

  /** The rollback scripts that failed since the restore point was taken, for the DBA's question. */
  private static String failedRollbacks(Journal journal, RestorePoints.RestorePoint point) throws SQLException {
    List<String> failed = journal.entries().stream().filter(e -> e.action().equals(Journal.ROLLBACK) && e.status().equals("failed")
        && e.startedAt().isAfter(point.created())).map(e -> e.key() + " (" + e.script() + ", " + UpgradeCsv.row(e.csvRow()) + ")").toList();
    return failed.isEmpty() ? "No rollback script failed.\n" : "Rollback scripts that failed: " + String.join("; ", failed) + "\n";
  }

  /** {@code postgres.run-upgrade-csv}: validates everything, checks the databases against the journal, then runs the rows not yet applied. */
  public String runUpgradeCsv(PostgresPlan plan, Server server, Window window) throws IOException, SQLException {
    UpgradeCsv csv = UpgradeCsv.load(plan.csvPath(), plan.scriptsPath(), plan.databases());
    RestorePoints.RestorePoint point = restorePoint(plan, window);
    try (Journal journal = journal(server)) {
      UpgradeCsvRunner.Run run = runner(server, journal).upgrade(csv, baseline(point, csv.databases()), true);
      String text = UpgradeCsvRunner.summary(run.rows()) + "\n" + lines(run.rows());
      reports.write(window.instance(), "schema-upgrade", text);
      return text;
    } catch (ScriptFailedException e) {
      StringBuilder text = new StringBuilder(e.getMessage()).append("\n\nPartial effects of the failed script")
          .append(e.failed().effectsNote() == null ? "" : " (" + e.failed().effectsNote() + ")").append(":\n")
          .append(e.failed().effects().isEmpty() ? "none" : Report.list(e.failed().effects(), Integer.MAX_VALUE))
          .append("\n\nLast output of psql:\n").append(e.failed().outputTail()).append("\n\nRows:\n").append(lines(e.results()));
      throw e.withReport(reports.write(window.instance(), "schema-upgrade", text.toString()));
    }
  }

  private static Map<String, SchemaSnapshot> baseline(RestorePoints.RestorePoint point, Iterable<String> databases) throws IOException {
    Map<String, SchemaSnapshot> baseline = new LinkedHashMap<>();
    for (String db : databases) {
      if (point.entry(db).isPresent()) {
        baseline.put(db, point.snapshot(db));
      }
    }
    return baseline;
  }

  /**
   * {@code postgres.rollback-upgrade-csv} (and the undo of an abandoned upgrade step): the rollback
   * scripts of exactly the applied rows, newest first, then every database compared with the
   * restore point. Differing databases are restored from it with {@code onRollbackMismatch:
   * restore}; with {@code ask-dba} the report says so and the DBA decides when the rollback reaches
   * {@code postgres.restore}. Failed scripts and lossy rollbacks come first in the report.
   */
  public String rollbackUpgradeCsv(PostgresPlan plan, Server server, Window window) throws IOException, SQLException {
    try (Journal journal = journal(server)) {
      return rollbackUpgradeCsv(plan, server, window, journal);
    }
  }

  private String rollbackUpgradeCsv(PostgresPlan plan, Server server, Window window, Journal journal) throws IOException, SQLException {
    UpgradeCsvRunner runner = runner(server, journal);
    RestorePoints.RestorePoint point = window.restorePoint() == null ? null : restorePoint(plan, window);
    Map<String, SchemaSnapshot> baseline = point == null ? Map.of() : baseline(point, plan.databases());
    UpgradeCsvRunner.Rollback rollback = runner.rollback(plan.scriptsPath(), plan.databases(), baseline);
    List<String> failed = rollback.rows().stream().filter(r -> r.outcome().equals("failed")).map(UpgradeCsvRunner.RowResult::describe).toList();
    StringBuilder text = new StringBuilder(failed.isEmpty() ? "" : failed.size() + " rollback script(s) failed (listed below). ");
    if (rollback.differences().isEmpty()) {
      text.append(point == null ? "Rolled back; no restore point to compare with." : "Every database equals the restore point " + point.id() + ".");
    } else if (plan.onRollbackMismatch().equals(RESTORE)) {
      for (String db : rollback.differences().keySet()) {
        restoreVerified(server, runner.journal(), point, db);
      }
      text.append(rollback.differences().size()).append(" database(s) differed from the restore point ").append(point.id())
          .append(" after the rollback scripts and were restored from it (plan: onRollbackMismatch restore): ")
          .append(String.join(", ", rollback.differences().keySet())).append('.');
    } else {
      text.append(rollback.differences().size()).append(" database(s) differ from the restore point ").append(point.id())
          .append(" after the rollback scripts: ").append(String.join(", ", rollback.differences().keySet()))
          .append(". The plan says ask-dba: the DBA decides (restore or accept) when the rollback reaches "
              + "'Check the databases against the restore point'.");
    }
    text.append('\n');
    if (!failed.isEmpty()) {
      text.append("Failed rollback scripts:\n").append(Report.list(failed, Integer.MAX_VALUE)).append('\n');
    }
    Map<String, List<Difference>> lost = new LinkedHashMap<>();
    rollback.differences().forEach((db, d) -> {
      List<Difference> l = Difference.losses(d);
      if (!l.isEmpty()) {
        lost.put(db, l);
      }
    });
    if (!lost.isEmpty()) {
      text.append("Lost by the rollback (before any restore):\n").append(Report.perDatabase(lost, 10)).append('\n');
    }
    if (!rollback.differences().isEmpty()) {
      text.append("Differences after the rollback scripts:\n").append(Report.perDatabase(rollback.differences(), Integer.MAX_VALUE)).append('\n');
    }
    text.append(UpgradeCsvRunner.summary(rollback.rows())).append('\n').append(lines(rollback.rows()));
    reports.write(window.instance(), "schema-rollback", text.toString());
    return text.toString();
  }

  /**
   * {@code postgres.rehearse}: copies roles and every database of the chain (a fresh dump, taken
   * with its snapshot) into the scratch server with {@code pg_restore --create} (owner, privileges,
   * settings, comments), checks each copy equals its original, runs the chain forward and back
   * there, and reports. The real databases are only read. The structure each database reached is
   * kept for {@code verify.schema}.
   */
  public Rehearsal rehearse(PostgresPlan plan, Server server, Window window) throws IOException, SQLException {
    Server scratch = settings.scratch();
    if (scratch == null || (scratch.host().equals(server.host()) && scratch.port() == server.port())) {
      throw new IllegalStateException("The rehearsal needs a scratch server distinct from " + server
          + ": set orchestrator.database.scratch (host, port, user; password from the environment)");
    }
    UpgradeCsv csv = UpgradeCsv.load(plan.csvPath(), plan.scriptsPath(), plan.databases());
    Instant started = Instant.now();
    Path work = rehearsalDirectory(plan, window);
    if (Files.isDirectory(work)) {
      try (Stream<Path> files = Files.walk(work)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(work);
    Path roles = work.resolve("roles.sql");
    tools.require(List.of("pg_dumpall", "--roles-only", "-f", roles.toString()), server, "pg_dumpall --roles-only");
    tools.run(List.of("psql", "--dbname=postgres", "-q", "-f", roles.toString()), scratch.environment(), null);
    Map<String, SchemaSnapshot> copies = new LinkedHashMap<>();
    Map<String, List<Difference>> unfaithful = new LinkedHashMap<>();
    for (String db : csv.databases()) {
      BackupService.Dump dump = backups.dump(server, db, work.resolve(db + ".dump"), limit());
      backups.restore(scratch, db, dump.file().file(), dump.file().sha256());
      SchemaSnapshot copy = SchemaSnapshot.take(scratch, db, limit());
      copies.put(db, copy);
      List<Difference> differences = copy.differencesFrom(dump.snapshot());
      if (!differences.isEmpty()) {
        unfaithful.put(db, differences);
      }
    }
    dropDatabase(scratch, settings.journalDatabase());
    UpgradeCsvRunner.Run forward;
    UpgradeCsvRunner.Rollback back;
    try (Journal journal = journal(scratch)) {
      UpgradeCsvRunner runner = runner(scratch, journal);
      forward = runner.upgrade(csv, copies, false);
      for (String db : csv.databases()) {
        if (forward.rows().stream().filter(r -> r.row().database().equals(db)).allMatch(r -> r.outcome().equals("applied"))) {
          Files.write(work.resolve("expected-" + db + ".json"), JSON.writeValueAsBytes(forward.after().get(db).objects()));
        }
      }
      back = runner.rollback(plan.scriptsPath(), csv.databases(), copies);
    }
    Rehearsal rehearsal = new Rehearsal(scratch.toString(), List.copyOf(csv.databases()), unfaithful, forward, back,
        Duration.between(started, Instant.now()));
    Files.writeString(work.resolve("rehearsal-durations.csv"), rehearsal.durationsCsv());
    reports.write(window.instance(), "rehearsal", rehearsal.report());
    return rehearsal;
  }

  private static Path rehearsalDirectory(PostgresPlan plan, Window window) {
    return plan.backupDirectory().resolve(window.ticket()).resolve("rehearsal");
  }

  /**
   * {@code verify.schema}: every row of upgrade.csv applied according to the journal, and each
   * database itself as expected: its structure (with settings, privileges, comments) equal to the
   * state the journal recorded after the rows and to the structure the rehearsal reached (when the
   * rehearsal applied its whole chain); valid indexes, validated constraints and populated
   * materialized views. Content is not compared: the new services may already write.
   */
  public SchemaCheck verifySchema(PostgresPlan plan, Server server, Window window) throws IOException, SQLException {
    UpgradeCsv csv = UpgradeCsv.load(plan.csvPath(), plan.scriptsPath(), plan.databases());
    try (Journal journal = journal(server)) {
      return verifySchema(plan, server, window, csv, journal);
    }
  }

  private SchemaCheck verifySchema(PostgresPlan plan, Server server, Window window, UpgradeCsv csv, Journal journal)
      throws IOException, SQLException {
    List<String> appliedKeys = journal.applied().stream().map(Journal.Entry::key).toList();
    SchemaCheck check = new SchemaCheck();
    for (String db : plan.databases()) {
      List<UpgradeCsv.Row> chain = csv.rows().stream().filter(r -> r.database().equals(db)).toList();
      List<String> missing = chain.stream().filter(r -> !appliedKeys.contains(r.key())).map(r -> UpgradeCsv.row(r.line()) + " (" + r.key() + ")").toList();
      if (!missing.isEmpty()) {
        check.problem(db, "rows of upgrade.csv not in effect according to the journal: " + String.join(", ", missing));
      } else if (!chain.isEmpty()) {
        check.ok(db, "at version " + chain.get(chain.size() - 1).to() + " according to the journal");
      }
      SchemaSnapshot now;
      try (Connection c = server.connect(db)) {
        now = SchemaSnapshot.structure(c);
      }
      Optional<Journal.State> state = journal.state(db);
      if (state.isPresent()) {
        List<Difference> changed = now.differencesFrom(state.get().snapshot().structureOnly());
        if (changed.isEmpty()) {
          check.ok(db, "structure identical to what the journal recorded after '" + state.get().reason() + "'");
        } else {
          check.problem(db, "differs from what the journal recorded after '" + state.get().reason() + "' at " + state.get().takenAt()
              + " (" + changed.size() + " difference(s)):\n" + Report.list(changed, 20));
        }
      } else {
        check.problem(db, "the journal has no record of this database: it cannot be checked against what was done");
      }
      Path expected = rehearsalDirectory(plan, window).resolve("expected-" + db + ".json");
      if (!chain.isEmpty() && Files.isRegularFile(expected)) {
        SchemaSnapshot rehearsed = new SchemaSnapshot(JSON.readValue(expected.toFile(),
            new com.fasterxml.jackson.core.type.TypeReference<java.util.TreeMap<String, String>>() {}), null);
        List<Difference> differences = now.differencesFrom(rehearsed);
        if (differences.isEmpty()) {
          check.ok(db, "structure identical to what the rehearsal reached at version " + chain.get(chain.size() - 1).to());
        } else {
          check.problem(db, "structure differs from what the rehearsal reached at version " + chain.get(chain.size() - 1).to()
              + " (" + differences.size() + " difference(s)):\n" + Report.list(differences, 20));
        }
      }
      try (Connection c = server.connect(db); Statement s = c.createStatement()) {
        query(s, "select i.indexrelid::regclass::text from pg_index i where not i.indisvalid", v -> check.problem(db, "invalid index " + v));
        query(s, "select conrelid::regclass::text || ' ' || conname from pg_constraint where not convalidated",
            v -> check.problem(db, "constraint not validated: " + v));
        query(s, "select schemaname || '.' || matviewname from pg_matviews where not ispopulated",
            v -> check.problem(db, "materialized view not refreshed: " + v));
      }
    }
    check.link(reports.write(window.instance(), "schema-validation", check.full()));
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

  private Journal journal(Server server) throws SQLException {
    return new Journal(server, settings.journalDatabase()).open();
  }

  private UpgradeCsvRunner runner(Server server, Journal journal) {
    return new UpgradeCsvRunner(tools, server, journal, settings.psqlVariables(), limit());
  }

  static String lines(List<UpgradeCsvRunner.RowResult> results) {
    return results.stream().map(Object::toString).collect(Collectors.joining("\n"));
  }
}
