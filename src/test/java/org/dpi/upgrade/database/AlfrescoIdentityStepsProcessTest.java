package org.dpi.upgrade.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.task.Task;
import org.dpi.upgrade.helm.HelmClient;
import org.dpi.upgrade.helm.ReleaseState;
import org.dpi.upgrade.sandbox.Charts;
import org.dpi.upgrade.sandbox.FakeCluster;
import org.dpi.upgrade.process.AlfrescoIdentityAnswers;
import org.dpi.upgrade.process.MosipUpgradeDriver;
import org.dpi.upgrade.testing.ClusterTargets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Alfresco Identity Service 1.1 -> 1.2 process with the application's own Kubernetes, Helm and
 * PostgreSQL workers: the release on the test cluster (real Helm), the Keycloak database on a real
 * PostgreSQL 15. The upgrade runs; then the database and a ConfigMap are changed as the chart's hook
 * jobs and a 1.2 theme would change them, a no-go rolls back in reverse order, and the release, the
 * database and the configuration are verified back to exactly what they were.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
    properties = {"spring.datasource.url=jdbc:h2:mem:identity-process-test;DB_CLOSE_DELAY=-1", "orchestrator.demo-users=false",
        "camunda.bpm.client.lock-duration=20000", "camunda.bpm.client.async-response-timeout=500",
        "orchestrator.helm.openapi-validation=false", "orchestrator.helm.readiness-timeout=20s",
        "orchestrator.helm.poll-interval=100ms", "orchestrator.workers=kubernetes,helm,database"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AlfrescoIdentityStepsProcessTest {

  static final String PROCESS = "alfresco-identity-1.1-to-1.2";
  static final String PLAN = "processes/alfresco-identity/alfresco-identity-1.1-to-1.2.plan.yaml";
  static final String SECRET_VALUE = "kc-db-pw-Zt55-never-in-variables";
  static final String VALUES = "keycloak:\n  adminPassword: Adm-Hq72-never-in-variables\n";
  static ClusterTargets targets;
  static FakeCluster cluster;
  static SystemPostgres postgres;
  static Path temp;

  @DynamicPropertySource
  static void environment(DynamicPropertyRegistry registry) throws Exception {
    targets = ClusterTargets.start(registry, "identity-test");
    temp = targets.temp();
    cluster = targets.cluster();
    postgres = SystemPostgres.start();
    registry.add("orchestrator.helm.repositories.alfresco-incubator", () -> temp.resolve("charts").toString());
    registry.add("orchestrator.database.server.host", () -> "127.0.0.1");
    registry.add("orchestrator.database.server.port", () -> postgres.server().port());
    registry.add("orchestrator.database.report-directory", () -> temp.resolve("reports").toString());
    prepareCluster();
    prepareDatabase();
  }

  /** Identity Service 1.1: the release's ConfigMaps and Secrets, both infrastructure charts. */
  static void prepareCluster() throws Exception {
    KubernetesClient client = cluster.client();
    for (String name : List.of("knobby-wolf-keycloak-realm", "knobby-wolf-keycloak-themes")) {
      client.configMaps().inNamespace("identity").resource(new ConfigMapBuilder().withNewMetadata().withName(name)
          .endMetadata().addToData("value", "1.1 " + name).build()).create();
    }
    for (String name : List.of("knobby-wolf-keycloak-http", "knobby-wolf-postgresql-id")) {
      client.secrets().inNamespace("identity").resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
          .addToData("password", Base64.getEncoder().encodeToString((SECRET_VALUE + name).getBytes(StandardCharsets.UTF_8)))
          .build()).create();
    }
    Charts.packaged(temp, "alfresco-infrastructure", "5.1.1");
    Charts.packaged(temp, "alfresco-infrastructure", "5.2.0");
    cluster.kubelet();
  }

  /** The Keycloak 4.8 database, in miniature. */
  static void prepareDatabase() throws Exception {
    try (Connection c = postgres.server().connect("postgres"); Statement s = c.createStatement()) {
      s.execute("create database keycloak");
    }
    try (Connection c = postgres.server().connect("keycloak"); Statement s = c.createStatement()) {
      s.execute("create table realm (id varchar(36) primary key, name varchar(255) unique)");
      s.execute("create table user_entity (id varchar(36) primary key, realm_id varchar(255), username varchar(255))");
      s.execute("insert into realm values ('master', 'master'), ('alfresco', 'alfresco')");
      s.execute("insert into user_entity select 'u' || g, 'alfresco', 'user' || g from generate_series(1, 250) g");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
    targets.close();
  }

  @Autowired ProcessEngine engine;
  @Autowired HelmClient helm;

  @Test
  void theUpgradeRunsOnTheClusterAndANoGoRestoresReleaseDatabaseAndConfiguration() throws Exception {
    deployWithTestPlan();
    helm.deploy(new ReleaseState("knobby-wolf", "identity", "alfresco-incubator/alfresco-infrastructure", "5.1.1", ""));
    helm.deploy(new ReleaseState("knobby-wolf", "identity", "alfresco-incubator/alfresco-infrastructure", "5.1.1", VALUES));
    String schemaBefore = Fixture.schemaDump(postgres.server(), "keycloak");
    Map<String, String> themesBefore = configMap("knobby-wolf-keycloak-themes");

    String instance = engine.getRuntimeService().startProcessInstanceByKey(PROCESS, "CHG-AIMS",
        Map.of("environment", "staging", "changeTicket", "CHG-AIMS", "maintenanceWindow", "Sat 22:00-23:00 UTC")).getId();
    List<String> done = drive(instance, "Task_CheckServer", Map.of());

    assertThat(done).containsExactly("Task_CheckRelease", "Task_ConfirmRehearsal", "Task_HandleOpenSessions",
        "Task_BackupConfig", "Task_BackupDatabase", "Task_UpgradeRelease");
    assertThat((String) variable(instance, "releaseCheck")).isEqualTo("identity/knobby-wolf (alfresco-incubator/alfresco-infrastructure 5.1.1), revision 2; chart 5.2.0 is in the repository");
    assertThat(variable(instance, "rollbackRevision")).isEqualTo(2);
    assertThat(variable(instance, "upgradedRevision")).isEqualTo(3);
    assertThat((String) variable(instance, "backupEvidence")).contains("keycloak: ").contains("pg_restore --list ok");
    ReleaseState upgraded = helm.current("knobby-wolf", "identity").orElseThrow();
    assertThat(upgraded.version()).isEqualTo("5.2.0");
    assertThat(upgraded.values()).isEqualTo(VALUES);

    // what the chart's upgrade jobs and a 1.2 theme do: the Keycloak 7 schema, a changed theme
    try (Connection c = postgres.server().connect("keycloak"); Statement s = c.createStatement()) {
      s.execute("alter table realm add column default_role varchar(36)");
      s.execute("create table client_scope (id varchar(36) primary key)");
      s.execute("delete from user_entity where id = 'u7'");
    }
    cluster.client().configMaps().inNamespace("identity").withName("knobby-wolf-keycloak-themes")
        .edit(c -> new ConfigMapBuilder(c).addToData("value", "1.2 theme").build());

    drive(instance, null, Map.of(
        "Task_CheckServer", Map.of("serverChecks", "failed", "serverChecksNote", "token endpoint answers 500"),
        "Task_GoNoGo", Map.of("identityGoNoGo", "no-go", "goNoGoReason", "token endpoint fails")));

    List<String> undone = engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(instance)
        .finished().orderByHistoricActivityInstanceStartTime().asc().orderPartiallyByOccurrence().asc().list().stream()
        .map(a -> a.getActivityId()).filter(id -> id.startsWith("Undo_") || id.startsWith("End_")).toList();
    assertThat(undone).containsExactly("Undo_UpgradeRelease", "Undo_BackupDatabase", "Undo_BackupConfig", "End_RolledBack");
    ReleaseState back = helm.current("knobby-wolf", "identity").orElseThrow();
    assertThat(back.version()).isEqualTo("5.1.1");
    assertThat(back.values()).isEqualTo(VALUES);
    assertThat((String) variable(instance, "rolledBackRelease")).contains("equal revision 2");
    assertThat(Fixture.schemaDump(postgres.server(), "keycloak")).isEqualTo(schemaBefore);
    assertThat(Fixture.count(postgres.server(), "keycloak", "select count(*) from user_entity")).isEqualTo(250L);
    assertThat((String) variable(instance, "postgresRestoreReport")).contains("keycloak");
    assertThat(configMap("knobby-wolf-keycloak-themes")).isEqualTo(themesBefore);

    List<String> values = new ArrayList<>();
    for (HistoricVariableInstance v : engine.getHistoryService().createHistoricVariableInstanceQuery()
        .processInstanceId(instance).list()) {
      values.add(v.getName() + "=" + v.getValue());
    }
    assertThat(String.join("\n", values)).doesNotContain(SECRET_VALUE).doesNotContain("Adm-Hq72");
  }

  private void deployWithTestPlan() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectNode plan = (ObjectNode) yaml.readTree(Path.of(PLAN).toFile());
    ((ObjectNode) plan.get("postgres").get("backup")).put("directory", temp.resolve("backups").toString());
    MosipUpgradeDriver.deployment(engine, "identity-process-test", "processes/alfresco-identity/alfresco-identity-1.1-to-1.2.bpmn",
        PLAN, yaml.writeValueAsBytes(plan)).deploy();
  }

  private Object variable(String instance, String name) {
    return engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(instance).variableName(name)
        .singleResult().getValue();
  }

  private Map<String, String> configMap(String name) {
    return cluster.client().configMaps().inNamespace("identity").withName(name).get().getData();
  }

  /**
   * Answers user tasks (the happy answers, overridden by {@code answers}) until the instance waits at
   * {@code stopAt} or ends; every external task is left to the application's workers.
   *
   * @return the wait states passed, in order
   */
  List<String> drive(String instance, String stopAt, Map<String, Map<String, Object>> answers) throws InterruptedException {
    List<String> seen = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 240_000;
    while (engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(instance).count() > 0) {
      if (System.currentTimeMillis() > deadline) {
        fail("the process did not move on; it waits at " + engine.getRuntimeService().getActiveActivityIds(instance));
      }
      List<Incident> incidents = engine.getRuntimeService().createIncidentQuery().processInstanceId(instance).list();
      if (!incidents.isEmpty()) {
        fail("incident at " + incidents.get(0).getActivityId() + ": " + incidents.get(0).getIncidentMessage());
      }
      Task task = engine.getTaskService().createTaskQuery().processInstanceId(instance).list().stream().findFirst().orElse(null);
      var external = engine.getExternalTaskService().createExternalTaskQuery().processInstanceId(instance).singleResult();
      String at = task != null ? task.getTaskDefinitionKey() : external != null ? external.getActivityId() : null;
      if (at != null && at.equals(stopAt)) {
        return seen;
      }
      if (at != null && !seen.contains(at)) {
        seen.add(at);
      }
      if (task != null) {
        MosipUpgradeDriver.completeUserTask(engine, instance, at,
            answers.getOrDefault(at, AlfrescoIdentityAnswers.happy().get(at)));
      } else {
        Thread.sleep(100);
      }
    }
    return seen;
  }
}
