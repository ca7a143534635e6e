package org.dpi.upgrade.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 15 -> 16 move (system PostgreSQL 15 to zonky PostgreSQL 16) and the otpuser password (KubernetesMockServer, CRUD). */
@EnableKubernetesMockClient(crud = true, https = false)
class MajorUpgradeAndOtpuserTest {

  static KubernetesClient kubernetes;
  static SystemPostgres postgres15;
  static EmbeddedPostgres postgres16;
  static Server old;
  static Server target;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    postgres15 = SystemPostgres.start();
    old = postgres15.server();
    postgres16 = EmbeddedPostgres.builder().start();
    target = new Server("127.0.0.1", postgres16.getPort(), "postgres", "");
  }

  @AfterAll
  static void stop() throws Exception {
    postgres15.close();
    postgres16.close();
  }

  @Test
  void theMoveTo16PreservesCountsSequencesRolesAndExtensionsAndTheRevertChecksTheOldServer() throws Exception {
    Fixture.reset(old);
    try (Connection c = old.connect("mosip_kernel"); Statement s = c.createStatement()) {
      s.execute("create extension if not exists pgcrypto");
      s.execute("create sequence kernel.uin_seq");
      s.execute("select nextval('kernel.uin_seq') from generate_series(1, 42)");
      s.execute("create role kerneluser login");
    }
    Fixture fixture = new Fixture(dir);
    DatabaseSteps steps = new DatabaseSteps(new DatabaseSettings(old, target, null, null, Fixture.VARIABLES, null, dir.resolve("reports"), null, null));
    DatabaseSteps.Window window = new DatabaseSteps.Window("CHG-MOVE", "move-test", null);
    PostgresPlan plan = fixture.plan("restore");
    PostgresPlan wrongVersion = PostgresPlan.of(Map.of("upgradeCsv", "x", "scriptsRoot", "y", "databases", Fixture.DATABASES,
        "majorUpgrade", Map.of("fromVersion", 14, "toVersion", 16), "backup", Map.of("directory", dir.toString()), "onRollbackMismatch", "restore"));
    assertThat(catchThrowableOfType(IllegalStateException.class, () -> steps.majorUpgrade(wrongVersion, window)).getMessage())
        .isEqualTo("The major upgrade cannot start, nothing was changed:\n- the old server " + old + " runs PostgreSQL 15, the plan says 14");

    String report = steps.majorUpgrade(plan, window);

    assertThat(report).startsWith("4 database(s) moved from " + old + " (PostgreSQL 15) to " + target + " (PostgreSQL 16); ");
    assertThat(Fixture.count(target, "mosip_kernel", "select count(*) from kernel.uin")).isEqualTo(200);
    assertThat(Fixture.count(target, "mosip_kernel", "select last_value from kernel.uin_seq")).isEqualTo(42);
    assertThat(Fixture.count(target, "mosip_kernel", "select count(*) from pg_extension where extname = 'pgcrypto'")).isEqualTo(1);
    assertThat(Fixture.count(target, "postgres", "select count(*) from pg_roles where rolname = 'kerneluser'")).isEqualTo(1);
    assertThat(Fixture.count(target, "postgres", "select current_setting('server_version_num')::int / 10000")).isEqualTo(16);
    assertThat(SchemaSnapshot.take(target, "mosip_ida", Fixture.CHECKSUM_LIMIT).differencesFrom(SchemaSnapshot.take(old, "mosip_ida",
        Fixture.CHECKSUM_LIMIT))).as("owner, settings, privileges, comments, partial index, rows").isEmpty();
    assertThat(steps.majorUpgrade(plan, window)).as("a retry replaces the copies").startsWith("4 database(s) moved");

    assertThat(steps.revertMajorUpgrade(plan, window)).contains("matches the").contains("MOSIP points back to it");
    try (Connection c = old.connect("mosip_audit"); Statement s = c.createStatement()) {
      s.execute("delete from audit.app_audit_log where log_id = 'log-7'");
    }
    assertThat(catchThrowableOfType(IllegalStateException.class, () -> steps.revertMajorUpgrade(plan, window)).getMessage())
        .contains("mosip_audit rows of audit.app_audit_log: 50 rows before, 49 rows now");
  }

  @Test
  void theOtpuserPasswordGoesToTheSecretOnlyAndOpensALogin() throws Exception {
    try (Connection c = old.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("drop role if exists otpuser");
    }
    OtpuserPassword.SecretRef ref = new OtpuserPassword.SecretRef("postgres", "db-common-secrets", "db-dbuser-password");
    OtpuserPassword otpuser = new OtpuserPassword(kubernetes);
    assertThat(catchThrowableOfType(IllegalStateException.class, () -> otpuser.rotate(old, ref)).getMessage()).isEqualTo(
        "The otpuser password was not changed:\n- Secret postgres/db-common-secrets key db-dbuser-password does not exist "
            + "(it is the plan's kubernetes.otpuserSecret)\n- role otpuser does not exist on " + old + " (the mosip_otp upgrade scripts create it)");
    kubernetes.secrets().inNamespace("postgres").resource(new SecretBuilder().withNewMetadata().withName("db-common-secrets").endMetadata()
        .addToData("db-dbuser-password", Base64.getEncoder().encodeToString("mosip123".getBytes())).addToData("other", "eA==").build()).create();
    try (Connection c = old.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("create role otpuser login password 'mosip123'");
      s.execute("alter system set password_encryption = 'scram-sha-256'");
    }

    String report = otpuser.rotate(old, ref);

    var data = kubernetes.secrets().inNamespace("postgres").withName("db-common-secrets").get().getData();
    String password = new String(Base64.getDecoder().decode(data.get("db-dbuser-password")), StandardCharsets.UTF_8);
    assertThat(password).hasSize(32).matches("[A-Za-z2-9]+").isNotEqualTo("mosip123");
    assertThat(data.get("other")).isEqualTo("eA==");
    assertThat(report).doesNotContain(password).contains("stored in Secret postgres/db-common-secrets key db-dbuser-password");
    assertThat(Fixture.count(old, "postgres", "select count(*) from pg_authid where rolname = 'otpuser' and rolpassword like 'SCRAM-SHA-256$%'"))
        .isEqualTo(1);
    Properties login = new Properties();
    login.setProperty("user", "otpuser");
    login.setProperty("password", password);
    try (Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + old.port() + "/postgres", login)) {
      assertThat(c.isValid(2)).isTrue();
    }
    assertThat(List.of(report)).noneMatch(r -> r.contains("mosip123"));
  }
}
