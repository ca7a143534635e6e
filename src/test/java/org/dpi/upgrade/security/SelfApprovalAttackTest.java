package org.dpi.upgrade.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;

/**
 * Attack: a user who is both operator and DBA starts an upgrade and approves its own DBA gate.
 * Refused with 403 (four-eyes); another DBA's approval counts and is recorded as its assignee.
 */
class SelfApprovalAttackTest extends AttackTest {

  @Test
  void theStarterCannotApproveItsOwnUpgrade() {
    ResponseEntity<Map> started = as("op-and-dba").postForEntity(
        "/engine-rest/process-definition/key/" + KEY + "/submit-form", Map.of("variables", startForm()), Map.class);
    String instance = (String) started.getBody().get("id");
    advanceTo(instance, "Task_ApprovePostgresUpgrade");
    String gate = taskId(instance, "Task_ApprovePostgresUpgrade");

    ResponseEntity<String> self = complete("op-and-dba", gate, Map.of("postgresUpgradeDecision", "upgrade-to-16"));
    assertThat(self.getStatusCode().value()).isEqualTo(403);
    assertThat(self.getBody()).contains("op-and-dba may not complete 'DBA approval: PostgreSQL upgrade': "
        + "the user who started this upgrade cannot approve it (four-eyes rule)");
    assertThat(engine.getRuntimeService().getActiveActivityIds(instance)).containsExactly("Task_ApprovePostgresUpgrade");
    assertThat(engine.getRuntimeService().getVariable(instance, "postgresUpgradeDecision")).isNull();

    assertThat(complete("demo-dba", gate, Map.of("postgresUpgradeDecision", "upgrade-to-16")).getStatusCode().value())
        .isEqualTo(204);
    assertThat(engine.getHistoryService().createHistoricTaskInstanceQuery().taskId(gate).singleResult().getAssignee())
        .isEqualTo("demo-dba");
    engine.getRuntimeService().deleteProcessInstance(instance, "test done");
  }
}
