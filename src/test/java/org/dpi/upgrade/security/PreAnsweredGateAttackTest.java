package org.dpi.upgrade.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.camunda.bpm.engine.history.UserOperationLogEntry;
import org.dpi.upgrade.process.BreakGlass;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * Attack: the gate's answer is put in place before the gate opens (an operator's start variable is
 * refused, see {@link StartFieldsAttackTest}; here even an admin's process variable), and the DBA then
 * completes the gate with an empty body. The answer counts only when sent with the gate's own
 * completion, so the empty completion is refused and the gate keeps waiting; the admin's write is
 * recorded as break-glass.
 */
class PreAnsweredGateAttackTest extends AttackTest {

  @Test
  void aVariableSetBeforeTheGateIsNotItsAnswer() {
    String instance = start();
    advanceTo(instance, "Task_ApprovePostgresUpgrade");
    ResponseEntity<String> preset = as("admin").exchange(
        "/engine-rest/process-instance/" + instance + "/variables/postgresUpgradeDecision", HttpMethod.PUT,
        new HttpEntity<>(Map.of("value", "upgrade-to-16")), String.class);
    assertThat(preset.getStatusCode().value()).isEqualTo(204);
    UserOperationLogEntry breakGlass = engine.getHistoryService().createUserOperationLogQuery()
        .operationType(BreakGlass.OPERATION).processInstanceId(instance).singleResult();
    assertThat(breakGlass.getUserId()).isEqualTo("admin");
    assertThat(breakGlass.getNewValue()).contains("change the protected variables [postgresUpgradeDecision]");

    ResponseEntity<Map> empty = as("demo-dba").postForEntity(
        "/engine-rest/task/" + taskId(instance, "Task_ApprovePostgresUpgrade") + "/complete", Map.of(), Map.class);
    assertThat(empty.getStatusCode().value()).isEqualTo(400);
    assertThat((String) empty.getBody().get("message"))
        .isEqualTo("'DBA approval: PostgreSQL upgrade' cannot be completed yet: 'postgresUpgradeDecision' is required");
    assertThat(engine.getRuntimeService().getActiveActivityIds(instance)).containsExactly("Task_ApprovePostgresUpgrade");

    // the DBA's own answer counts, and replaces the preset one
    assertThat(complete("demo-dba", taskId(instance, "Task_ApprovePostgresUpgrade"),
        Map.of("postgresUpgradeDecision", "reject")).getStatusCode().value()).isEqualTo(204);
    assertThat(engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(instance)
        .activityId("Event_UpgradeCancelled").count()).isEqualTo(1);
  }
}
