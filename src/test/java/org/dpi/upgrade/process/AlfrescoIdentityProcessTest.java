package org.dpi.upgrade.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.spin.plugin.variable.value.JsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Alfresco Identity Service 1.1 -> 1.2 process driven through every path: the upgrade, a
 * rejection at the rehearsal gate before any change, a no-go and a failure at each automated step
 * (the undos run one at a time, newest first, only for steps that completed).
 */
class AlfrescoIdentityProcessTest {

  static final String PROCESS = "alfresco-identity-1.1-to-1.2";
  static final String BPMN = "processes/alfresco-identity/alfresco-identity-1.1-to-1.2.bpmn";
  static final String PLAN = "processes/alfresco-identity/alfresco-identity-1.1-to-1.2.plan.yaml";
  /** Compensable steps in the order the upgrade performs them. */
  static final List<String> COMPENSABLE = List.of("Task_BackupConfig", "Task_BackupDatabase", "Task_UpgradeRelease");

  @RegisterExtension
  static ProcessEngineExtension extension = ProcessEngineExtension.builder()
      .configurationResource("process-test.camunda.cfg.xml").build();

  ProcessEngine engine;
  String deploymentId;
  MosipUpgradeDriver run;

  @BeforeEach
  void deploy() throws Exception {
    BpmnAwareTests.init(engine);
    try (InputStream plan = getClass().getClassLoader().getResourceAsStream(PLAN)) {
      deploymentId = MosipUpgradeDriver.deployment(engine, "identity-test", BPMN, PLAN, plan.readAllBytes()).deploy().getId();
    }
    run = new MosipUpgradeDriver(engine, PROCESS, AlfrescoIdentityAnswers.happy());
  }

  @AfterEach
  void undeploy() {
    engine.getRepositoryService().deleteDeployment(deploymentId, true);
  }

