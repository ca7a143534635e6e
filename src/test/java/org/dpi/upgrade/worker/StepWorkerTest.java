package org.dpi.upgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.dpi.upgrade.step.RollbackRequiredException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * (No long polling here: Camunda's REST layer keeps one long-polling handler per JVM, which stops for
 * good when the first web test context closes.)
 *
 * The external-task client of the application, authenticated as the worker user, running a
 * {@link StepWorker} on the first automated step of the MOSIP process.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
    properties = {"spring.datasource.url=jdbc:h2:mem:step-worker-test;DB_CLOSE_DELAY=-1", "orchestrator.demo-users=false",
        "camunda.bpm.client.lock-duration=2000"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class StepWorkerTest {

  static final String PROCESS = "mosip-1.2.0.1-to-1.2.1.0";

  @DynamicPropertySource
  static void port(DynamicPropertyRegistry registry) throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      int port = socket.getLocalPort();
      registry.add("server.port", () -> port);
    }
  }

  /** Instances whose applied part the worker undid, in order. */
  static final List<String> UNDONE = new CopyOnWriteArrayList<>();

  /** Behaves according to the business key of the instance. */
  @TestConfiguration
  static class Workers {
    @Bean
    @ExternalTaskSubscription("postgres.rehearse")
    StepWorker rehearsal() {
      return new StepWorker(60_000) { // longer than the client's 2 s lock: extended in time all the same
        @Override
        protected void undoApplied(ExternalTask task) {
          UNDONE.add(task.getProcessInstanceId());
        }

        @Override
        protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
          switch (task.getBusinessKey()) {
            case "fail", "abandon" -> throw new IllegalStateException(
                "The scratch server is unreachable: set orchestrator.postgres.scratch-url and retry");
            case "long-message" -> throw new IllegalStateException("x".repeat(5000));
            case "rollback" -> throw new RollbackRequiredException("rehearsal rollback left mosip_ida different");
            case "slow" -> {
              progress.report(Map.of("rehearsalProgress", "row 1 of 60"));
              Thread.sleep(5000);
            }
            default -> { }
          }
          return Map.of("rehearsalReport", "60 rows passed");
        }
      };
    }
  }

  @Autowired ProcessEngine engine;

  @Test
  void aCompletedStepSetsItsVariablesAndTheProcessMovesOn() {
    ProcessInstance instance = start("ok");
    await().atMost(Duration.ofSeconds(60)).until(() -> waitsAt(instance, "Task_ApprovePostgresUpgrade"));
    assertThat(engine.getRuntimeService().getVariable(instance.getId(), "rehearsalReport")).isEqualTo("60 rows passed");
  }

  @Test
  void aFailureBecomesAnIncidentWithTheOperatorMessage() {
    ProcessInstance instance = start("fail");
    Incident incident = await().atMost(Duration.ofSeconds(60)).until(() -> engine.getRuntimeService().createIncidentQuery()
        .processInstanceId(instance.getId()).singleResult(), i -> i != null);
    assertThat(incident.getActivityId()).isEqualTo("Task_RehearseSchemaUpgrade");
    assertThat(incident.getIncidentMessage())
        .isEqualTo("The scratch server is unreachable: set orchestrator.postgres.scratch-url and retry");
    assertThat(waitsAt(instance, "Task_RehearseSchemaUpgrade")).isTrue();
  }

  @Test
  void aLongMessageIsCutForTheIncidentAndKeptWholeInTheDetails() {
    ProcessInstance instance = start("long-message");
    Incident incident = await().atMost(Duration.ofSeconds(60)).until(() -> engine.getRuntimeService().createIncidentQuery()
        .processInstanceId(instance.getId()).singleResult(), i -> i != null);
    assertThat(incident.getIncidentMessage()).hasSizeLessThanOrEqualTo(StepWorker.MESSAGE_LIMIT).endsWith("(see the details)");
    String externalTask = engine.getExternalTaskService().createExternalTaskQuery().processInstanceId(instance.getId())
        .singleResult().getId();
    assertThat(engine.getExternalTaskService().getExternalTaskErrorDetails(externalTask)).contains("x".repeat(5000));
  }

  @Test
  void aRollbackRequiredFailureStartsTheRollback() {
    ProcessInstance instance = start("rollback");
    await().atMost(Duration.ofSeconds(60)).until(() -> engine.getRuntimeService().createProcessInstanceQuery()
        .processInstanceId(instance.getId()).count() == 0);
    assertThat(engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(instance.getId())
        .activityId("End_RolledBack").count()).isOne();
    assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(instance.getId())
        .variableName("rollbackMessage").singleResult().getValue()).isEqualTo("rehearsal rollback left mosip_ida different");
    assertThat(UNDONE).as("the failed step's applied part is undone first").contains(instance.getId());
  }

  @Test
  void anOperatorAbandonsAStepAtAnIncidentItsAppliedPartIsUndoneAndTheRollbackStarts() {
    ProcessInstance instance = start("abandon");
    await().atMost(Duration.ofSeconds(60)).until(() -> engine.getRuntimeService().createIncidentQuery()
        .processInstanceId(instance.getId()).count() == 1);
    assertThat(UNDONE).doesNotContain(instance.getId());

    // what an admin does in Cockpit: add the variable, retry the failed step
    engine.getRuntimeService().setVariable(instance.getId(), StepWorker.ROLLBACK_REQUESTED, true);
    String externalTask = engine.getExternalTaskService().createExternalTaskQuery().processInstanceId(instance.getId())
        .singleResult().getId();
    engine.getExternalTaskService().setRetries(externalTask, 1);

    await().atMost(Duration.ofSeconds(60)).until(() -> engine.getRuntimeService().createProcessInstanceQuery()
        .processInstanceId(instance.getId()).count() == 0);
    assertThat(UNDONE).containsOnlyOnce(instance.getId());
    assertThat(engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(instance.getId())
        .activityId("End_RolledBack").count()).isOne();
    var history = engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(instance.getId());
    assertThat(history.variableName(StepWorker.FAILED_STEP).singleResult().getValue()).isEqualTo("Task_RehearseSchemaUpgrade");
    assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(instance.getId())
        .variableName(StepWorker.ROLLBACK_REQUESTED).singleResult().getValue()).isEqualTo(false);
    assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(instance.getId())
        .variableName("rollbackMessage").singleResult().getValue().toString())
        .contains("abandoned 'Task_RehearseSchemaUpgrade'");
  }

  @Test
  void theLockIsKeptAliveAndProgressIsVisibleWhileALongStepRuns() {
    ProcessInstance instance = start("slow");
    await().atMost(Duration.ofSeconds(60)).until(() -> "row 1 of 60".equals(
        engine.getRuntimeService().getVariable(instance.getId(), "rehearsalProgress")));
    Date first = lockExpiry(instance);
    await().atMost(Duration.ofSeconds(10)).until(() -> lockExpiry(instance) != null && lockExpiry(instance).after(first));
    await().atMost(Duration.ofSeconds(60)).until(() -> waitsAt(instance, "Task_ApprovePostgresUpgrade"));
    assertThat(engine.getRuntimeService().createIncidentQuery().processInstanceId(instance.getId()).count()).isZero();
  }

  private ProcessInstance start(String behaviour) {
    return engine.getRuntimeService().startProcessInstanceByKey(PROCESS, behaviour, Map.of("environment", "test"));
  }

  private Date lockExpiry(ProcessInstance instance) {
    var task = engine.getExternalTaskService().createExternalTaskQuery().processInstanceId(instance.getId()).singleResult();
    return task == null ? null : task.getLockExpirationTime();
  }

  private boolean waitsAt(ProcessInstance instance, String activity) {
    return engine.getRuntimeService().getActiveActivityIds(instance.getId()).contains(activity);
  }
}
