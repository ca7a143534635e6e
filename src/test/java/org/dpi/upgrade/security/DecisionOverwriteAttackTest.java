package org.dpi.upgrade.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.dpi.upgrade.process.MosipUpgradeDriver;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * Attack: after the DBA decided to stay on PostgreSQL 15, an operator sends
 * {@code postgresUpgradeDecision=upgrade-to-16} with the completion of a later task, or writes it as
 * a variable of that task. Refused; the DBA's decision stands and the task stays open.
 */
class DecisionOverwriteAttackTest extends AttackTest {

  @Test
  void aLaterTaskCannotOverrideTheDbaDecision() {
    String instance = start();
    advanceTo(instance, "Task_ApprovePostgresUpgrade");
    assertThat(complete("demo-dba", taskId(instance, "Task_ApprovePostgresUpgrade"),
        Map.of("postgresUpgradeDecision", "stay-on-15")).getStatusCode().value()).isEqualTo(204);
    advanceTo(instance, "Task_SwitchToMaintenance");
    String task = taskId(instance, "Task_SwitchToMaintenance");

    ResponseEntity<Map> overwrite = as("demo-operator").postForEntity("/engine-rest/task/" + task + "/complete",
        Map.of("variables", rest(Map.of("maintenanceModeConfirmed", true, "postgresUpgradeDecision", "upgrade-to-16"))), Map.class);
    assertThat(overwrite.getStatusCode().value()).isEqualTo(400);
    assertThat((String) overwrite.getBody().get("message")).isEqualTo("'Switch the environment to maintenance mode' "
        + "cannot be completed yet: 'postgresUpgradeDecision' is not a field of form 'switch-to-maintenance'");

    for (String path : new String[] {"/variables/postgresUpgradeDecision", "/localVariables/postgresUpgradeDecision"}) {
      ResponseEntity<Map> write = as("demo-operator").exchange("/engine-rest/task/" + task + path, HttpMethod.PUT,
          new HttpEntity<>(Map.of("value", "upgrade-to-16")), Map.class);
      assertThat(write.getStatusCode().value()).as(path).isEqualTo(403);
      assertThat((String) write.getBody().get("message"))
          .startsWith("demo-operator may not change the protected variables [postgresUpgradeDecision]");
    }

    assertThat(engine.getRuntimeService().getVariable(instance, "postgresUpgradeDecision")).isEqualTo("stay-on-15");
    assertThat(engine.getRuntimeService().getActiveActivityIds(instance)).containsExactly("Task_SwitchToMaintenance");
    // the task's own answers complete it
    assertThat(complete("demo-operator", task, MosipUpgradeDriver.happyAnswers().get("Task_SwitchToMaintenance"))
        .getStatusCode().value()).isEqualTo(204);
    assertThat(engine.getRuntimeService().getVariable(instance, "postgresUpgradeDecision")).isEqualTo("stay-on-15");
    engine.getRuntimeService().deleteProcessInstance(instance, "test done");
  }
}
