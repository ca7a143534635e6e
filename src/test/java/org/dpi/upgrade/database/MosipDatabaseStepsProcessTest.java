package org.dpi.upgrade.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.client.ExternalTaskClient;
import org.camunda.bpm.client.backoff.ExponentialBackoffStrategy;
import org.camunda.bpm.client.interceptor.auth.BasicAuthProvider;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.dpi.upgrade.process.MosipUpgradeDriver;
import org.dpi.upgrade.worker.StepWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The MOSIP process with the real PostgreSQL workers, driven through the application's REST API by
 * the external-task client: MOSIP on PostgreSQL 15 (system), moved to 16 (zonky), rehearsal on a
 * scratch 16; the other capabilities' tasks are completed by hand. The rehearsal report reaches
 * the DBA gate, the schema is upgraded and validated, and a no-go rolls everything back, verified.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT, properties = {
    "spring.datasource.url=jdbc:h2:mem:database-process-test;DB_CLOSE_DELAY=-1", "orchestrator.demo-users=false",
    "orchestrator.worker.password=database-worker-secret", "camunda.bpm.client.disable-auto-fetching=true"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@EnableKubernetesMockClient(crud = true, https = false)
class MosipDatabaseStepsProcessTest {

  static final String PROCESS = "mosip-1.2.0.1-to-1.2.1.0";
  static final List<String> DATABASE_TOPICS = List.of("postgres.rehearse", "postgres.backup", "postgres.restore",
      "postgres.major-upgrade", "postgres.revert-major-upgrade", "postgres.run-upgrade-csv", "postgres.rollback-upgrade-csv",
      "postgres.set-otpuser-password", "verify.schema");

  static KubernetesClient kubernetes;
  static SystemPostgres postgres15;
  static EmbeddedPostgres postgres16;
  static EmbeddedPostgres scratch16;
  static Path work;
  static int port;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) throws Exception {
    postgres15 = SystemPostgres.start();
    postgres16 = EmbeddedPostgres.builder().start();
    scratch16 = EmbeddedPostgres.builder().start();
    work = Files.createTempDirectory("database-process-");
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    registry.add("server.port", () -> port);
    registry.add("orchestrator.database.server.host", () -> "127.0.0.1");
    registry.add("orchestrator.workers", () -> "database");
    registry.add("orchestrator.database.server.port", () -> postgres15.server().port());
    registry.add("orchestrator.database.new-server.host", () -> "127.0.0.1");
    registry.add("orchestrator.database.new-server.port", () -> postgres16.getPort());
    registry.add("orchestrator.database.new-server.user", () -> "postgres");
    registry.add("orchestrator.database.scratch.host", () -> "127.0.0.1");
    registry.add("orchestrator.database.scratch.port", () -> scratch16.getPort());
    registry.add("orchestrator.database.scratch.user", () -> "postgres");
    registry.add("orchestrator.database.psql-variables.dbuserpwd", () -> Fixture.DBUSERPWD);
    registry.add("orchestrator.database.report-directory", () -> work.resolve("reports").toString());
  }

  @AfterAll
  static void stop() throws Exception {
    postgres15.close();
    postgres16.close();
    scratch16.close();
  }


  @TestConfiguration
  static class Kubernetes {
    @Bean
    @Primary
    KubernetesClient mockKubernetesClient() {
      return kubernetes;
    }
  }

  @Autowired ProcessEngine engine;
  @Autowired List<StepWorker> workers;

  @Test
  void theDatabaseStepsRunOnRealServersAndANoGoRollsThemBackVerified() throws Exception {
    Fixture.reset(postgres15.server());
    Fixture fixture = new Fixture(work.resolve("fixture"));
    Map<String, String> before = new HashMap<>();
    for (String db : Fixture.DATABASES) {
      before.put(db, Fixture.schemaDump(postgres15.server(), db));
    }
    kubernetes.secrets().inNamespace("postgres").resource(new SecretBuilder().withNewMetadata().withName("db-common-secrets").endMetadata()
        .addToData("db-dbuser-password", Base64.getEncoder().encodeToString("mosip123".getBytes())).build()).create();
    deployWithTestPlan(fixture);
    ExternalTaskClient client = startWorkers();
    try {
      ProcessInstance instance = engine.getRuntimeService().startProcessInstanceByKey(PROCESS, "CHG-DB",
          Map.of("environment", "staging", "changeTicket", "CHG-DB", "maintenanceWindow", "Sat 22:00-06:00 UTC"));

      runUntil(instance, "Task_ApprovePostgresUpgrade");
      String rehearsal = (String) engine.getRuntimeService().getVariable(instance.getId(), "rehearsalReport");
      assertThat(rehearsal).startsWith("REHEARSAL PASSED on the scratch server postgres@127.0.0.1:" + scratch16.getPort())
          .contains("mosip_kernel: back to its snapshot");

      runUntil(instance, "Task_ApproveSchemaUpgrade");
      assertThat((String) engine.getRuntimeService().getVariable(instance.getId(), "backupEvidence"))
          .contains("mosip_otp: " + work.resolve("fixture/backups/mosip_otp.dump")).contains("pg_restore --list ok");
      assertThat(engine.getRuntimeService().getVariable(instance.getId(), MajorUpgradeService.SERVER_VARIABLE)).isEqualTo("new");

      runUntil(instance, "Task_GoNoGo");
      Server target = new Server("127.0.0.1", postgres16.getPort(), "postgres", "");
      assertThat(Fixture.count(target, "mosip_kernel", "select count(*) from kernel.uin where lang_code = 'eng'")).isEqualTo(200);
      assertThat((String) engine.getRuntimeService().getVariable(instance.getId(), "schemaReport")).startsWith("Schema valid");
      String password = new String(Base64.getDecoder().decode(kubernetes.secrets().inNamespace("postgres").withName("db-common-secrets")
          .get().getData().get("db-dbuser-password")), StandardCharsets.UTF_8);
      assertThat(password).hasSize(32);

      complete(instance, "Task_GoNoGo", Map.of("goNoGo", "no-go", "goNoGoReason", "rehearsed rollback"));
      runUntil(instance, null);

      List<String> history = engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(instance.getId())
          .orderByHistoricActivityInstanceStartTime().asc().orderPartiallyByOccurrence().asc().list().stream()
          .map(a -> a.getActivityId()).toList();
      assertThat(history).containsSubsequence("Task_RehearseSchemaUpgrade", "Task_ApprovePostgresUpgrade", "Task_BackupDatabases",
          "Task_UpgradePostgres", "Task_RunSchemaUpgrade", "Task_SetOtpuserPassword", "Task_VerifySchema", "Undo_RunSchemaUpgrade",
          "Undo_UpgradePostgres", "Undo_BackupDatabases");
      assertThat(engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(instance.getId())
          .activityId("End_RolledBack").finished().count()).isEqualTo(1);
      assertThat(Fixture.count(target, "mosip_kernel", "select count(*) from information_schema.columns where column_name = 'lang_code'")).isZero();
      for (String db : Fixture.DATABASES) {
        assertThat(Fixture.schemaDump(postgres15.server(), db)).as(db).isEqualTo(before.get(db));
      }
      List<HistoricVariableInstance> variables = engine.getHistoryService().createHistoricVariableInstanceQuery()
          .processInstanceId(instance.getId()).list();
      assertThat(variables).extracting(v -> String.valueOf(v.getValue())).noneMatch(v -> v.contains(password) || v.contains(Fixture.DBUSERPWD));
      assertThat(variables).extracting(HistoricVariableInstance::getName).contains("schemaRollbackReport", "majorUpgradeRevertReport",
          "postgresRestoreReport");
    } finally {
      client.stop();
    }
  }

  /**
   * A schema upgrade that fails half-way and that the operator abandons at its incident: the worker
   * rolls back the rows it had applied (the rollback chain only undoes completed steps), then the
   * rollback runs; the databases are exactly as before.
   */
  @Test
  void aSchemaUpgradeAbandonedHalfWayIsRolledBackRowByRowBeforeTheRollback() throws Exception {
    Fixture.reset(postgres15.server());
    Fixture fixture = new Fixture(work.resolve("abandon-fixture"));
    Map<String, String> before = new HashMap<>();
    for (String db : Fixture.DATABASES) {
      before.put(db, Fixture.schemaDump(postgres15.server(), db));
    }
    deployWithTestPlan(fixture);
    ExternalTaskClient client = startWorkers();
    try {
      ProcessInstance instance = engine.getRuntimeService().startProcessInstanceByKey(PROCESS, "CHG-DB-ABANDON",
          Map.of("environment", "staging", "changeTicket", "CHG-DB-ABANDON", "maintenanceWindow", "Sat 22:00-06:00 UTC"));
      runUntil(instance, "Task_ApprovePostgresUpgrade");
      complete(instance, "Task_ApprovePostgresUpgrade", Map.of("postgresUpgradeDecision", "stay-on-15"));
      runUntil(instance, "Task_ApproveSchemaUpgrade");
      // the third row breaks after the rehearsal: two kernel rows apply, then mosip_otp fails
      Files.writeString(fixture.script("mosip_otp/sql/1.2.0.1_to_1.2.1.0_upgrade.sql"),
          "\\c mosip_otp\n\nALTER ROLE otp_app_user WITH PASSWORD :'dbuserpwd';\n");
      runUntil(instance, "Task_RunSchemaUpgrade");
      var incident = await().atMost(Duration.ofSeconds(120)).until(() -> engine.getRuntimeService().createIncidentQuery()
          .processInstanceId(instance.getId()).singleResult(), i -> i != null);
      assertThat(incident.getIncidentMessage()).startsWith("upgrade.csv line 3 (mosip_otp 1.2.0.1 -> 1.2.1.0) failed")
          .doesNotContain(Fixture.DBUSERPWD);
      assertThat(Fixture.schemaDump(postgres15.server(), "mosip_kernel")).isNotEqualTo(before.get("mosip_kernel"));

      // the operator abandons the step (Cockpit: add the variable, retry)
      engine.getRuntimeService().setVariable(instance.getId(), StepWorker.ROLLBACK_REQUESTED, true);
      engine.getExternalTaskService().setRetries(engine.getExternalTaskService().createExternalTaskQuery()
          .processInstanceId(instance.getId()).singleResult().getId(), 1);
      runUntil(instance, null);

      assertThat(engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(instance.getId())
          .activityId("End_RolledBack").finished().count()).isEqualTo(1);
      assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(instance.getId())
          .variableName(StepWorker.FAILED_STEP).singleResult().getValue()).isEqualTo("Task_RunSchemaUpgrade");
      assertThat(engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(instance.getId())
          .activityId("Undo_RunSchemaUpgrade").count()).as("the failed step never completed: no compensation").isZero();
      for (String db : Fixture.DATABASES) {
        assertThat(Fixture.schemaDump(postgres15.server(), db)).as(db).isEqualTo(before.get(db));
      }
    } finally {
      client.stop();
    }
  }

  /** The application's PostgreSQL workers on a client of this test (no long polling, short back-off). */
  private ExternalTaskClient startWorkers() {
    ExternalTaskClient client = ExternalTaskClient.create().baseUrl("http://localhost:" + port + "/engine-rest").workerId("database-test")
        .backoffStrategy(new ExponentialBackoffStrategy(100, 2, 1000)).lockDuration(60_000).addInterceptor(new BasicAuthProvider("upgrade-worker", "database-worker-secret")).build();
    for (StepWorker worker : workers) {
      var subscription = worker.getClass().getAnnotation(org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription.class);
      client.subscribe(subscription.value()).handler(worker).open();
    }
    return client;
  }

  private void deployWithTestPlan(Fixture fixture) throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectNode plan = (ObjectNode) yaml.readTree(Path.of("processes/mosip/mosip-1.2.0.1-to-1.2.1.0.plan.yaml").toFile());
    ObjectNode postgres = (ObjectNode) plan.get("postgres");
    postgres.put("upgradeCsv", fixture.csv().toString());
    postgres.put("scriptsRoot", fixture.scripts().toString());
    postgres.putPOJO("databases", Fixture.DATABASES);
    ((ObjectNode) postgres.get("backup")).put("directory", work.resolve("fixture/backups").toString());
    MosipUpgradeDriver.deployment(engine, "database-process-test", yaml.writeValueAsBytes(plan)).deploy();
  }

  /** Answers user tasks and completes the other capabilities' external tasks until {@code stopAt} or the end. */
  private void runUntil(ProcessInstance instance, String stopAt) {
    while (true) {
      await().atMost(Duration.ofSeconds(120)).alias(describe(instance)).until(() -> ended(instance) || waitState(instance) != null);
      if (ended(instance)) {
        return;
      }
      String activity = waitState(instance);
      if (activity.equals(stopAt)) {
        return;
      }
      if (!DATABASE_TOPIC_ACTIVITIES.contains(activity)) {
        boolean userTask = engine.getTaskService().createTaskQuery().processInstanceId(instance.getId()).count() > 0;
        if (userTask) {
          complete(instance, activity, ANSWERS.getOrDefault(activity, Map.of()));
        } else {
          completeByHand(instance);
        }
      }
      await().atMost(Duration.ofSeconds(120)).alias("leaving " + activity)
          .until(() -> ended(instance) || !activity.equals(waitState(instance)));
    }
  }

  static final List<String> DATABASE_TOPIC_ACTIVITIES = List.of("Task_RehearseSchemaUpgrade", "Task_BackupDatabases", "Undo_BackupDatabases",
      "Task_UpgradePostgres", "Undo_UpgradePostgres", "Task_RunSchemaUpgrade", "Undo_RunSchemaUpgrade", "Task_SetOtpuserPassword",
      "Task_VerifySchema");

  static final Map<String, Map<String, Object>> ANSWERS = MosipUpgradeDriver.happyAnswers();

  private void complete(ProcessInstance instance, String activity, Map<String, Object> variables) {
    MosipUpgradeDriver.completeUserTask(engine, instance.getId(), activity, variables);
  }

  private void completeByHand(ProcessInstance instance) {
    var external = engine.getExternalTaskService().createExternalTaskQuery().processInstanceId(instance.getId()).singleResult();
    List<LockedExternalTask> locked = engine.getExternalTaskService().fetchAndLock(1, "by-hand").topic(external.getTopicName(), 10_000)
        .businessKey(instance.getBusinessKey()).execute();
    engine.getExternalTaskService().complete(locked.get(0).getId(), "by-hand",
        MosipUpgradeDriver.resultOf(locked.get(0).getActivityId()));
  }

  /** The user task or external task the instance waits at, or null between two. Fails on any incident. */
  private String waitState(ProcessInstance instance) {
    List<Incident> incidents = engine.getRuntimeService().createIncidentQuery().processInstanceId(instance.getId()).list();
    assertThat(incidents).as("incidents").extracting(Incident::getIncidentMessage).isEmpty();
    List<Task> tasks = engine.getTaskService().createTaskQuery().processInstanceId(instance.getId()).list();
    if (!tasks.isEmpty()) {
      return tasks.get(0).getTaskDefinitionKey();
    }
    var external = engine.getExternalTaskService().createExternalTaskQuery().processInstanceId(instance.getId()).list();
    return external.isEmpty() ? null : external.get(0).getActivityId();
  }

  private String describe(ProcessInstance instance) {
    return ended(instance) ? "instance ended" : "instance at " + engine.getRuntimeService().getActiveActivityIds(instance.getId());
  }

  private boolean ended(ProcessInstance instance) {
    return engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(instance.getId()).singleResult() == null;
  }
}
