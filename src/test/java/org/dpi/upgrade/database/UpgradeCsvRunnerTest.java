package org.dpi.upgrade.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The upgrade.csv chain with real psql on a real PostgreSQL 15 server. */
class UpgradeCsvRunnerTest {

  static SystemPostgres postgres;
  static Server server;

  @TempDir Path dir;
  Fixture fixture;
  UpgradeCsv csv;
  Map<String, SchemaSnapshot> baseline;

  @BeforeAll
  static void start() throws Exception {
    postgres = SystemPostgres.start();
    server = postgres.server();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @BeforeEach
  void databases() throws Exception {
    Fixture.reset(server);
    fixture = new Fixture(dir);
    csv = UpgradeCsv.load(fixture.csv(), fixture.scripts(), Fixture.DATABASES);
    baseline = Fixture.snapshots(server, Fixture.DATABASES);
  }

  final List<Journal> journals = new ArrayList<>();

  @AfterEach
  void closeJournals() throws Exception {
    for (Journal journal : journals) {
      journal.close();
    }
  }

  UpgradeCsvRunner runner() throws Exception {
    Journal journal = new Journal(server, "upgrade_orchestrator").open();
    journals.add(journal);
    return new UpgradeCsvRunner(new PgTools(List.of(Fixture.DBUSERPWD)), server, journal, Fixture.VARIABLES, Fixture.CHECKSUM_LIMIT);
  }


  @Test
  void upgradeThenRollbackLeavesPgDumpSchemaOnlyAndTheSnapshotsIdentical() throws Exception {
    Map<String, String> before = Fixture.schemaDumps(server);

    UpgradeCsvRunner.Run upgrade = runner().upgrade(csv, baseline, true);

    assertThat(upgrade.rows()).extracting(UpgradeCsvRunner.RowResult::outcome).containsOnly("applied").hasSize(5);
    assertThat(Fixture.count(server, "mosip_kernel", "select count(*) from kernel.uin where lang_code = 'eng'")).isEqualTo(200);
    assertThat(Fixture.count(server, "mosip_kernel", "select count(*) from pg_index where indisvalid and indexrelid = 'kernel.idx_uin_lang_code'::regclass")).isEqualTo(1);
    assertThat(Fixture.count(server, "mosip_otp", "select count(*) from pg_roles where rolname = 'otpuser'")).isEqualTo(1);
    assertThat(Fixture.count(server, "mosip_audit", "select count(*) from audit.event_type")).isEqualTo(3);
    assertThat(Fixture.count(server, "mosip_ida", "select count(*) from ida.batch_step_execution where create_time = '1970-01-01'")).isEqualTo(5);
    assertThat(Fixture.schemaDumps(server)).isNotEqualTo(before);
    assertThat(runner().journal().state("mosip_ida").orElseThrow().snapshot()).isEqualTo(upgrade.after().get("mosip_ida"));

    UpgradeCsvRunner.Rollback rollback = runner().rollback(fixture.scripts(), Fixture.DATABASES, baseline);

    assertThat(rollback.rows()).extracting(r -> r.row().key() + " " + r.outcome() + " " + UpgradeCsv.row(r.row().line())).containsExactly(
        "mosip_ida 1.2.0.1 -> 1.2.1.0 applied CSV row 5", "mosip_audit 1.2.0.1 -> 1.2.1.0 applied CSV row 4",
        "mosip_otp 1.2.0.1 -> 1.2.1.0 applied CSV row 3", "mosip_kernel 1.2.0.2 -> 1.3.0 applied CSV row 2",
        "mosip_kernel 1.2.0.1 -> 1.2.0.2 applied CSV row 1");
    assertThat(rollback.differences()).isEmpty();
    assertThat(Fixture.schemaDumps(server)).isEqualTo(before);
    assertThat(runner().journal().applied()).isEmpty();
  }

  @Test
  void aFailingScriptStopsTheChainNamingCsvRowScriptLineAndWhatItLeftAndTheUndoRevertsExactlyTheAppliedRows() throws Exception {
    Map<String, String> before = Fixture.schemaDumps(server);
    Path otp = fixture.script("mosip_otp/sql/1.2.0.1_to_1.2.1.0_upgrade.sql");
    Files.writeString(otp, "\\c mosip_otp\n\nCREATE TABLE otp.otp_transaction (id character varying(64) NOT NULL);\n"
        + "ALTER ROLE otp_app_user WITH PASSWORD :'dbuserpwd';\n");
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger(PgTools.class)).addAppender(log);

    ScriptFailedException e = catchThrowableOfType(ScriptFailedException.class, () -> runner().upgrade(csv, baseline, true));

    ((Logger) LoggerFactory.getLogger(PgTools.class)).detachAppender(log);
    assertThat(e.getMessage()).startsWith("Decide: fix the script or the database and retry this step (the 2 row(s) applied in this run "
        + "are skipped), or abandon the step (variable rollbackRequested = true, then retry) to roll back.\n"
        + "Failed: upgrade of mosip_otp 1.2.0.1 -> 1.2.1.0 (CSV row 3): mosip_otp/sql/1.2.0.1_to_1.2.1.0_upgrade.sql script line 4: "
        + "role \"otp_app_user\" does not exist\n"
        + "Left in the database by the failed script: 3 change(s):\n"
        + "- not in the snapshot: column otp.otp_transaction.id (character varying(64) not null)\n"
        + "- not in the snapshot: table otp.otp_transaction (postgres postgres=arwdDxt/postgres)\n"
        + "- not in the snapshot: rows of otp.otp_transaction (0 rows)")
        .doesNotContain(Fixture.DBUSERPWD);
    assertThat(log.list).filteredOn(event -> event.getFormattedMessage().contains("ERROR:  role \"otp_app_user\""))
        .extracting(ILoggingEvent::getLevel).containsOnly(Level.ERROR).isNotEmpty();
    assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains(Fixture.DBUSERPWD));
    assertThat(runner().journal().entries()).extracting(j -> j.key() + " " + j.action() + " " + j.status() + " " + j.csvRow()).containsExactly(
        "mosip_kernel 1.2.0.1 -> 1.2.0.2 upgrade ok 1", "mosip_kernel 1.2.0.2 -> 1.3.0 upgrade ok 2", "mosip_otp 1.2.0.1 -> 1.2.1.0 upgrade failed 3");
    assertThat(runner().journal().entries()).allSatisfy(j -> assertThat(j.outputTail()).doesNotContain(Fixture.DBUSERPWD));
    assertThat(Fixture.count(server, "mosip_audit", "select count(*) from audit.event_type")).isZero();

