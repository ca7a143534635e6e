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
    Fixture fixture = prepared("fixture", "restore");
    Map<String, String> before = Fixture.schemaDumps(postgres15.server());
    ExternalTaskClient client = startWorkers();
    try {
      ProcessInstance instance = engine.getRuntimeService().startProcessInstanceByKey(PROCESS, "CHG-DB",
          Map.of("environment", "staging", "changeTicket", "CHG-DB", "maintenanceWindow", "Sat 22:00-06:00 UTC"));

      runUntil(instance, "Task_ApprovePostgresUpgrade");
      String rehearsal = (String) engine.getRuntimeService().getVariable(instance.getId(), "rehearsalReport");
      assertThat(rehearsal).startsWith("REHEARSAL PASSED: every row applied and rolled back, every database back to its snapshot "
              + "(scratch server postgres@127.0.0.1:" + scratch16.getPort())
          .contains("Self-check: before the chain ran, each of the 4 scratch copies had zero differences from its original")
          .endsWith("Complete report: /database-reports/" + instance.getId() + "/rehearsal");

      runUntil(instance, "Task_ApproveSchemaUpgrade");
      assertThat((String) engine.getRuntimeService().getVariable(instance.getId(), "backupEvidence"))
          .startsWith("Restore point CHG-DB/attempt-1 (new), taken ")
          .contains("mosip_otp: " + work.resolve("fixture/backups/CHG-DB/attempt-1/mosip_otp.dump")).contains("pg_restore --list ok");
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
      assertThat(Fixture.schemaDumps(postgres15.server())).isEqualTo(before);
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
    Fixture fixture = prepared("abandon-fixture", "restore");
    Map<String, String> before = Fixture.schemaDumps(postgres15.server());
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
      assertThat(incident.getIncidentMessage()).startsWith("Decide: fix the script or the database and retry this step")
          .contains("\nFailed: upgrade of mosip_otp 1.2.0.1 -> 1.2.1.0 (CSV row 3): mosip_otp/sql/1.2.0.1_to_1.2.1.0_upgrade.sql script "
              + "line 3: role \"otp_app_user\" does not exist").doesNotContain(Fixture.DBUSERPWD);
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
      assertThat(Fixture.schemaDumps(postgres15.server())).isEqualTo(before);
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

  /**
   * The cancelled-instance case, through the process and Tasklist's data: instance A fails
   * half-way through the schema upgrade and is cancelled; instance B of the same change keeps A's
   * restore point and takes the DBA to a decision (form with the question first and a link to the
   * complete report, served to dba only); after the restore the upgrade runs, and a no-go with a
   * lossy vendor rollback (plan ask-dba) takes the DBA to the second decision before the rollback ends.
   */
  @Test
  void aNewInstanceAfterACancelledOneKeepsTheRestorePointAndTheDbaDecidesInTasklist() throws Exception {
    Fixture fixture = prepared("again-fixture", "ask-dba");
    Map<String, String> before = Fixture.schemaDumps(postgres15.server());
    users();
    Path otp = fixture.script("mosip_otp/sql/1.2.0.1_to_1.2.1.0_upgrade.sql");
    String otpScript = Files.readString(otp);
    ExternalTaskClient client = startWorkers();
    try {
      ProcessInstance first = start("CHG-DB-AGAIN");
      runUntil(first, "Task_ApproveSchemaUpgrade");
      Files.writeString(otp, "\\c mosip_otp\n\nSELECT 1/0;\n");
      runUntil(first, "Task_RunSchemaUpgrade");
      await().atMost(Duration.ofSeconds(120)).until(() -> engine.getRuntimeService().createIncidentQuery()
          .processInstanceId(first.getId()).count() == 1);
      engine.getRuntimeService().deleteProcessInstance(first.getId(), "cancelled by the operator");
      Path attempt = work.resolve("again-fixture/backups/CHG-DB-AGAIN/attempt-1");
      Map<Path, String> files = DatabaseStepsTest.checksums(attempt);

      ProcessInstance second = start("CHG-DB-AGAIN");
      runUntil(second, "Task_DecideRestorePoint");

      Task task = engine.getTaskService().createTaskQuery().processInstanceId(second.getId()).initializeFormKeys().singleResult();
      assertThat(task.getCamundaFormRef().getKey()).isEqualTo("dba-decide-restore-point");
      assertThat(engine.getTaskService().getIdentityLinksForTask(task.getId())).singleElement()
          .satisfies(link -> assertThat(link.getGroupId()).isEqualTo("dba"));
      String form = new String(engine.getFormService().getDeployedTaskForm(task.getId()).readAllBytes(), StandardCharsets.UTF_8);
      assertThat(form).contains("[complete report]({{restorePointReportLink}})").contains("\"key\": \"restorePointDecisionRequest\"")
          .contains("\"value\": \"restore\"").contains("\"value\": \"new-restore-point\"").contains("\"value\": \"reject\"");
      String request = (String) engine.getTaskService().getVariable(task.getId(), "restorePointDecisionRequest");
      String link = "/database-reports/" + second.getId() + "/restore-point-decision";
      assertThat(request).startsWith("Decide: the databases are not as the last good restore point of change CHG-DB-AGAIN left them")
          .contains("Rows of upgrade.csv in effect according to the journal: mosip_kernel 1.2.0.1 -> 1.2.0.2, 1.2.0.2 -> 1.3.0")
          .endsWith("Complete report: " + link);
      assertThat(get(link, "test-dba", PASSWORD)).satisfies(r -> assertThat(r.statusCode()).isEqualTo(200))
          .satisfies(r -> assertThat(r.body()).startsWith(request.substring(0, request.indexOf("\nComplete report"))).contains("Every difference:"));
      assertThat(get(link, "test-operator", PASSWORD).statusCode()).isEqualTo(401);
      assertThat(get(link, "test-dba", "wrong").statusCode()).isEqualTo(401);
      assertThat(get("/database-reports/" + second.getId() + "/..%2F..%2Fetc%2Fpasswd", "test-dba", PASSWORD).statusCode()).isIn(400, 404);
      assertThat(attempt.resolveSibling("attempt-2")).doesNotExist();
      assertThat(DatabaseStepsTest.checksums(attempt)).isEqualTo(files);

      complete(second, "Task_DecideRestorePoint", Map.of("restorePointDecision", "restore"));
      Files.writeString(otp, otpScript);
      Files.writeString(fixture.script("mosip_kernel/sql/1.2.0.2_to_1.3.0_rollback.sql"), "\\c mosip_kernel\n\nDROP TABLE kernel.key_alias;\n");
      runUntil(second, "Task_GoNoGo");
      assertThat(engine.getRuntimeService().getVariable(second.getId(), "restorePoint")).isEqualTo("CHG-DB-AGAIN/attempt-1");
      assertThat((String) engine.getRuntimeService().getVariable(second.getId(), "backupEvidence"))
          .startsWith("Restore point CHG-DB-AGAIN/attempt-1 (restored by the DBA's decision)");
      assertThat((String) engine.getRuntimeService().getVariable(second.getId(), "schemaUpgradeReport")).startsWith("5 row(s): {applied=5}");
      assertThat((String) engine.getRuntimeService().getVariable(second.getId(), "schemaReport")).startsWith("Schema valid");

      complete(second, "Task_GoNoGo", Map.of("goNoGo", "no-go", "goNoGoReason", "rehearsed rollback"));
      runUntil(second, "Task_DecideDatabaseRollback");
      assertThat((String) engine.getRuntimeService().getVariable(second.getId(), "schemaRollbackReport")).startsWith(
          "1 database(s) differ from the restore point CHG-DB-AGAIN/attempt-1 after the rollback scripts: mosip_kernel. The plan says ask-dba");
      Task decide = engine.getTaskService().createTaskQuery().processInstanceId(second.getId()).initializeFormKeys().singleResult();
      assertThat(decide.getCamundaFormRef().getKey()).isEqualTo("dba-decide-database-rollback");
      assertThat((String) engine.getTaskService().getVariable(decide.getId(), "databaseDecisionRequest"))
          .startsWith("Decide: 1 database(s) differ from the pre-upgrade restore point CHG-DB-AGAIN/attempt-1 after the rollback.")
          .contains("- missing: table kernel.key_alias").endsWith("Complete report: /database-reports/" + second.getId() + "/database-decision");
      complete(second, "Task_DecideDatabaseRollback", Map.of("databaseDecision", "restore"));
      runUntil(second, null);

      assertThat(engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(second.getId())
          .activityId("End_RolledBack").finished().count()).isEqualTo(1);
      assertThat(Fixture.schemaDumps(postgres15.server())).isEqualTo(before);
      assertThat(Fixture.journal(postgres15.server(), Journal::applied)).isEmpty();
    } finally {
      client.stop();
    }
  }

  static final String PASSWORD = "Report-Reader-1!";

  private void users() {
    var identity = engine.getIdentityService();
    for (String[] user : new String[][] {{"test-dba", "dba"}, {"test-operator", "operators"}}) {
      if (identity.createUserQuery().userId(user[0]).count() == 0) {
        var u = identity.newUser(user[0]);
        u.setPassword(PASSWORD);
        identity.saveUser(u);
        identity.createMembership(user[0], user[1]);
      }
    }
  }

  private java.net.http.HttpResponse<String> get(String path, String user, String password) throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + path))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  private ProcessInstance start(String ticket) {
    ProcessInstance instance = engine.getRuntimeService().startProcessInstanceByKey(PROCESS, ticket,
        Map.of("environment", "staging", "changeTicket", ticket, "maintenanceWindow", "Sat 22:00-06:00 UTC"));
    runUntil(instance, "Task_ApprovePostgresUpgrade");
    complete(instance, "Task_ApprovePostgresUpgrade", Map.of("postgresUpgradeDecision", "stay-on-15"));
    return instance;
  }

  /** The 1.2.0.1 databases, a copy of the fixture, the otpuser Secret, and the MOSIP process deployed with a plan for them. */
  private Fixture prepared(String directory, String onRollbackMismatch) throws Exception {
    Fixture.reset(postgres15.server());
    Fixture fixture = new Fixture(work.resolve(directory));
    kubernetes.secrets().inNamespace("postgres").resource(new SecretBuilder().withNewMetadata().withName("db-common-secrets").endMetadata()
        .addToData("db-dbuser-password", Base64.getEncoder().encodeToString("mosip123".getBytes())).build()).createOr(r -> r.update());
    deployWithTestPlan(fixture, onRollbackMismatch);
    return fixture;
  }

  private void deployWithTestPlan(Fixture fixture, String onRollbackMismatch) throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectNode plan = (ObjectNode) yaml.readTree(Path.of("processes/mosip/mosip-1.2.0.1-to-1.2.1.0.plan.yaml").toFile());
    ObjectNode postgres = (ObjectNode) plan.get("postgres");
    postgres.put("upgradeCsv", fixture.csv().toString());
    postgres.put("scriptsRoot", fixture.scripts().toString());
    postgres.putPOJO("databases", Fixture.DATABASES);
    ((ObjectNode) postgres.get("backup")).put("directory", fixture.root.resolve("backups").toString());
    postgres.put("onRollbackMismatch", onRollbackMismatch);
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
