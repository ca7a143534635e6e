package org.dpi.upgrade.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.dpi.upgrade.step.RollbackRequiredException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The steps as the workers call them, on a real PostgreSQL 15 (the MOSIP server) and a PostgreSQL 16
 * scratch server (zonky) for the rehearsal.
 */
class DatabaseStepsTest {

  static SystemPostgres postgres;
  static EmbeddedPostgres scratchServer;
  static Server server;
  static Server scratch;

  @TempDir Path dir;
  Fixture fixture;
  DatabaseSteps steps;
  Set<String> running = new HashSet<>();

  @BeforeAll
  static void start() throws Exception {
    postgres = SystemPostgres.start();
    server = postgres.server();
    scratchServer = EmbeddedPostgres.builder().start();
    scratch = new Server("127.0.0.1", scratchServer.getPort(), "postgres", "");
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
    scratchServer.close();
  }

  @BeforeEach
  void databases() throws Exception {
    Fixture.reset(server);
    fixture = new Fixture(dir);
    steps = new DatabaseSteps(Fixture.settings(server, scratch, dir.resolve("reports")));
  }


  /** The instance {@code instance} of change CHG-7 after its backup step (which must not need a decision). */
  DatabaseSteps.Window backedUp(PostgresPlan plan, String instance) throws Exception {
    running.add(instance);
    DatabaseSteps.BackupOutcome outcome = steps.backup(plan, server, new DatabaseSteps.Window("CHG-7", instance, null), running::contains);
    assertThat(outcome.decisionNeeded()).as(outcome.decisionRequest()).isFalse();
    return new DatabaseSteps.Window("CHG-7", instance, outcome.restorePoint());
  }

  /** Backed up and upgraded, with a kernel rollback script that drops a live table, then fails, leaving the new column. */
  DatabaseSteps.Window upgradedWithAWrongKernelRollback(PostgresPlan plan) throws Exception {
    DatabaseSteps.Window window = backedUp(plan, "pid-1");
    steps.runUpgradeCsv(plan, server, window);
    Files.writeString(fixture.script("mosip_kernel/sql/1.2.0.2_to_1.3.0_rollback.sql"),
        "\\c mosip_kernel\n\nDROP TABLE kernel.key_alias;\nALTER TABLE kernel.uin MODIFY COLUMN lang_code varchar(3);\n");
    return window;
  }