  @Test
  void theUpgradeVisitsEveryRunbookStepInOrderAndUndoesNothing() {
    run.start();
    assertThat(run.instance).isWaitingAt("Task_CheckRelease").externalTask().hasTopicName("helm.check-release");
    run.runToEnd();

    assertThat(run.instance).isEnded().hasPassedInOrder("Task_LoadPlan", "Task_CheckRelease", "Task_ConfirmRehearsal",
        "Task_HandleOpenSessions", "Task_BackupConfig", "Task_BackupDatabase", "Task_UpgradeRelease", "Task_CheckServer",
        "Task_GoNoGo", "End_Upgraded");
    assertThat(run.visited).containsExactly("Task_CheckRelease", "Task_ConfirmRehearsal", "Task_HandleOpenSessions",
        "Task_BackupConfig", "Task_BackupDatabase", "Task_UpgradeRelease", "Task_CheckServer", "Task_GoNoGo");
    assertThat(run.completedActivities("Undo_")).isEmpty();
    assertThat(run.completedActivities("Compensate_")).isEmpty();
    assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery().processInstanceId(run.instance.getId())
        .singleResult().getBusinessKey()).isEqualTo("CHG-1");
  }

  @Test
  void eachAutomatedStepGetsItsPlanSection() {
    run.start();
    run.runUntil("Task_CheckRelease");
    assertThat(inputOf("Task_CheckRelease", "release")).contains("\"release\":\"knobby-wolf\"", "\"version\":\"5.2.0\"",
        "\"oldVersion\":\"5.1.1\"", "alfresco-incubator/alfresco-infrastructure");
    run.runUntil("Task_BackupConfig");
    assertThat(inputOf("Task_BackupConfig", "backup")).contains("knobby-wolf-keycloak-realm", "encryptionKey");
    run.runUntil("Task_BackupDatabase");
    assertThat(inputOf("Task_BackupDatabase", "postgres")).contains("\"databases\":[\"keycloak\"]", "onRollbackMismatch");
    run.runUntil("Task_UpgradeRelease");
    assertThat(inputOf("Task_UpgradeRelease", "release")).contains("\"version\":\"5.2.0\"");
  }

  @Test
  void aRejectedRehearsalEndsBeforeAnyChangeWithNothingToUndo() {
    run.answer("Task_ConfirmRehearsal", Map.of("rehearsal", "reject", "rehearsalNote", "no staging environment yet"));
    run.start();
    run.runToEnd();
    assertThat(run.visited).containsExactly("Task_CheckRelease", "Task_ConfirmRehearsal");
    assertThat(run.endEvent()).isEqualTo("Event_UpgradeCancelled");
    assertThat(run.completedActivities("Undo_")).isEmpty();
  }

  @RepeatedTest(5)
  void aNoGoUndoesEveryStepOneAtATimeNewestFirst() {
    run.answer("Task_GoNoGo", Map.of("identityGoNoGo", "no-go", "goNoGoReason", "token endpoint fails"));
    run.start();
    run.runToEnd();
    List<String> reversed = new ArrayList<>(COMPENSABLE);
    Collections.reverse(reversed);
    assertThat(run.visited.subList(run.visited.indexOf("Task_GoNoGo") + 1, run.visited.size()))
        .containsExactly("Undo_UpgradeRelease", "Undo_BackupDatabase", "Undo_BackupConfig");
    assertThat(run.completedActivities("Undo_")).containsExactlyElementsOf(reversed.stream().map(t -> "Undo_" + t.substring(5)).toList());
    assertThat(run.endEvent()).isEqualTo("End_RolledBack");
    assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(run.instance.getId())
        .variableName("rollbackCause").singleResult().getValue()).isEqualTo("UPGRADE_REJECTED");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Task_CheckRelease", "Task_BackupConfig", "Task_BackupDatabase", "Task_UpgradeRelease"})
  void aStepFailingBeyondRepairUndoesExactlyTheStepsBeforeItNewestFirst(String failing) {
    run.failAt(failing);
    run.start();
    run.runToEnd();
    List<String> done = new ArrayList<>(COMPENSABLE.stream().filter(t -> run.visited.indexOf(t) >= 0
        && run.visited.indexOf(t) < run.visited.indexOf(failing)).toList());
    Collections.reverse(done);
    List<String> undos = done.stream().map(t -> "Undo_" + t.substring(5)).toList();
    assertThat(run.visited.subList(run.visited.indexOf(failing) + 1, run.visited.size())).containsExactlyElementsOf(undos);
    assertThat(run.completedActivities("Undo_")).containsExactlyElementsOf(undos);
    assertThat(run.endEvent()).isEqualTo("End_RolledBack");
    assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(run.instance.getId())
        .variableName("rollbackCause").singleResult().getValue()).isEqualTo("UPGRADE_STEP_FAILED");
  }

  @Test
  void theGatesCheckTheirAnswersOnTheServer() {
    run.start();
    run.runUntil("Task_GoNoGo");
    assertThatThrownBy(() -> MosipUpgradeDriver.completeUserTask(engine, run.instance.getId(), "Task_GoNoGo",
        Map.of("identityGoNoGo", "maybe")))
        .isInstanceOf(ProcessEngineException.class)
        .hasMessageContaining("'identityGoNoGo' must be one of [go, no-go]")
        .hasMessageContaining("'goNoGoReason' must be filled in");
    assertThat(run.currentWaitState()).isEqualTo("Task_GoNoGo");
  }

  @Test
  void everyUserTaskHasItsGroupAndForm() {
    var model = engine.getRepositoryService().getBpmnModelInstance(engine.getRepositoryService()
        .createProcessDefinitionQuery().deploymentId(deploymentId).processDefinitionKey(PROCESS).singleResult().getId());
    assertThat(model.getModelElementsByType(UserTask.class)).extracting(UserTask::getId, UserTask::getCamundaCandidateGroups,
        UserTask::getCamundaFormRef).containsExactlyInAnyOrder(
        tuple("Task_ConfirmRehearsal", "managers", "identity-rehearsal"),
        tuple("Task_HandleOpenSessions", "operators", "identity-open-sessions"),
        tuple("Task_CheckServer", "operators", "identity-server-checks"),
        tuple("Task_GoNoGo", "managers", "identity-go-no-go"));
  }

  private String inputOf(String activity, String variable) {
    var task = engine.getExternalTaskService().createExternalTaskQuery().processInstanceId(run.instance.getId())
        .activityId(activity).singleResult();
    Object value = engine.getRuntimeService().getVariableLocal(task.getExecutionId(), variable);
    return value instanceof JsonValue json ? json.getValueSerialized() : String.valueOf(value);
  }
}
