package org.dpi.upgrade.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.AuthorizationException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * Attack with the worker account's password: move an instance past the DBA approval by a
 * modification, set a decision or a rollback request, suspend the instance, or complete a step
 * with a gate's answer. Refused by the REST API and, for the same calls through the Java API, by the
 * engine; the instance is unchanged.
 */
class WorkerPowersAttackTest extends AttackTest {

  @Test
  void theWorkerCannotModifySetVariablesOrSuspend() {
    String instance = start();
    advanceTo(instance, "Task_ApprovePostgresUpgrade");
    var worker = worker();

    ResponseEntity<Map> modification = worker.postForEntity("/engine-rest/process-instance/" + instance + "/modification",
        Map.of("instructions", List.of(Map.of("type", "cancel", "activityId", "Task_ApprovePostgresUpgrade"),
            Map.of("type", "startBeforeActivity", "activityId", "Task_InstallNewMinio"))), Map.class);
    assertThat(modification.getStatusCode().value()).isEqualTo(403);
    assertThat((String) modification.getBody().get("message")).contains("may only fetch, lock, extend, complete and fail");

    assertThat(worker.exchange("/engine-rest/process-instance/" + instance + "/variables/rollbackRequested", HttpMethod.PUT,
        new HttpEntity<>(Map.of("value", true)), String.class).getStatusCode().value()).isEqualTo(403);
    assertThat(worker.exchange("/engine-rest/process-instance/" + instance + "/suspended", HttpMethod.PUT,
        new HttpEntity<>(Map.of("suspended", true)), String.class).getStatusCode().value()).isEqualTo(403);
    // the progress endpoint only while a step of the instance is locked, and never a protected variable
    assertThat(worker.postForEntity("/engine-rest/process-instance/" + instance + "/variables",
        Map.of("modifications", Map.of("postgresUpgradeDecision", Map.of("value", "upgrade-to-16"))), String.class)
        .getStatusCode().value()).isEqualTo(403);

    // the engine refuses the same when called without the REST filter
    var identity = engine.getIdentityService();
    identity.setAuthentication("upgrade-worker", List.of("workers"));
    try {
      assertThatThrownBy(() -> engine.getRuntimeService().createProcessInstanceModification(instance)
          .cancelAllForActivity("Task_ApprovePostgresUpgrade").startBeforeActivity("Task_InstallNewMinio").execute())
          .isInstanceOf(AuthorizationException.class).hasMessageContaining("the worker account may only");
      assertThatThrownBy(() -> engine.getRuntimeService().setVariable(instance, "rollbackRequested", true))
          .isInstanceOf(AuthorizationException.class);
      assertThatThrownBy(() -> engine.getRuntimeService().suspendProcessInstanceById(instance))
          .isInstanceOf(AuthorizationException.class);
      assertThatThrownBy(() -> engine.getRuntimeService().createProcessInstanceQuery().list())
          .isInstanceOf(AuthorizationException.class);
    } finally {
      identity.clearAuthentication();
    }

    var runtime = engine.getRuntimeService();
    assertThat(runtime.getActiveActivityIds(instance)).containsExactly("Task_ApprovePostgresUpgrade");
    assertThat(runtime.getVariables(instance)).doesNotContainKeys("rollbackRequested", "postgresUpgradeDecision");
    assertThat(runtime.createProcessInstanceQuery().processInstanceId(instance).singleResult().isSuspended()).isFalse();
    runtime.deleteProcessInstance(instance, "test done");
  }

  @Test
  void theWorkerCannotCompleteAStepWithAGateAnswerOrThePlan() {
    String instance = start();
    List<Map<String, Object>> locked = worker().exchange("/engine-rest/external-task/fetchAndLock", HttpMethod.POST,
        new HttpEntity<>(Map.of("workerId", "leaked", "maxTasks", 1, "topics", List.of(Map.of(
            "topicName", "postgres.rehearse", "lockDuration", 60_000, "processInstanceId", instance)))), LIST).getBody();
    String task = (String) locked.get(0).get("id");

    ResponseEntity<Map> forged = worker().postForEntity("/engine-rest/external-task/" + task + "/complete", Map.of(
        "workerId", "leaked", "variables", Map.of("postgresUpgradeDecision", Map.of("value", "upgrade-to-16"),
            "plan", Map.of("value", "{}", "type", "Json"))), Map.class);
    assertThat(forged.getStatusCode().value()).isEqualTo(403);
    assertThat((String) forged.getBody().get("message")).contains("[postgresUpgradeDecision, plan]");
    assertThat(engine.getRuntimeService().getActiveActivityIds(instance)).containsExactly("Task_RehearseSchemaUpgrade");

    // progress variables of a step it holds are fine
    assertThat(worker().postForEntity("/engine-rest/process-instance/" + instance + "/variables",
        Map.of("modifications", Map.of("rehearsalProgress", Map.of("value", "3 of 60"))), String.class)
        .getStatusCode().value()).isEqualTo(204);
    assertThat(worker().postForEntity("/engine-rest/external-task/" + task + "/complete",
        Map.of("workerId", "leaked"), String.class).getStatusCode().value()).isEqualTo(204);
    engine.getRuntimeService().deleteProcessInstance(instance, "test done");
  }
}