  static Map<Path, String> checksums(Path directory) throws IOException {
    Map<Path, String> sums = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        sums.put(f, BackupService.sha256(f));
      }
    }
    return sums;
  }

  @Test
  void aRestorePointIsKeyedByTicketAndAttemptChecksummedReadOnlyAndReusedWhileTheDatabasesEqualIt() throws Exception {
    DatabaseSteps.Window first = backedUp(fixture.plan("restore"), "pid-1");

    Path attempt = dir.resolve("backups/CHG-7/attempt-1");
    assertThat(first.restorePoint()).isEqualTo("CHG-7/attempt-1");
    assertThat(Files.getPosixFilePermissions(attempt.resolve("mosip_kernel.dump"))).isEqualTo(PosixFilePermissions.fromString("r--r-----"));
    assertThat(Files.readString(attempt.resolve("manifest.json.sha256"))).isEqualTo(BackupService.sha256(attempt.resolve("manifest.json"))
        + "  manifest.json\n");
    assertThat(Files.readString(attempt.resolve("manifest.json"))).contains("\"sha256\" : \"" + BackupService.sha256(attempt.resolve("mosip_ida.dump")));
    assertThat(Files.readString(dir.resolve("reports/pid-1/backup-evidence.txt")))
        .startsWith("Restore point CHG-7/attempt-1 (new), taken ")
        .contains("mosip_kernel: " + attempt.resolve("mosip_kernel.dump") + ", " + Files.size(attempt.resolve("mosip_kernel.dump"))
            + " bytes, SHA-256 " + BackupService.sha256(attempt.resolve("mosip_kernel.dump")) + ", pg_restore --list ok (");
    assertThat(Files.exists(attempt.resolve("references/pid-1"))).isTrue();
    Map<Path, String> files = checksums(attempt);

    DatabaseSteps.Window second = backedUp(fixture.plan("restore"), "pid-2");

    assertThat(second.restorePoint()).isEqualTo("CHG-7/attempt-1");
    assertThat(Files.readString(dir.resolve("reports/pid-2/backup-evidence.txt"))).startsWith("Restore point CHG-7/attempt-1 (reused: every "
        + "database equals it)");
    assertThat(dir.resolve("backups/CHG-7/attempt-2")).doesNotExist();
    assertThat(checksums(attempt)).containsAllEntriesOf(files);
  }

  /**
   * The second-attempt case: the upgrade fails mid-chain, the rollback (with a wrong vendor
   * rollback script) and the restore bring the databases back and the journal says so; the next
   * attempt reuses the restore point, applies every row again, and validation passes only while the
   * databases really are at the new version.
   */
  @Test
  void afterAFailedWindowTheSecondAttemptAppliesEveryRowAgainAndValidationChecksTheDatabasesThemselves() throws Exception {
    Map<String, String> before = Fixture.schemaDumps(server);
    PostgresPlan plan = fixture.plan("restore");
    DatabaseSteps.Window first = backedUp(plan, "pid-1");
    Path audit = fixture.script("mosip_audit/sql/1.2.0.1_to_1.2.1.0_upgrade.sql");
    String auditScript = Files.readString(audit);
    Files.writeString(audit, "\\c mosip_audit\n\nCREATE INDEX idx_adtlog_dtimes ON audit.app_audit_log (log_dtimes);\nSELECT 1/0;\n");
    Files.writeString(fixture.script("mosip_kernel/sql/1.2.0.2_to_1.3.0_rollback.sql"), "\\c mosip_kernel\n\nDROP TABLE kernel.key_alias;\n");

    ScriptFailedException failed = catchThrowableOfType(ScriptFailedException.class, () -> steps.runUpgradeCsv(plan, server, first));
    assertThat(failed.getMessage()).contains("Failed: upgrade of mosip_audit 1.2.0.1 -> 1.2.1.0 (CSV row 4): "
            + "mosip_audit/sql/1.2.0.1_to_1.2.1.0_upgrade.sql script line 4: division by zero")
        .contains("- not in the snapshot: index audit.idx_adtlog_dtimes").endsWith("Full report: /database-reports/pid-1/schema-upgrade");
    String rollback = steps.rollbackUpgradeCsv(plan, server, first);

    assertThat(rollback).startsWith("2 database(s) differed from the restore point CHG-7/attempt-1 after the rollback scripts and were restored "
        + "from it (plan: onRollbackMismatch restore): mosip_kernel, mosip_audit.")
        .contains("Lost by the rollback (before any restore):\nmosip_kernel: ").contains("- missing: rows of kernel.key_alias (was: 20 rows)");
    assertThat(Fixture.schemaDumps(server)).isEqualTo(before);
    assertThat(Fixture.journal(server, Journal::applied)).as("after the restore nothing is in effect").isEmpty();
    assertThat(Fixture.journal(server, Journal::entries)).extracting(e -> e.database() + " " + e.action() + " " + e.status()).contains(
        "mosip_kernel restore ok", "mosip_audit restore ok");

    Files.writeString(audit, auditScript);
    Files.writeString(fixture.script("mosip_kernel/sql/1.2.0.2_to_1.3.0_rollback.sql"),
        Files.readString(Fixture.RESOURCES.resolve("scripts/mosip_kernel/sql/1.2.0.2_to_1.3.0_rollback.sql")));
    DatabaseSteps.Window second = backedUp(plan, "pid-2");
    assertThat(second.restorePoint()).isEqualTo("CHG-7/attempt-1");

    String upgrade = steps.runUpgradeCsv(plan, server, second);

    assertThat(upgrade).startsWith("5 row(s): {applied=5}");
    assertThat(steps.verifySchema(plan, server, second).problems()).isEmpty();
    assertThat(Fixture.count(server, "mosip_kernel", "select count(*) from kernel.uin where lang_code = 'eng'")).isEqualTo(200);

    RestorePoints points = new RestorePoints(new BackupService(new PgTools(List.of())));
    points.restore(server, points.find(dir.resolve("backups"), "CHG-7/attempt-1"), "mosip_kernel");
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("alter database mosip_ida set search_path to public");
    }
    SchemaCheck check = steps.verifySchema(plan, server, second);

    assertThat(check.problems()).hasSize(2);
    assertThat(check.problems().get(0)).startsWith("mosip_kernel: differs from what the journal recorded after 'upgrade rows done' at ")
        .contains("- missing: column kernel.uin.lang_code (was: character varying(3) default 'eng'::character varying)");
    assertThat(check.problems().get(1)).startsWith("mosip_ida: differs from what the journal recorded")
        .contains("- changed: database setting for every role: search_path=ida, pg_catalog, public -> search_path=public");
    assertThat(check.summary()).startsWith("2 problem(s):\n- mosip_kernel: differs from what the journal recorded")
        .endsWith("Full report: /database-reports/pid-2/schema-validation");
  }

  /** A cancelled instance left the databases half-upgraded: the next instance keeps the first backup and asks the DBA. */
  @Test
  void aSecondInstanceAfterACancelledOneKeepsTheFirstRestorePointAndAsksTheDba() throws Exception {
    Map<String, String> before = Fixture.schemaDumps(server);
    PostgresPlan plan = fixture.plan("restore");
    DatabaseSteps.Window first = backedUp(plan, "pid-1");
    Path otp = fixture.script("mosip_otp/sql/1.2.0.1_to_1.2.1.0_upgrade.sql");
    String otpScript = Files.readString(otp);
    Files.writeString(otp, "\\c mosip_otp\n\nSELECT 1/0;\n");
    catchThrowableOfType(ScriptFailedException.class, () -> steps.runUpgradeCsv(plan, server, first));
    running.remove("pid-1");
    Map<Path, String> files = checksums(dir.resolve("backups/CHG-7/attempt-1"));

    DatabaseSteps.Window second = new DatabaseSteps.Window("CHG-7", "pid-2", null);
    running.add("pid-2");
    DatabaseSteps.BackupOutcome asked = steps.backup(plan, server, second, running::contains);

    assertThat(asked.decisionNeeded()).isTrue();
    assertThat(asked.decisionRequest()).startsWith("Decide: the databases are not as the last good restore point of change CHG-7 left them, "
            + "so no new pre-upgrade backup was taken. Answer 'restore'")
        .contains("Rows of upgrade.csv in effect according to the journal: mosip_kernel 1.2.0.1 -> 1.2.0.2, 1.2.0.2 -> 1.3.0")
        .contains("mosip_kernel: 3 difference(s)\n- not in the snapshot: column kernel.uin.lang_code");
    assertThat(asked.reportLink()).isEqualTo("/database-reports/pid-2/restore-point-decision");
    assertThat(dir.resolve("backups/CHG-7/attempt-2")).doesNotExist();
    assertThat(checksums(dir.resolve("backups/CHG-7/attempt-1"))).isEqualTo(files);

    assertThat(catchThrowable(() -> steps.applyRestorePointDecision(plan, server, second, "new-restore-point", running::contains)))
        .hasMessageStartingWith("A new restore point is refused: rows of upgrade.csv are in effect according to the journal");
    assertThat(catchThrowable(() -> steps.applyRestorePointDecision(plan, server, second, "reject", running::contains)))
        .isInstanceOf(RollbackRequiredException.class);
    DatabaseSteps.BackupOutcome restored = steps.applyRestorePointDecision(plan, server, second, "restore", running::contains);

    assertThat(restored.restorePoint()).isEqualTo("CHG-7/attempt-1");
    assertThat(restored.evidence()).startsWith("Restore point CHG-7/attempt-1 (restored by the DBA's decision)");
    assertThat(Fixture.schemaDumps(server)).isEqualTo(before);
    assertThat(Fixture.journal(server, Journal::applied)).isEmpty();
    assertThat(checksums(dir.resolve("backups/CHG-7/attempt-1"))).containsAllEntriesOf(files);
    Files.writeString(otp, otpScript);
    DatabaseSteps.Window withPoint = new DatabaseSteps.Window("CHG-7", "pid-2", restored.restorePoint());
    assertThat(steps.runUpgradeCsv(plan, server, withPoint)).startsWith("5 row(s): {applied=5}");
  }

  @Test
  void retentionKeepsTheNewestRestorePointsAndEveryOneARunningInstanceUses() throws Exception {
    steps = new DatabaseSteps(new DatabaseSettings(server, null, scratch, null, Fixture.VARIABLES, null, dir.resolve("reports"), null, 1));
    PostgresPlan plan = fixture.plan("restore");
    backedUp(plan, "pid-1");
    for (int attempt = 2; attempt <= 3; attempt++) {
      try (Connection c = server.connect("mosip_audit"); Statement s = c.createStatement()) {
        s.execute("insert into audit.app_audit_log values ('between-" + attempt + "', now(), 'kernel')");
      }
      DatabaseSteps.Window window = new DatabaseSteps.Window("CHG-7", "pid-" + attempt, null);
      assertThat(steps.backup(plan, server, window, running::contains).decisionRequest())
          .contains("mosip_audit: 1 difference(s)\n- changed: rows of audit.app_audit_log: ");
      running.add("pid-" + attempt);
      assertThat(steps.applyRestorePointDecision(plan, server, window, "new-restore-point", running::contains).restorePoint())
          .isEqualTo("CHG-7/attempt-" + attempt);
      running.remove("pid-" + (attempt - 1));
    }
    assertThat(dir.resolve("backups/CHG-7/attempt-1")).as("unused and beyond the one kept").doesNotExist();
    assertThat(dir.resolve("backups/CHG-7/attempt-2")).as("pid-2 was running when attempt-3 was taken").exists();
    assertThat(dir.resolve("backups/CHG-7/attempt-3")).exists();
  }

  @Test
  void askDbaLeavesTheDifferingDatabaseAndAsksAtTheRestoreStepDecisionFirst() throws Exception {
    Map<String, String> before = Fixture.schemaDumps(server);
    PostgresPlan plan = fixture.plan("ask-dba");
    DatabaseSteps.Window window = upgradedWithAWrongKernelRollback(plan);

    String rollback = steps.rollbackUpgradeCsv(plan, server, window);

    assertThat(rollback).startsWith("1 rollback script(s) failed (listed below). "
        + "1 database(s) differ from the restore point CHG-7/attempt-1 after the rollback scripts: mosip_kernel. "
        + "The plan says ask-dba: the DBA decides (restore or accept) when the rollback reaches 'Check the databases against the restore point'.");
    assertThat(rollback).contains("Failed rollback scripts:\n- rollback of mosip_kernel 1.2.0.2 -> 1.3.0 (CSV row 2): "
        + "mosip_kernel/sql/1.2.0.2_to_1.3.0_rollback.sql script line 4: syntax error at or near \"MODIFY\"");
    assertThat(Fixture.count(server, "mosip_kernel", "select count(*) from pg_tables where tablename = 'key_alias'")).isZero();

    DatabaseSteps.RestoreOutcome asked = steps.restore(plan, server, window, null);

    assertThat(asked.decisionRequest()).startsWith("Decide: 1 database(s) differ from the pre-upgrade restore point CHG-7/attempt-1 after "
            + "the rollback. Answer 'restore' to restore them from it (their current state is lost) or 'accept' to keep them as they are")
        .contains("Rollback scripts that failed: mosip_kernel 1.2.0.2 -> 1.3.0 (mosip_kernel/sql/1.2.0.2_to_1.3.0_rollback.sql, CSV row 2)\n"
            + "Differences (what was lost first):\nmosip_kernel: 9 difference(s)\n- missing: column kernel.key_alias.app_id");
    assertThat(Files.readString(dir.resolve("reports/pid-1/database-decision.txt"))).contains("Every difference:\nmosip_kernel: 9 difference(s)");

    DatabaseSteps.RestoreOutcome accepted = steps.restore(plan, server, window, "accept");
    assertThat(accepted.report()).contains("mosip_kernel: accepted by the DBA as it is; it differs from CHG-7/attempt-1:");
    assertThat(steps.restore(plan, server, window, null).report()).contains("mosip_kernel: differs from CHG-7/attempt-1 as the DBA accepted earlier, left as it is");
    assertThat(Fixture.count(server, "mosip_kernel", "select count(*) from pg_tables where tablename = 'key_alias'")).isZero();

    try (Connection c = server.connect("mosip_kernel"); Statement s = c.createStatement()) {
      s.execute("alter table kernel.uin drop column lang_code");
    }
    assertThat(steps.restore(plan, server, window, "restore").report()).contains("mosip_kernel: restored from CHG-7/attempt-1; it differed:");
    assertThat(Fixture.schemaDumps(server)).isEqualTo(before);
  }

  @Test
  void restoreVerifiesTheChecksumFirstAndRestoresOnlyWhatDiffers() throws Exception {
    DatabaseSteps.Window window = backedUp(fixture.plan("restore"), "pid-1");
    try (Connection c = server.connect("mosip_audit"); Statement s = c.createStatement()) {
      s.execute("delete from audit.app_audit_log where log_id like 'log-1%'");
    }

    String report = steps.restore(fixture.plan("restore"), server, window, null).report();

    assertThat(report).contains("mosip_kernel: identical to CHG-7/attempt-1, left as it is")
        .contains("mosip_audit: restored from CHG-7/attempt-1; it differed:\n- changed: rows of audit.app_audit_log: 50 rows -> 39 rows");
    assertThat(Fixture.count(server, "mosip_audit", "select count(*) from audit.app_audit_log")).isEqualTo(50);

    Path dump = dir.resolve("backups/CHG-7/attempt-1/mosip_otp.dump");
    dump.toFile().setWritable(true);
    byte[] bytes = Files.readAllBytes(dump);
    bytes[bytes.length / 2] ^= 1;
    Files.write(dump, bytes);
    IOException damaged = catchThrowableOfType(IOException.class, () -> steps.restore(fixture.plan("restore"), server, window, null));
    assertThat(damaged.getMessage()).startsWith("the backup " + dump + " is damaged: SHA-256 ");
  }

  @Test
  void theRehearsalOnFaithfulCopiesPassesTheCleanChainWithoutTouchingTheRealDatabases() throws Exception {
    Map<String, String> before = Fixture.schemaDumps(server);

    Rehearsal rehearsal = steps.rehearse(fixture.plan("restore"), server, new DatabaseSteps.Window("CHG-7", "pid-1", null));

    assertThat(rehearsal.passed()).as(rehearsal.report()).isTrue();
    assertThat(rehearsal.failures()).startsWith("REHEARSAL PASSED: every row applied and rolled back, every database back to its snapshot "
        + "(scratch server postgres@127.0.0.1:" + scratch.port() + ", ")
        .contains("Self-check: before the chain ran, each of the 4 scratch copies had zero differences from its original");
    assertThat(Fixture.schemaDumps(server)).isEqualTo(before);
    assertThat(Fixture.count(server, "postgres", "select count(*) from pg_database where datname = 'upgrade_orchestrator'")).isZero();
    assertThat(Fixture.count(scratch, "mosip_ida", "select count(*) from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase "
        + "where d.datname = 'mosip_ida'")).isEqualTo(1);
    assertThat(Files.readAllLines(dir.resolve("backups/CHG-7/rehearsal/rehearsal-durations.csv"))).hasSize(1 + 5 + 5);
    assertThat(dir.resolve("backups/CHG-7/rehearsal/expected-mosip_ida.json")).exists();

    Path kernel = fixture.script("mosip_kernel/sql/1.2.0.2_to_1.3.0_upgrade.sql");
    Files.writeString(kernel, Files.readString(kernel).replace("idx_uin_lang_code", "idx_uin_language"));
    DatabaseSteps.Window window = backedUp(fixture.plan("restore"), "pid-1");
    steps.runUpgradeCsv(fixture.plan("restore"), server, window);
    assertThat(steps.verifySchema(fixture.plan("restore"), server, window).problems()).as("a script changed after the rehearsal")
        .singleElement().asString().startsWith("mosip_kernel: structure differs from what the rehearsal reached at version 1.3.0 (2 difference(s)):\n")
        .contains("- missing: index kernel.idx_uin_lang_code").contains("- not in the snapshot: index kernel.idx_uin_language");
  }

  /** The defects chain: exactly the four planted defects are reported, in order, and nothing else. */
  @Test
  void theRehearsalOfTheDefectsChainReportsExactlyThePlantedDefectsFailuresFirst() throws Exception {
    Fixture.resetWithDefects(server);
    Rehearsal rehearsal = steps.rehearse(fixture.defectsPlan(), server, new DatabaseSteps.Window("CHG-7", "pid-1", null));

    assertThat(rehearsal.copyDifferences()).isEmpty();
    assertThat(rehearsal.failedRows()).extracting(UpgradeCsvRunner.RowResult::describe).containsExactly(
        "upgrade of mosip_pms 1.2.0.1 -> 1.2.1.0 (CSV row 8): mosip_pms/sql/1.2.0.1_to_1.2.1.0_upgrade.sql script line 5: "
            + "column \"label\" does not exist",
        "rollback of mosip_resident 1.2.0.1 -> 1.2.1.0 (CSV row 9): mosip_resident/sql/1.2.0.1_to_1.2.1.0_rollback.sql script line 4: "
            + "syntax error at or near \"TO\"",
        "rollback of mosip_master 1.2.0.1 -> 1.2.1.0 (CSV row 7): mosip_master/sql/1.2.0.1_to_1.2.1.0_rollback.sql script line 4: "
            + "syntax error at or near \"MODIFY\"");
    assertThat(rehearsal.failedRows().get(0).effects()).extracting(Object::toString).containsExactly(
        "not in the snapshot: index pms.idx_partner_policy_part_id (CREATE INDEX idx_partner_policy_part_id ON pms.partner_policy "
            + "USING btree (part_id))");
    assertThat(rehearsal.losses()).containsOnlyKeys("mosip_ida");
    assertThat(rehearsal.losses().get("mosip_ida")).extracting(Difference::key).contains("table ida.credential_event_store",
        "rows of ida.credential_event_store", "index ida.idx_cred_evt_pending", "comment on table ida.credential_event_store");
    assertThat(rehearsal.back().differences()).containsOnlyKeys("mosip_ida", "mosip_master", "mosip_pms", "mosip_resident");
    assertThat(rehearsal.back().differences().get("mosip_master")).extracting(Object::toString).containsExactly(
        "changed: column master.template.name: character varying(128) not null -> character varying(256) not null");
    assertThat(rehearsal.back().differences().get("mosip_resident")).extracting(Difference::key).containsExactly("table resident.otp_transaction");
    assertThat(rehearsal.back().differences().get("mosip_pms")).extracting(Difference::key).containsExactly("index pms.idx_partner_policy_part_id");
    assertThat(rehearsal.back().differences().get("mosip_ida")).extracting(Difference::key).hasSize(16).allMatch(k ->
        k.contains("credential_event_store") || k.equals("index ida.idx_cred_evt_pending") || k.equals("index ida.pk_credevtstr"));

    String report = rehearsal.report();
    assertThat(report).startsWith("REHEARSAL FAILED: 3 failed row(s), 1 lossy rollback(s), 4 database(s) not back to their snapshot");
    assertThat(List.of(report.indexOf("Self-check: before the chain ran, each of the 7 scratch copies had zero differences"),
        report.indexOf("\nFailed rows (3):\n- upgrade of mosip_pms"), report.indexOf("  partial effects (left by the failed script):"),
        report.indexOf("\nLossy rollbacks (1):\n- mosip_ida: the rollback lost "), report.indexOf(", dropped by the rollback of mosip_ida 1.2.1.0 -> 1.3.0 "
            + "(mosip_ida/sql/1.2.1.0_to_1.3.0_rollback.sql, CSV row 6):"),
        report.indexOf("\nUpgrade: 9 row(s)"), report.indexOf("\nDifferences after the rollback, per database:\n"),
        report.indexOf("\nBack to their snapshot: mosip_kernel, mosip_otp, mosip_audit\n"))).doesNotContain(-1).isSorted();
    assertThat(Files.readString(dir.resolve("reports/pid-1/rehearsal.txt"))).isEqualTo(report);
    String shortest = rehearsal.failures(0);
    assertThat(shortest).as("what a DBA gate shows when space runs out: every failure, details counted")
        .contains(rehearsal.failedRows().stream().map(UpgradeCsvRunner.RowResult::describe).toList().toArray(String[]::new))
        .contains("  partial effects (left by the failed script):\n  - ... and 1 more").contains("  - ... and 10 more");
  }

  @Test
  void schemaValidationFindsInvalidIndexesUnvalidatedConstraintsStaleViewsAndRowsNotInEffect() throws Exception {
    DatabaseSteps.Window window = backedUp(fixture.plan("restore"), "pid-1");
    steps.runUpgradeCsv(fixture.plan("restore"), server, window);
    assertThat(steps.verifySchema(fixture.plan("restore"), server, window).problems()).isEmpty();
    try (Connection c = server.connect("mosip_kernel"); Statement s = c.createStatement()) {
      s.execute("alter table kernel.key_alias add constraint ck_app check (app_id <> 'KERNEL') not valid");
      s.execute("create materialized view kernel.uin_summary as select count(*) from kernel.uin with no data");
      try {
        s.execute("create unique index concurrently idx_key_alias_app on kernel.key_alias (app_id)");
      } catch (java.sql.SQLException duplicate) {
        // leaves the index behind, invalid
      }
    }
    Files.writeString(fixture.csv(), Files.readString(fixture.csv()) + "mosip_audit,1.2.1.0,1.3.0,upgrade\n");
    Files.copy(fixture.script("mosip_kernel/sql/1.2.0.1_to_1.2.0.2_upgrade.sql"), fixture.script("mosip_audit/sql/1.2.1.0_to_1.3.0_upgrade.sql"));
    Files.copy(fixture.script("mosip_kernel/sql/1.2.0.1_to_1.2.0.2_rollback.sql"), fixture.script("mosip_audit/sql/1.2.1.0_to_1.3.0_rollback.sql"));

    SchemaCheck check = steps.verifySchema(fixture.plan("restore"), server, window);

    assertThat(check.problems()).extracting(p -> p.lines().findFirst().orElseThrow()).containsExactlyInAnyOrder(
        "mosip_kernel: differs from what the journal recorded after 'upgrade rows done' at "
            + Fixture.journal(server, j -> j.state("mosip_kernel")).orElseThrow().takenAt() + " (4 difference(s)):",
        "mosip_kernel: invalid index kernel.idx_key_alias_app",
        "mosip_kernel: constraint not validated: kernel.key_alias ck_app",
        "mosip_kernel: materialized view not refreshed: kernel.uin_summary",
        "mosip_audit: rows of upgrade.csv not in effect according to the journal: CSV row 6 (mosip_audit 1.2.1.0 -> 1.3.0)");
    assertThat(check.summary()).startsWith("5 problem(s):").endsWith("Full report: /database-reports/pid-1/schema-validation");
    assertThat(Files.readString(dir.resolve("reports/pid-1/schema-validation.txt"))).startsWith("PROBLEM ")
        .contains("ok      mosip_otp: at version 1.2.1.0 according to the journal");
  }

  @Test
  void badInputIsRejectedBeforeAnythingRuns() throws Exception {
    DatabaseSteps.Window window = backedUp(fixture.plan("restore"), "pid-1");
    Map<String, String> before = Fixture.schemaDumps(server);
    assertThat(catchThrowable(() -> steps.runUpgradeCsv(fixture.plan("restore"), server, new DatabaseSteps.Window("CHG-7", "pid-1", null))))
        .hasMessageStartingWith("This instance has no restore point (variable restorePoint)");
    Files.writeString(fixture.csv(), "mosip_kernel,1.2.0.1,1.2.0.2,upgrade\nmosip_kernel;1.2.0.2;1.3.0;upgrade\n");

    InvalidUpgradeCsvException csv = catchThrowableOfType(InvalidUpgradeCsvException.class,
        () -> steps.runUpgradeCsv(fixture.plan("restore"), server, window));

    assertThat(csv.problems()).containsExactly("CSV row 2: expected 4 fields (db_name,from_version,to_version,action), found 1");
    assertThat(Fixture.journal(server, Journal::entries)).extracting(Journal.Entry::action).containsOnly("accept");
    assertThat(catchThrowable(() -> new DatabaseSteps.Window("CHG 7/../x", "pid-1", null))).hasMessageStartingWith(
        "The change ticket (the instance's business key) must be 1 to 100 letters");
    assertThat(Fixture.schemaDumps(server)).isEqualTo(before);
  }
}
