package org.dpi.upgrade.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.dpi.upgrade.process.MosipUpgradeDriver.COMPENSABLE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.spin.plugin.variable.value.JsonValue;
import org.dpi.upgrade.plan.InvalidPlanException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MosipUpgradeProcessTest {

  /** Not named camunda.cfg.xml: the REST API of the Spring Boot tests would start it as a second engine. */
  @RegisterExtension
  static ProcessEngineExtension extension = ProcessEngineExtension.builder()
      .configurationResource("process-test.camunda.cfg.xml").build();

  ProcessEngine engine;
  String deploymentId;
  MosipUpgradeDriver run;

  @BeforeEach
  void deploy() {
    BpmnAwareTests.init(engine);
    deploymentId = MosipUpgradeDriver.deploy(engine, MosipUpgradeDriver.PLAN);
    run = new MosipUpgradeDriver(engine);
  }

  @AfterEach
  void undeploy() {
    engine.getRepositoryService().deleteDeployment(deploymentId, true);
  }

  @Test
  void happyPathVisitsEveryStepOfTheRunbookInOrderAndUndoesNothing() {
    run.start();
    assertThat(run.instance).isWaitingAt("Task_RehearseSchemaUpgrade").externalTask().hasTopicName("postgres.rehearse");
    run.runToEnd();

    assertThat(run.instance).isEnded().hasPassedInOrder("Task_LoadPlan", "Task_RehearseSchemaUpgrade",
        "Task_ApprovePostgresUpgrade", "Task_InstallNewMinio", "Task_PrecopyObjects", "Task_SwitchToMaintenance",
        "Task_NotifyDowntime", "Task_BackupConfig", "Task_UninstallServices", "Task_BackupDatabases",
        "Task_UpgradePostgres", "Task_MigrateObjects", "Task_VerifyObjects", "Task_SwitchToNewMinio",
        "Task_DrainActiveMq", "Task_UninstallActiveMq", "Task_InstallActiveMq", "Task_RerunKeycloakInit",
        "Task_ApproveSchemaUpgrade", "Task_RunSchemaUpgrade", "Task_SetOtpuserPassword",
        "Task_ConfirmOtpuserPassword", "Task_MigrateConfig", "Task_AdjudicateConfig", "Task_ApplyAdjudication",
        "Task_ReviewNonPropertiesFiles", "Task_AddPmpRevampHost", "Task_ConfirmSkippedReleases",
        "Task_InstallArtifactory1202", "Task_DeployServices", "Task_VerifySchema", "Task_PostUpgradeChecks",
        "Task_GoNoGo", "Task_LeaveMaintenance", "End_Upgraded");
    assertThat(run.visited).hasSize(33);
    assertThat(run.completedActivities("Undo_")).isEmpty();
    assertThat(run.completedActivities("Compensate_")).isEmpty();
  }

  @Test
  void externalTasksGetTheirPlanSectionAsInput() {
    run.start();
    run.runUntil("Task_DeployServices");
    var task = run.lock("Task_DeployServices");
    JsonNode deploy = json(task.getVariables().getValueTyped("deploy"));
    assertThat(deploy.get("modules")).hasSize(23);
    assertThat(deploy.get("modules").get(0).get("name").asText()).isEqualTo("config-server");
    assertThat(json(task.getVariables().getValueTyped("skip")).toString()).contains("kernel-keygen", "conf-secrets");
    assertThat(task.getTopicName()).isEqualTo("helm.deploy-plan");
  }

  @Test
  void startFormOverridesReplaceThePlanPaths() {
    run.instance = engine.getRuntimeService().startProcessInstanceByKey(MosipUpgradeDriver.PROCESS,
        Map.of("environment", "staging", "upgradeCsvPath", "/srv/mosip/upgrade.csv", "dbScriptsRoot", " "));
    JsonNode plan = json(engine.getRuntimeService().getVariableTyped(run.instance.getId(), "plan"));
    assertThat(run.instance.getBusinessKey()).isNull();
    assertThat(plan.at("/postgres/upgradeCsv").asText()).isEqualTo("/srv/mosip/upgrade.csv");
    assertThat(plan.at("/postgres/scriptsRoot").asText()).isEqualTo("/etc/upgrade-orchestrator/mosip/db_upgrade_scripts");
  }

  @Test
  void theChangeTicketBecomesTheBusinessKey() {
    var instance = engine.getRuntimeService().startProcessInstanceByKey(MosipUpgradeDriver.PROCESS,
        Map.of("environment", "production", "changeTicket", " CHG-2026-0042 "));
    assertThat(engine.getRuntimeService().createProcessInstanceQuery().processInstanceBusinessKey("CHG-2026-0042")
        .singleResult().getId()).isEqualTo(instance.getId());
  }

  @Test
  void dbaRejectionBeforeAnyChangeEndsWithNothingToUndo() {
    run.answer("Task_ApprovePostgresUpgrade", Map.of("postgresUpgradeDecision", "reject"));
    run.start();
    run.runToEnd();

    assertThat(run.endEvent()).isEqualTo("Event_UpgradeCancelled");
    assertThat(run.visited).containsExactly("Task_RehearseSchemaUpgrade", "Task_ApprovePostgresUpgrade");
    assertThat(run.completedActivities("Undo_")).isEmpty();
    assertThat(run.completedActivities("SubProcess_Rollback")).isEmpty();
  }

  @Test
  void stayingOnPostgres15SkipsTheMajorUpgradeAndItsUndo() {
    run.answer("Task_ApprovePostgresUpgrade", Map.of("postgresUpgradeDecision", "stay-on-15"));
    run.answer("Task_GoNoGo", Map.of("goNoGo", "no-go", "goNoGoReason", "IDA auth fails"));
    run.start();
    run.runToEnd();

    assertThat(run.visited).doesNotContain("Task_UpgradePostgres", "Undo_UpgradePostgres");
    assertThat(run.endEvent()).isEqualTo("End_RolledBack");
    assertThat(undoneInOrder()).isEqualTo(undoOf(reversed(without(COMPENSABLE, "Task_UpgradePostgres"))));
  }

  @Test
  void schemaUpgradeRejectedRollsBackEverythingDoneBeforeInReverse() {
    run.answer("Task_ApproveSchemaUpgrade", Map.of("schemaUpgradeDecision", "reject"));
    run.start();
    run.runToEnd();

    assertThat(run.endEvent()).isEqualTo("End_RolledBack");
    assertThat(undoneInOrder()).isEqualTo(undoOf(reversed(COMPENSABLE.subList(0, COMPENSABLE.indexOf("Task_RunSchemaUpgrade")))));
    assertThat(run.visited).endsWith("Task_LeaveMaintenanceAfterRollback");
  }

  /** The full rollback, repeated: the order must never vary. */
  @RepeatedTest(50)
  void noGoRollsBackEveryStepStrictlyInReverseOrder() {
    run.answer("Task_GoNoGo", Map.of("goNoGo", "no-go", "goNoGoReason", "credential issuance fails"));
    run.start();
    run.runToEnd();

    assertThat(run.endEvent()).isEqualTo("End_RolledBack");
    List<String> expected = undoOf(reversed(COMPENSABLE));
    assertThat(undoneInOrder()).isEqualTo(expected);
    // history agrees with what the driver saw: each undo finished before the next one started
    assertThat(run.completedActivities("Undo_")).isEqualTo(expected);
    assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceIdIn(run.instance.getId())
        .variableName("rollbackCause").singleResult().getValue()).isEqualTo("UPGRADE_REJECTED");
  }

  static Stream<String> externalSteps() {
    return Stream.of("Task_RehearseSchemaUpgrade", "Task_InstallNewMinio", "Task_PrecopyObjects", "Task_BackupConfig",
        "Task_UninstallServices", "Task_BackupDatabases", "Task_UpgradePostgres", "Task_MigrateObjects",
        "Task_VerifyObjects", "Task_UninstallActiveMq", "Task_InstallActiveMq", "Task_RerunKeycloakInit",
        "Task_RunSchemaUpgrade", "Task_SetOtpuserPassword", "Task_MigrateConfig", "Task_ApplyAdjudication",
        "Task_InstallArtifactory1202", "Task_DeployServices", "Task_VerifySchema");
  }

  /** Failure at step k undoes exactly the compensable steps completed before k, newest first. */
  @ParameterizedTest(name = "failure at {0}")
  @MethodSource("externalSteps")
  void failureCompensatesExactlyTheStepsBeforeItInReverse(String failing) {
    run.failAt(failing).start();
    run.runToEnd();

    List<String> before = new ArrayList<>();
    for (String step : run.visited.subList(0, run.visited.indexOf(failing))) {
      if (COMPENSABLE.contains(step)) {
        before.add(step);
      }
    }
    assertThat(run.endEvent()).isEqualTo("End_RolledBack");
    assertThat(undoneInOrder()).isEqualTo(undoOf(reversed(before)));
    assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceIdIn(run.instance.getId())
        .variableName("rollbackMessage").singleResult().getValue()).isEqualTo(failing + " failed beyond repair");
    boolean inMaintenance = run.visited.contains("Task_SwitchToMaintenance");
    assertThat(run.visited.contains("Task_LeaveMaintenanceAfterRollback")).isEqualTo(inMaintenance);
  }

  @Test
  void approvalWithoutADecisionIsRefusedByTheServerAndChangesNothing() {
    run.start();
    run.runUntil("Task_ApprovePostgresUpgrade");
    Task task = engine.getTaskService().createTaskQuery().processInstanceId(run.instance.getId()).singleResult();

    assertThatThrownBy(() -> engine.getTaskService().complete(task.getId(), Map.of("postgresUpgradeDecision", "maybe")))
        .isInstanceOf(ProcessEngineException.class)
        .hasMessageContaining("'DBA approval: PostgreSQL upgrade' cannot be completed yet")
        .hasMessageContaining("'postgresUpgradeDecision' must be one of [upgrade-to-16, stay-on-15, reject] (it is 'maybe')");
    assertThat(run.instance).isWaitingAt("Task_ApprovePostgresUpgrade");
    assertThat(engine.getRuntimeService().getVariable(run.instance.getId(), "postgresUpgradeDecision")).isNull();

    assertThatThrownBy(() -> engine.getTaskService().complete(
            taskAt("Task_ApprovePostgresUpgrade").getId(), Map.of()))
        .hasMessageContaining("(it is not set)");
  }

  @Test
  void goNoGoNeedsAReason() {
    run.start();
    run.runUntil("Task_GoNoGo");
    assertThatThrownBy(() -> engine.getTaskService().complete(taskAt("Task_GoNoGo").getId(), Map.of("goNoGo", "go")))
        .hasMessageContaining("'goNoGoReason' must be filled in");
    assertThat(run.instance).isWaitingAt("Task_GoNoGo");
  }

  @Test
  void everyUserTaskHasItsCandidateGroupAndADeployedFormWithTheSameId() throws Exception {
    Map<String, String> groups = Map.ofEntries(
        Map.entry("Task_ApprovePostgresUpgrade", "dba"), Map.entry("Task_SwitchToMaintenance", "operators"),
        Map.entry("Task_NotifyDowntime", "operators"), Map.entry("Task_SwitchToNewMinio", "operators"),
        Map.entry("Task_DrainActiveMq", "operators"), Map.entry("Task_ApproveSchemaUpgrade", "dba"),
        Map.entry("Task_ConfirmOtpuserPassword", "dba"), Map.entry("Task_AdjudicateConfig", "config-reviewers"),
        Map.entry("Task_ReviewNonPropertiesFiles", "config-reviewers"), Map.entry("Task_AddPmpRevampHost", "operators"),
        Map.entry("Task_ConfirmSkippedReleases", "operators"), Map.entry("Task_PostUpgradeChecks", "operators"),
        Map.entry("Task_GoNoGo", "managers"), Map.entry("Task_LeaveMaintenance", "operators"),
        Map.entry("Task_LeaveMaintenanceAfterRollback", "operators"), Map.entry("Task_DecideRestorePoint", "dba"),
        Map.entry("Task_DecideDatabaseRollback", "dba"),
        Map.entry("Task_Remind_PostgresUpgrade", "managers"), Map.entry("Task_Escalate_PostgresUpgrade", "managers"),
        Map.entry("Task_Remind_SchemaUpgrade", "managers"), Map.entry("Task_Escalate_SchemaUpgrade", "managers"),
        Map.entry("Task_Remind_GoNoGo", "managers"), Map.entry("Task_Escalate_GoNoGo", "managers"));
    BpmnModelInstance model = engine.getRepositoryService().getBpmnModelInstance(
        engine.getRepositoryService().createProcessDefinitionQuery().deploymentId(deploymentId).singleResult().getId());
    var userTasks = model.getModelElementsByType(UserTask.class);
    assertThat(userTasks).extracting(UserTask::getId).containsExactlyInAnyOrderElementsOf(groups.keySet());
    for (UserTask task : userTasks) {
      assertThat(task.getCamundaCandidateGroups()).as(task.getId()).isEqualTo(groups.get(task.getId()));
    }

    // every form the running process asks for is deployed and is the one referenced
    run.answer("Task_GoNoGo", Map.of("goNoGo", "no-go", "goNoGoReason", "test every form"));
    run.start();
    assertThat(formId(engine.getFormService().getDeployedStartForm(run.instance.getProcessDefinitionId())))
        .isEqualTo("mosip-upgrade-start");
    List<String> seen = new ArrayList<>();
    while (!run.ended()) {
      String current = run.currentWaitState();
      Task task = engine.getTaskService().createTaskQuery().processInstanceId(run.instance.getId())
          .initializeFormKeys().list().stream().findFirst().orElse(null);
      if (task != null) {
        UserTask element = model.getModelElementById(current);
        assertThat(task.getCamundaFormRef().getKey()).isEqualTo(element.getCamundaFormRef());
        assertThat(formId(engine.getFormService().getDeployedTaskForm(task.getId()))).isEqualTo(element.getCamundaFormRef());
        assertThat(engine.getTaskService().getIdentityLinksForTask(task.getId())).singleElement()
            .satisfies(link -> assertThat(link.getGroupId()).isEqualTo(groups.get(current)));
        seen.add(current);
      }
      run.step(current);
    }
    // LeaveMaintenance is on the success path only; the reminders come only when an approval waits too long; the
    // two DBA decisions on databases that differ from the restore point need real databases
    // (MosipDatabaseStepsProcessTest)
    assertThat(seen).hasSize(groups.size() - 9);
  }

  @Test
  void aPlanWithMistakesStopsTheStartAndNamesEachMistake() {
    engine.getRepositoryService().deleteDeployment(deploymentId, true);
    deploymentId = MosipUpgradeDriver.deploy(engine, "plans/broken.plan.yaml");

    assertThatThrownBy(() -> engine.getRuntimeService().startProcessInstanceByKey(MosipUpgradeDriver.PROCESS))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageContaining("section 'config' is missing")
        .hasMessageContaining("'helm.deploy.modules[1].chart' is missing")
        .hasMessageContaining("release 'kernel' is both deployed and skipped");
    assertThat(engine.getRuntimeService().createProcessInstanceQuery().count()).isZero();
  }

  @Test
  void aDiagramWhoseGateTakesItsAnswerFromOutsideIsNotDeployed() throws Exception {
    String bpmn = new String(getClass().getClassLoader().getResourceAsStream(MosipUpgradeDriver.BPMN).readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8).replace("<camunda:inputParameter name=\"postgresUpgradeDecision\" />", "");
    var deployment = engine.getRepositoryService().createDeployment().name("answers-from-outside")
        .addString(MosipUpgradeDriver.BPMN, bpmn)
        .addInputStream("forms/dba-approve-postgres-upgrade.form",
            java.nio.file.Files.newInputStream(java.nio.file.Path.of("forms/dba-approve-postgres-upgrade.form")));
    long deployments = engine.getRepositoryService().createDeploymentQuery().count();

    assertThatThrownBy(deployment::deploy).isInstanceOf(ProcessEngineException.class)
        .hasMessageContaining("answers must be local to their task")
        .hasMessageContaining("Task_ApprovePostgresUpgrade: 'postgresUpgradeDecision'");
    assertThat(engine.getRepositoryService().createDeploymentQuery().count()).isEqualTo(deployments);
  }

  private Task taskAt(String activity) {
    return engine.getTaskService().createTaskQuery().processInstanceId(run.instance.getId())
        .taskDefinitionKey(activity).singleResult();
  }

  /**
   * The undo handlers in the order the driver found them waiting; the driver asserts at every step
   * that the instance waits at exactly one place, so no two undo handlers were ever active at once.
   */
  private List<String> undoneInOrder() {
    return run.visited.stream().filter(a -> a.startsWith("Undo_")).toList();
  }

  private static List<String> undoOf(List<String> steps) {
    return steps.stream().map(s -> "Undo_" + s.substring("Task_".length())).toList();
  }

  private static List<String> reversed(List<String> steps) {
    List<String> copy = new ArrayList<>(steps);
    Collections.reverse(copy);
    return copy;
  }

  private static List<String> without(List<String> steps, String step) {
    return steps.stream().filter(s -> !s.equals(step)).toList();
  }

  private static JsonNode json(Object value) {
    try {
      return new ObjectMapper().readTree(((JsonValue) value).getValueSerialized());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String formId(InputStream form) throws Exception {
    try (form) {
      return new ObjectMapper().readTree(form).get("id").asText();
    }
  }
}
