package org.dpi.upgrade.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.SortedMap;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole upgrade on the sandbox through the REST API, each user task by its group, every
 * automated step by the orchestrator's own workers, ending at "MOSIP runs 1.2.1.0" with every
 * target in its new state. Runs last: it leaves the sandbox at 1.2.1.0.
 */
@ExtendWith(SandboxRun.Extension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(3)
class SandboxUpgradeIT {

  @Test
  @Order(1)
  void theUpgradeEndsWithMosipOn121AndEveryTargetInItsNewState(SandboxRun run) throws Exception {
    SortedMap<String, String> before = run.state();
    RestUpgradeDriver driver = run.driver();
    String instance = driver.start("CHG-SBX-GO");
    driver.runUntil(instance, null, SandboxRun.UPGRADE);
    assertThat(driver.finishedActivities(instance)).contains("End_Upgraded").doesNotContain("End_RolledBack");
    SortedMap<String, String> after = run.state();

    // Helm: every module of the plan at its new chart version, the skipped jobs gone, the new MinIO in
    assertThat(after).containsKey("helm minio-2025/minio");
    for (String module : List.of("config-server/config-server", "kernel/kernel", "ida/ida", "resident/resident", "regproc/regproc")) {
      assertThat(after.get("helm " + module)).as(module).startsWith(module.substring(module.indexOf('/') + 1) + "-1.3.0 deployed");
    }
    assertThat(after.get("helm regclient/regclient")).startsWith("regclient-12.0.2 deployed");
    assertThat(after.get("helm activemq/activemq-artemis")).startsWith("activemq-artemis-1.3.0 deployed");
    for (String skipped : List.of("kernel/kernel-keygen", "regproc/regproc-salt", "ida/ida-keygen", "partner-onboarder/partner-onboarder")) {
      assertThat(before).containsKey("helm " + skipped);
      assertThat(after).doesNotContainKey("helm " + skipped);
    }

    // PostgreSQL: MOSIP on the 16 server, every upgrade.csv row applied there
    assertThat(driver.history(instance)).containsEntry("postgresServer", "new");
    Properties parts = new Properties();
    try (var in = Files.newBufferedReader(run.sandbox().resolve("parts.properties"))) {
      parts.load(in);
    }
    int port16 = Integer.parseInt(parts.getProperty("postgresql.mosip-16.port"));
    assertThat(query(port16, "mosip_kernel", "select count(*) from kernel.uin where lang_code = 'eng'")).containsExactly("200");
    assertThat(query(port16, "mosip_otp", "select count(*) from pg_tables where tablename = 'otp_transaction'")).containsExactly("1");
    assertThat(query(port16, "mosip_audit", "select count(*) from audit.event_type")).containsExactly("3");
    assertThat(query(port16, "mosip_kernel", "select indexdef from pg_indexes where indexname = 'idx_uin_lang_code'")).hasSize(1);
    assertThat(query(port16, "mosip_audit", "select indexdef from pg_indexes where indexname = 'idx_adtlog_module'")).hasSize(1);

    // objects: every object of the old MinIO, with its content and metadata, on the new one
    List<String> oldObjects = after.entrySet().stream().filter(e -> e.getKey().startsWith("s3 old-minio ") && e.getKey().contains("/"))
        .map(e -> e.getKey().substring("s3 old-minio ".length()) + " " + e.getValue()).toList();
    List<String> newObjects = after.entrySet().stream().filter(e -> e.getKey().startsWith("s3 new-minio ") && e.getKey().contains("/"))
        .map(e -> e.getKey().substring("s3 new-minio ".length()) + " " + e.getValue()).toList();
    assertThat(oldObjects).hasSizeGreaterThan(50);
    assertThat(newObjects).isEqualTo(oldObjects);
    assertThat(oldObjects).filteredOn(o -> o.startsWith("packet-manager/") && o.contains(".zip ")).hasSize(72)
        .allMatch(o -> o.contains("source=REGISTRATION_CLIENT"));

    // config: the migrated branch pushed, with the decisions on top of the migration
    assertThat(before).doesNotContainKey("git refs/heads/upgrade-1.2.1.0");
    assertThat(after).containsKey("git refs/heads/upgrade-1.2.1.0");
    assertThat(driver.history(instance).get("configAdjudicationCommit")).isNotBlank();
  }

  /** After all those Helm installs (helm-java's Go runtime takes SIGTERM over), a stop still stops everything. */
  @Test
  @Order(2)
  void sigtermStopsTheOrchestratorAndTheSandboxsServers(SandboxRun run) throws Exception {
    assertThat(run.orchestrator.stop(Duration.ofMinutes(2))).isEqualTo(143);
    try (var data = Files.list(run.sandbox().resolve("postgresql"))) {
      assertThat(data.filter(dir -> !dir.endsWith("binaries")).toList()).hasSize(4)
          .allSatisfy(dir -> assertThat(dir.resolve("postmaster.pid")).doesNotExist());
    }
    assertThat(run.orchestrator.output()).contains("Process Engine default closed");
  }

  private static List<String> query(int port, String database, String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", "");
        ResultSet r = c.createStatement().executeQuery(sql)) {
      while (r.next()) {
        rows.add(r.getString(1));
      }
    }
    return rows;
  }
}
