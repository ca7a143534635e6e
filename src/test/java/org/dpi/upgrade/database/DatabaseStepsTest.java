package org.dpi.upgrade.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
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
    steps = new DatabaseSteps(new DatabaseSettings(server, null, scratch, null, Fixture.VARIABLES, null, dir.resolve("reports")));
  }

  Map<String, String> schemaDumps() throws Exception {
    Map<String, String> dumps = new LinkedHashMap<>();
    for (String db : Fixture.DATABASES) {
      dumps.put(db, Fixture.schemaDump(server, db));
    }
    return dumps;
  }

  /** Backed up and upgraded, with a kernel rollback script that drops a live table and leaves the new column. */
  void upgradedWithAWrongKernelRollback(PostgresPlan plan) throws Exception {
    steps.backup(plan, server);
    steps.runUpgradeCsv(plan, server);
    Files.writeString(fixture.script("mosip_kernel/sql/1.2.0.2_to_1.3.0_rollback.sql"),
        "\\c mosip_kernel\n\nDROP TABLE kernel.key_alias;\n\\echo 'lang_code kept'\n");
  }

  @Test
  void backupEvidenceNamesEachDumpWithSizeChecksumAndTheListCheck() throws Exception {
    String evidence = steps.backup(fixture.plan("restore"), server);

    Path dump = dir.resolve("backups/mosip_kernel.dump");
    assertThat(evidence.lines()).hasSize(3);
    assertThat(evidence).contains("mosip_kernel: " + dump + ", " + Files.size(dump) + " bytes, SHA-256 " + BackupService.sha256(dump)
        + ", pg_restore --list ok (");
    assertThat(Files.readString(dir.resolve("backups/mosip_kernel.dump.sha256"))).isEqualTo(BackupService.sha256(dump) + "  mosip_kernel.dump\n");
  }

  @Test
  void aWrongRollbackScriptIsDetectedAndTheDatabaseRestoredFromItsBackup() throws Exception {
    Map<String, String> before = schemaDumps();
    upgradedWithAWrongKernelRollback(fixture.plan("restore"));

    String report = steps.rollbackUpgradeCsv(fixture.plan("restore"), server, null);

    assertThat(report).contains("mosip_kernel differed from its pre-upgrade snapshot after the rollback scripts, restored from its backup: ")
        .contains("missing: table kernel.key_alias").contains("not in the snapshot: column kernel.uin.lang_code")
        .contains("missing: rows of kernel.key_alias (was: 20 rows)").doesNotContain("mosip_otp differed");
    assertThat(schemaDumps()).isEqualTo(before);
    assertThat(Fixture.count(server, "mosip_kernel", "select count(*) from kernel.key_alias")).isEqualTo(20);
  }

  @Test
  void askDbaLeavesTheDifferingDatabaseAndSaysWhatDiffersUntilTheDbaDecides() throws Exception {
    Map<String, String> before = schemaDumps();
    upgradedWithAWrongKernelRollback(fixture.plan("ask-dba"));

    RollbackMismatchException e = catchThrowableOfType(RollbackMismatchException.class,
        () -> steps.rollbackUpgradeCsv(fixture.plan("ask-dba"), server, null));

    assertThat(e.getMessage()).startsWith("mosip_kernel differs from its pre-upgrade snapshot:\n- ")
        .contains("missing: table kernel.key_alias").contains("The plan says ask-dba");
    assertThat(Fixture.count(server, "mosip_kernel", "select count(*) from pg_tables where tablename = 'key_alias'")).isZero();

    assertThat(steps.rollbackUpgradeCsv(fixture.plan("ask-dba"), server, "accept"))
        .contains("mosip_kernel differed from its pre-upgrade snapshot after the rollback scripts, accepted by the DBA as it is: ");
    assertThat(Fixture.count(server, "mosip_kernel", "select count(*) from pg_tables where tablename = 'key_alias'")).isZero();

    assertThat(steps.rollbackUpgradeCsv(fixture.plan("ask-dba"), server, "restore")).contains("restored from its backup");
    assertThat(schemaDumps()).isEqualTo(before);
  }

  @Test
  void restoreVerifiesTheChecksumFirstAndRestoresOnlyWhatDiffers() throws Exception {
    steps.backup(fixture.plan("restore"), server);
    try (Connection c = server.connect("mosip_audit"); Statement s = c.createStatement()) {
      s.execute("delete from audit.app_audit_log where log_id like 'log-1%'");
    }

    String report = steps.restore(fixture.plan("restore"), server);

    assertThat(report).contains("mosip_kernel: identical to the pre-upgrade snapshot, left as it is")
        .contains("mosip_audit: restored from its backup; it differed: changed: rows of audit.app_audit_log: 50 rows -> 39 rows");
    assertThat(Fixture.count(server, "mosip_audit", "select count(*) from audit.app_audit_log")).isEqualTo(50);

    Path dump = dir.resolve("backups/mosip_otp.dump");
    byte[] bytes = Files.readAllBytes(dump);
    bytes[bytes.length / 2] ^= 1;
    Files.write(dump, bytes);
    IOException damaged = catchThrowableOfType(IOException.class, () -> steps.restore(fixture.plan("restore"), server));
    assertThat(damaged.getMessage()).startsWith("the backup " + dump + " is damaged: SHA-256 ");
  }

  @Test
  void theRehearsalReportsABrokenScriptWithoutTouchingTheRealDatabases() throws Exception {
    Map<String, String> before = schemaDumps();
    Files.writeString(fixture.script("mosip_otp/sql/1.2.0.1_to_1.2.1.0_upgrade.sql"),
        "\\c mosip_otp\n\nALTER TABLE otp.otp_config ADD COLUMN expiry_seconds integer;\n");

    Rehearsal rehearsal = steps.rehearse(fixture.plan("restore"), server);

    String report = rehearsal.report();
    assertThat(rehearsal.passed()).isFalse();
    assertThat(report).startsWith("REHEARSAL FAILED on the scratch server postgres@127.0.0.1:" + scratch.port())
        .contains("failed    mosip_otp 1.2.0.1 -> 1.2.1.0 (mosip_otp/sql/1.2.0.1_to_1.2.1.0_upgrade.sql, line 3) ")
        .contains("line 3: column \"expiry_seconds\" of relation \"otp_config\" already exists")
        .contains("applied   mosip_audit 1.2.0.1 -> 1.2.1.0")
        .contains("mosip_kernel: back to its snapshot").contains("mosip_audit: back to its snapshot");
    assertThat(schemaDumps()).isEqualTo(before);
    assertThat(Fixture.count(server, "postgres", "select count(*) from pg_database where datname = 'upgrade_orchestrator'")).isZero();
    assertThat(Fixture.count(scratch, "mosip_kernel", "select count(*) from kernel.uin")).isEqualTo(200);
    assertThat(Files.readAllLines(dir.resolve("reports/rehearsal-durations.csv"))).hasSize(1 + 4 + 3);
  }

  @Test
  void schemaValidationFindsInvalidIndexesUnvalidatedConstraintsStaleViewsAndUnappliedRows() throws Exception {
    steps.runUpgradeCsv(fixture.plan("restore"), server);
    assertThat(steps.verifySchema(fixture.plan("restore"), server).problems()).isEmpty();
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

    SchemaCheck check = steps.verifySchema(fixture.plan("restore"), server);

    assertThat(check.problems()).containsExactlyInAnyOrder(
        "mosip_kernel: invalid index kernel.idx_key_alias_app",
        "mosip_kernel: constraint not validated: kernel.key_alias ck_app",
        "mosip_kernel: materialized view not refreshed: kernel.uin_summary",
        "mosip_audit: rows of upgrade.csv not applied according to the journal: mosip_audit 1.2.1.0 -> 1.3.0");
    assertThat(check.summary()).startsWith("4 problem(s):").endsWith("Full report: " + dir.resolve("reports/schema-report.txt"));
    assertThat(Files.readString(dir.resolve("reports/schema-report.txt"))).contains("ok      mosip_otp: at version 1.2.1.0 according to the journal");
  }
}
