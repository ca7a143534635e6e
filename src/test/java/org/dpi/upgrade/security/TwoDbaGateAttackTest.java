package org.dpi.upgrade.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * Attack: one DBA gives both approvals the schema upgrade needs. Refused with 403; Tasklist shows who
 * approved and that one more approval is needed; a second DBA's approval (sent as Tasklist sends a
 * form, read-only fields included) opens the gate. One rejection ends the gate and rolls back.
 */
class TwoDbaGateAttackTest extends AttackTest {

  @Test
  void oneDbaCannotApproveTwiceAndTasklistShowsWhoIsStillNeeded() {
    String instance = start();
    advanceTo(instance, "Task_ApproveSchemaUpgrade");
    List<String> gates = engine.getTaskService().createTaskQuery().processInstanceId(instance)
        .taskDefinitionKey("Task_ApproveSchemaUpgrade").list().stream().map(t -> t.getId()).toList();
    assertThat(gates).hasSize(2);

    assertThat(complete("demo-dba", gates.get(0), Map.of("schemaUpgradeDecision", "approve", "dbaComment", "scripts reviewed"))
        .getStatusCode().value()).isEqualTo(204);
    ResponseEntity<String> twice = complete("demo-dba", gates.get(1), Map.of("schemaUpgradeDecision", "approve"));
    assertThat(twice.getStatusCode().value()).isEqualTo(403);
    assertThat(twice.getBody()).contains("demo-dba already gave one of the approvals this gate needs");

    Map<String, Object> open = as("demo-dba2").getForObject("/engine-rest/task/" + gates.get(1), Map.class);
    assertThat((String) open.get("description")).startsWith("Approved so far by demo-dba. 1 more approval(s) needed");
    Map<String, Map<String, Object>> shown = as("demo-dba2").exchange("/engine-rest/task/" + gates.get(1) + "/form-variables",
        HttpMethod.GET, null, new org.springframework.core.ParameterizedTypeReference<Map<String, Map<String, Object>>>() {}).getBody();
    assertThat(shown.get("schemaUpgradeApprovals").get("value")).isEqualTo("demo-dba: approve (scripts reviewed)");
    assertThat(engine.getRuntimeService().getVariable(instance, "schemaUpgradeDecision")).isNull();

    // Tasklist sends every field of the form back, the read-only ones unchanged
    Map<String, Object> form = new java.util.LinkedHashMap<>();
    shown.forEach((name, variable) -> {
      if (List.of("backupEvidence", "rehearsalReport", "schemaUpgradeApprovals").contains(name)) {
        form.put(name, Map.of("value", variable.get("value") == null ? "" : variable.get("value")));
      }
    });
    form.put("schemaUpgradeDecision", Map.of("value", "approve"));
    ResponseEntity<String> second = as("demo-dba2").postForEntity("/engine-rest/task/" + gates.get(1) + "/submit-form",
        Map.of("variables", form), String.class);
    assertThat(second.getStatusCode().value()).as(second.getBody()).isEqualTo(204);
    assertThat(engine.getRuntimeService().getVariable(instance, "schemaUpgradeDecision")).isEqualTo("approve");
    assertThat(engine.getRuntimeService().getVariable(instance, "schemaUpgradeApprovals"))
        .isEqualTo("demo-dba: approve (scripts reviewed)\ndemo-dba2: approve");
    assertThat(engine.getRuntimeService().getActiveActivityIds(instance)).containsExactly("Task_RunSchemaUpgrade");
    engine.getRuntimeService().deleteProcessInstance(instance, "test done");
  }

  @Test
  void oneRejectionEndsTheGateAndRollsBack() {
    String instance = start();
    advanceTo(instance, "Task_ApproveSchemaUpgrade");
    assertThat(complete("demo-dba2", taskId(instance, "Task_ApproveSchemaUpgrade"),
        Map.of("schemaUpgradeDecision", "reject", "dbaComment", "backup of mosip_ida missing")).getStatusCode().value())
        .isEqualTo(204);
    assertThat(engine.getTaskService().createTaskQuery().processInstanceId(instance)
        .taskDefinitionKey("Task_ApproveSchemaUpgrade").count()).isZero();
    assertThat(engine.getRuntimeService().getVariable(instance, "schemaUpgradeDecision")).isEqualTo("reject");
    assertThat(engine.getRuntimeService().getVariable(instance, "rollbackCause")).isEqualTo("UPGRADE_REJECTED");
    assertThat(engine.getRuntimeService().getActiveActivityIds(instance)).contains("Undo_RerunKeycloakInit");
    engine.getRuntimeService().deleteProcessInstance(instance, "test done");
  }
}
