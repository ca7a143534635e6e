package org.dpi.upgrade.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;

/**
 * Attack: the starter claims someone else started the upgrade ({@code initiator} as a start
 * variable) so as to approve its own gates. The variable is refused; the starter the four-eyes rule
 * uses comes from the instance's history, and the {@code initiator} variable the engine sets is the
 * authenticated user.
 */
class ForgedInitiatorAttackTest extends AttackTest {

  @Test
  void theInitiatorCannotBeForged() {
    long instances = instances();
    Map<String, Object> form = startForm();
    form.put("initiator", Map.of("value", "demo-manager"));
    ResponseEntity<Map> forged = as("op-and-dba").postForEntity(
        "/engine-rest/process-definition/key/" + KEY + "/submit-form", Map.of("variables", form), Map.class);
    assertThat(forged.getStatusCode().value()).isEqualTo(400);
    assertThat((String) forged.getBody().get("message")).contains("'initiator' is not a field of form 'mosip-upgrade-start'");
    assertThat(instances()).isEqualTo(instances);

    ResponseEntity<Map> started = as("op-and-dba").postForEntity(
        "/engine-rest/process-definition/key/" + KEY + "/submit-form", Map.of("variables", startForm()), Map.class);
    String instance = (String) started.getBody().get("id");
    assertThat(engine.getRuntimeService().getVariable(instance, "initiator")).isEqualTo("op-and-dba");
    assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery().processInstanceId(instance).singleResult()
        .getStartUserId()).isEqualTo("op-and-dba");
    engine.getRuntimeService().deleteProcessInstance(instance, "test done");
  }
}