    UpgradeCsvRunner.Rollback rollback = runner().rollback(fixture.scripts(), Fixture.DATABASES, baseline);

    assertThat(rollback.rows()).extracting(r -> r.row().key() + " " + r.action() + " " + r.outcome()).containsExactly(
        "mosip_kernel 1.2.0.2 -> 1.3.0 rollback applied", "mosip_kernel 1.2.0.1 -> 1.2.0.2 rollback applied");
    assertThat(rollback.differences()).containsOnlyKeys("mosip_otp");
    assertThat(rollback.differences().get("mosip_otp")).extracting(Object::toString)
        .contains("not in the snapshot: table otp.otp_transaction (postgres postgres=arwdDxt/postgres)");
    Map<String, String> after = Fixture.schemaDumps(server);
    assertThat(after.get("mosip_kernel")).isEqualTo(before.get("mosip_kernel"));
    assertThat(after.get("mosip_audit")).isEqualTo(before.get("mosip_audit"));
  }

  @Test
  void aResumedRunSkipsTheAppliedRowsAndRefusesAScriptChangedAfterItWasApplied() throws Exception {
    Path otp = fixture.script("mosip_otp/sql/1.2.0.1_to_1.2.1.0_upgrade.sql");
    String original = Files.readString(otp);
    Files.writeString(otp, "\\c mosip_otp\n\nSELECT 1/0;\n");
    catchThrowableOfType(ScriptFailedException.class, () -> runner().upgrade(csv, baseline, true));
    Files.writeString(otp, original);

    UpgradeCsvRunner.Run resumed = runner().upgrade(csv, baseline, true);

    assertThat(resumed.rows()).extracting(UpgradeCsvRunner.RowResult::outcome).containsExactly("skipped", "skipped", "applied", "applied", "applied");
    assertThat(runner().upgrade(csv, baseline, true).rows()).extracting(UpgradeCsvRunner.RowResult::outcome).containsOnly("skipped");

    Path kernel = fixture.script("mosip_kernel/sql/1.2.0.1_to_1.2.0.2_upgrade.sql");
    Files.writeString(kernel, Files.readString(kernel) + "-- edited\n");
    IllegalStateException changed = catchThrowableOfType(IllegalStateException.class, () -> runner().upgrade(csv, baseline, true));
    assertThat(changed.getMessage()).startsWith("Scripts changed after they were applied; nothing was run.")
        .contains("CSV row 1: mosip_kernel/sql/1.2.0.1_to_1.2.0.2_upgrade.sql was applied at");
    assertThat(runner().journal().entries()).hasSize(6);
  }

  /** A change to a database setting, a comment or a row between the restore point and the run: the run refuses, naming each. */
  @Test
  void aRunRefusesToStartWhenADatabaseChangedSinceTheJournalOrTheRestorePointSawIt() throws Exception {
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("alter database mosip_ida set search_path to public");
    }
    try (Connection c = server.connect("mosip_kernel"); Statement s = c.createStatement()) {
      s.execute("comment on table kernel.uin is 'issued UINs'");
    }
    try (Connection c = server.connect("mosip_audit"); Statement s = c.createStatement()) {
      s.execute("update audit.app_audit_log set module_id = 'admin' where log_id = 'log-7'");
    }

    IllegalStateException e = catchThrowableOfType(IllegalStateException.class, () -> runner().upgrade(csv, baseline, true));

    assertThat(e.getMessage()).startsWith("The journal and the databases disagree, so nothing was run. To recover, abandon this step")
        .contains("mosip_kernel differs from its restore point:\n- not in the snapshot: comment on table kernel.uin (issued UINs)")
        .contains("mosip_audit differs from its restore point:\n- changed: content of audit.app_audit_log: the 50 rows differ (checksum)")
        .contains("mosip_ida differs from its restore point:\n- changed: database setting for every role: "
            + "search_path=ida, pg_catalog, public -> search_path=public")
        .doesNotContain("mosip_otp differs");
    assertThat(runner().journal().entries()).isEmpty();

    try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("alter database mosip_ida set search_path to ida, pg_catalog, public");
    }
    runner().upgrade(UpgradeCsv.load(fixture.csv(), fixture.scripts(), List.of("mosip_ida", "mosip_kernel", "mosip_otp", "mosip_audit")),
        Map.of(), true);
    try (Connection c = server.connect("mosip_ida"); Statement s = c.createStatement()) {
      s.execute("drop index ida.idx_cred_evt_status");
    }
    assertThat(catchThrowableOfType(IllegalStateException.class, () -> runner().upgrade(csv, baseline, true)).getMessage())
        .contains("mosip_ida differs from what the journal recorded after 'upgrade rows done' at ")
        .contains("- missing: index ida.idx_cred_evt_status (was: CREATE INDEX idx_cred_evt_status ON ida.credential_event_store "
            + "USING btree (status_code, cr_dtimes) WHERE ((status_code)::text <> 'STORED'::text))");
  }

  @Test
  void theSnapshotNamesWhatAWrongRollbackLeftAndLost() throws Exception {
    runner().upgrade(csv, baseline, true);
    Files.writeString(fixture.script("mosip_kernel/sql/1.2.0.2_to_1.3.0_rollback.sql"),
        "\\c mosip_kernel\n\nDROP TABLE kernel.key_alias;\n\\echo 'lang_code kept'\n");

    UpgradeCsvRunner.Rollback rollback = runner().rollback(fixture.scripts(), Fixture.DATABASES, baseline);

    assertThat(rollback.differences()).containsOnlyKeys("mosip_kernel");
    assertThat(rollback.differences().get("mosip_kernel")).extracting(Object::toString).containsExactlyInAnyOrder(
        "not in the snapshot: column kernel.uin.lang_code (character varying(3) default 'eng'::character varying)",
        "missing: column kernel.key_alias.app_id (was: character varying(36) not null)",
        "missing: column kernel.key_alias.id (was: character varying(36) not null)",
        "missing: constraint kernel.key_alias.pk_keymals_id (was: PRIMARY KEY (id))",
        "missing: index kernel.pk_keymals_id (was: CREATE UNIQUE INDEX pk_keymals_id ON kernel.key_alias USING btree (id))",
        "not in the snapshot: index kernel.idx_uin_lang_code (CREATE INDEX idx_uin_lang_code ON kernel.uin USING btree (lang_code))",
        "missing: table kernel.key_alias (was: postgres postgres=arwdDxt/postgres)",
        "missing: rows of kernel.key_alias (was: 20 rows)",
        "changed: content of kernel.uin: the 200 rows differ (checksum)");
    assertThat(Difference.losses(rollback.differences().get("mosip_kernel"))).extracting(Difference::key)
        .containsExactlyInAnyOrder("column kernel.key_alias.app_id", "column kernel.key_alias.id", "constraint kernel.key_alias.pk_keymals_id",
            "index kernel.pk_keymals_id", "table kernel.key_alias", "rows of kernel.key_alias");
    assertThat(rollback.rows().get(3).effects()).extracting(Object::toString).contains("missing: table kernel.key_alias (was: postgres postgres=arwdDxt/postgres)");
  }

  /**
   * Files in one psql session behave as if each had its own psql: a file without {@code \c} runs in
   * database postgres, a file after one that connected as another user starts as the configured
   * user again, relative {@code \COPY} paths resolve in the file's folder.
   */
  @Test
  void filesSharingOnePsqlSessionBehaveAsIfEachHadItsOwn() throws Exception {
    Path sql = Files.createDirectories(dir.resolve("session/mosip_ida/sql"));
    Files.writeString(sql.resolve("as_sysadmin.sql"), "\\c mosip_ida sysadmin\nCREATE TABLE ida.by_sysadmin (id int);\n");
    Files.writeString(sql.resolve("reconnects.sql"), "\\c mosip_ida\nCREATE TABLE ida.by_superuser (id int);\n");
    Files.writeString(sql.resolve("no_connect.sql"), "CREATE TABLE in_postgres (id int);\n");
    Files.writeString(sql.resolve("rows.csv"), "1\n2\n");
    Files.writeString(sql.resolve("copy.sql"), "\\c mosip_ida\n\\COPY ida.by_superuser (id) FROM 'rows.csv' WITH (FORMAT csv)\n");
    Files.writeString(sql.resolve("sets.sql"), "\\set ON_ERROR_STOP 0\n\\c mosip_ida\n");

    try (PsqlSession session = PsqlSession.start(new PgTools(List.of()), server, Map.of())) {
      for (String file : List.of("as_sysadmin.sql", "reconnects.sql", "no_connect.sql", "copy.sql")) {
        assertThat(session.run(sql.resolve(file)).ok()).as(file).isTrue();
      }
      PgTools.Result failed = session.run(sql.resolve("no_connect.sql"));
      assertThat(failed.ok()).isFalse();
      assertThat(failed.failure()).isEqualTo(new PgTools.Failure(sql.resolve("no_connect.sql").toString(), 1,
          "relation \"in_postgres\" already exists"));
      assertThat(session.alive()).isFalse();
    }
    assertThat(Fixture.count(server, "mosip_ida", "select count(*) from pg_tables where tablename = 'by_sysadmin' and tableowner = 'sysadmin'")).isEqualTo(1);
    assertThat(Fixture.count(server, "mosip_ida", "select count(*) from pg_tables where tablename = 'by_superuser' and tableowner = 'postgres'")).isEqualTo(1);
    assertThat(Fixture.count(server, "postgres", "select count(*) from pg_tables where tablename = 'in_postgres'")).isEqualTo(1);
    assertThat(Fixture.count(server, "mosip_ida", "select count(*) from ida.by_superuser")).isEqualTo(2);
    assertThat(PsqlSession.shareable(sql.resolve("copy.sql"))).isTrue();
    assertThat(PsqlSession.shareable(sql.resolve("sets.sql"))).isFalse();
    assertThat(PsqlSession.shareable(fixture.script("mosip_audit/sql/1.2.0.1_to_1.2.1.0_upgrade.sql"))).isTrue();
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("drop table in_postgres");
    }
  }
}
