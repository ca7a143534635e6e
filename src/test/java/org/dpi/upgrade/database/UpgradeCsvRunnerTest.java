package org.dpi.upgrade.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upgrade.csv chain with real psql on a real PostgreSQL 15 server. */
class UpgradeCsvRunnerTest {

  static SystemPostgres postgres;
  static Server server;

  @TempDir Path dir;
  Fixture fixture;
  UpgradeCsv csv;

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
  }

  UpgradeCsvRunner runner() throws Exception {
    return new UpgradeCsvRunner(new PgTools(List.of(Fixture.DBUSERPWD)), server, "upgrade_orchestrator", Fixture.VARIABLES);
  }

  Map<String, String> schemaDumps() throws Exception {
    Map<String, String> dumps = new LinkedHashMap<>();
    for (String db : Fixture.DATABASES) {
      dumps.put(db, Fixture.schemaDump(server, db));
    }
    return dumps;
  }

  @Test
  void upgradeThenRollbackLeavesPgDumpSchemaOnlyIdentical() throws Exception {
    Map<String, String> before = schemaDumps();

    List<UpgradeCsvRunner.RowResult> upgrade = runner().upgrade(csv, true);

    assertThat(upgrade).extracting(UpgradeCsvRunner.RowResult::outcome).containsOnly("applied").hasSize(4);
    assertThat(Fixture.count(server, "mosip_kernel", "select count(*) from kernel.uin where lang_code = 'eng'")).isEqualTo(200);
    assertThat(Fixture.count(server, "mosip_kernel", "select count(*) from pg_index where indisvalid and indexrelid = 'kernel.idx_uin_lang_code'::regclass")).isEqualTo(1);
    assertThat(Fixture.count(server, "mosip_otp", "select count(*) from pg_roles where rolname = 'otpuser'")).isEqualTo(1);
    assertThat(Fixture.count(server, "mosip_audit", "select count(*) from audit.event_type")).isEqualTo(3);
    assertThat(schemaDumps()).isNotEqualTo(before);

    UpgradeCsvRunner.Rollback rollback = runner().rollback(fixture.scripts(), Fixture.DATABASES);

    assertThat(rollback.rows()).extracting(r -> r.row().key() + " " + r.outcome()).containsExactly(
        "mosip_audit 1.2.0.1 -> 1.2.1.0 applied", "mosip_otp 1.2.0.1 -> 1.2.1.0 applied",
        "mosip_kernel 1.2.0.2 -> 1.3.0 applied", "mosip_kernel 1.2.0.1 -> 1.2.0.2 applied");
    assertThat(rollback.differences()).isEmpty();
    assertThat(schemaDumps()).isEqualTo(before);
    assertThat(runner().journal().applied()).isEmpty();
  }

  @Test
  void aFailingScriptStopsTheChainNamingFileAndLineAndTheUndoRevertsExactlyTheAppliedRowsInReverse() throws Exception {
    Map<String, String> before = schemaDumps();
    Path otp = fixture.script("mosip_otp/sql/1.2.0.1_to_1.2.1.0_upgrade.sql");
    Files.writeString(otp, "\\c mosip_otp\n\nALTER ROLE otp_app_user WITH PASSWORD :'dbuserpwd';\n");

    ScriptFailedException e = catchThrowableOfType(ScriptFailedException.class, () -> runner().upgrade(csv, true));

    assertThat(e.getMessage()).startsWith("upgrade.csv line 3 (mosip_otp 1.2.0.1 -> 1.2.1.0) failed: " + otp
        + " line 3: role \"otp_app_user\" does not exist").contains("Rows applied in this run before it: 2")
        .doesNotContain(Fixture.DBUSERPWD);
    assertThat(runner().journal().entries()).extracting(j -> j.key() + " " + j.action() + " " + j.status()).containsExactly(
        "mosip_kernel 1.2.0.1 -> 1.2.0.2 upgrade ok", "mosip_kernel 1.2.0.2 -> 1.3.0 upgrade ok", "mosip_otp 1.2.0.1 -> 1.2.1.0 upgrade failed");
    assertThat(runner().journal().entries()).allSatisfy(j -> assertThat(j.outputTail()).doesNotContain(Fixture.DBUSERPWD));
    assertThat(Fixture.count(server, "mosip_audit", "select count(*) from audit.event_type")).isZero();

    UpgradeCsvRunner.Rollback rollback = runner().rollback(fixture.scripts(), Fixture.DATABASES);

    assertThat(rollback.rows()).extracting(r -> r.row().key() + " " + r.action() + " " + r.outcome()).containsExactly(
        "mosip_kernel 1.2.0.2 -> 1.3.0 rollback applied", "mosip_kernel 1.2.0.1 -> 1.2.0.2 rollback applied");
    assertThat(rollback.differences()).isEmpty();
    assertThat(schemaDumps()).isEqualTo(before);
  }

  @Test
  void aResumedRunSkipsTheAppliedRowsAndRefusesAScriptChangedAfterItWasApplied() throws Exception {
    Path otp = fixture.script("mosip_otp/sql/1.2.0.1_to_1.2.1.0_upgrade.sql");
    String original = Files.readString(otp);
    Files.writeString(otp, "\\c mosip_otp\n\nSELECT 1/0;\n");
    catchThrowableOfType(ScriptFailedException.class, () -> runner().upgrade(csv, true));
    Files.writeString(otp, original);

    List<UpgradeCsvRunner.RowResult> resumed = runner().upgrade(csv, true);

    assertThat(resumed).extracting(UpgradeCsvRunner.RowResult::outcome).containsExactly("skipped", "skipped", "applied", "applied");
    assertThat(runner().upgrade(csv, true)).extracting(UpgradeCsvRunner.RowResult::outcome).containsOnly("skipped");

    Path kernel = fixture.script("mosip_kernel/sql/1.2.0.1_to_1.2.0.2_upgrade.sql");
    Files.writeString(kernel, Files.readString(kernel) + "-- edited\n");
    IllegalStateException changed = catchThrowableOfType(IllegalStateException.class, () -> runner().upgrade(csv, true));
    assertThat(changed.getMessage()).startsWith("Scripts changed after they were applied; nothing was run.")
        .contains("line 1: mosip_kernel/sql/1.2.0.1_to_1.2.0.2_upgrade.sql was applied at");
    assertThat(runner().journal().entries()).hasSize(5);
  }

  @Test
  void theSnapshotNamesWhatAWrongRollbackLeftAndLost() throws Exception {
    runner().upgrade(csv, true);
    Files.writeString(fixture.script("mosip_kernel/sql/1.2.0.2_to_1.3.0_rollback.sql"),
        "\\c mosip_kernel\n\nDROP TABLE kernel.key_alias;\n\\echo 'lang_code kept'\n");

    UpgradeCsvRunner.Rollback rollback = runner().rollback(fixture.scripts(), Fixture.DATABASES);

    assertThat(rollback.differences()).containsOnlyKeys("mosip_kernel");
    assertThat(rollback.differences().get("mosip_kernel")).containsExactlyInAnyOrder(
        "not in the snapshot: column kernel.uin.lang_code (character varying(3) default 'eng'::character varying)",
        "missing: column kernel.key_alias.app_id (was: character varying(36) not null)",
        "missing: column kernel.key_alias.id (was: character varying(36) not null)",
        "missing: constraint kernel.key_alias.pk_keymals_id (was: PRIMARY KEY (id))",
        "missing: index kernel.pk_keymals_id (was: CREATE UNIQUE INDEX pk_keymals_id ON kernel.key_alias USING btree (id))",
        "not in the snapshot: index kernel.idx_uin_lang_code (CREATE INDEX idx_uin_lang_code ON kernel.uin USING btree (lang_code))",
        "missing: table kernel.key_alias (was: postgres postgres=arwdDxt/postgres)",
        "missing: rows of kernel.key_alias (was: 20 rows)");
  }
}
