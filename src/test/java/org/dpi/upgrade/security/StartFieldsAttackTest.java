package org.dpi.upgrade.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.ResponseEntity;

/**
 * Attack: start with the start form's rules broken (missing or wrong-typed fields, 5 MB strings) or
 * with variables the process keeps for itself (a gate's decision, the initiator, a rollback request).
 * Each is refused with 400 and a one-line message naming every problem, one WARN line and no stack
 * trace in the log, and no instance.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartFieldsAttackTest extends AttackTest {

  @Test
  void missingAndWrongTypedFieldsAreNamedOneByOne(CapturedOutput log) {
    long instances = instances();
    Map<String, Object> form = new LinkedHashMap<>();
    form.put("environment", Map.of("value", 42));
    form.put("maintenanceWindow", Map.of("value", true));
    ResponseEntity<Map> refused = submit(form);

    assertThat(refused.getStatusCode().value()).isEqualTo(400);
    assertThat((String) refused.getBody().get("message")).isEqualTo(
        "'MOSIP upgrade 1.2.0.1 → 1.2.1.0' cannot be started: 'environment' must be text; "
            + "'changeTicket' is required; 'maintenanceWindow' must be text");
    assertThat(instances()).isEqualTo(instances);
    String output = log.getAll();
    assertThat(output.lines().filter(l -> l.contains("refused (invalid input) for demo-operator"))).hasSize(1);
    assertThat(output).doesNotContain("\tat org.camunda");
  }

  @Test
  void fiveMegabyteStringsAndBadPatternsAreRefusedBeforeTheDatabase() {
    long instances = instances();
    Map<String, Object> form = startForm();
    form.put("maintenanceWindow", Map.of("value", "x".repeat(5 * 1024 * 1024)));
    form.put("changeTicket", Map.of("value", "CHG 1; DROP TABLE"));
    ResponseEntity<Map> refused = submit(form);

    assertThat(refused.getStatusCode().value()).isEqualTo(400);
    assertThat((String) refused.getBody().get("message")).contains(
        "'changeTicket' does not have the expected form", "'maintenanceWindow' is too long (5242880 characters, at most 200)");
    assertThat(instances()).isEqualTo(instances);
  }

  @Test
  void variablesTheProcessKeepsForItselfCannotBeGivenAtStart() {
    long instances = instances();
    Map<String, Object> form = startForm();
    form.put("postgresUpgradeDecision", Map.of("value", "upgrade-to-16"));
    form.put("initiator", Map.of("value", "demo-dba"));
    form.put("rollbackRequested", Map.of("value", false));
    ResponseEntity<Map> refused = as("demo-operator").postForEntity(
        "/engine-rest/process-definition/key/" + KEY + "/start", Map.of("variables", form), Map.class);

    assertThat(refused.getStatusCode().value()).isEqualTo(400);
    assertThat((String) refused.getBody().get("message")).contains(
        "'postgresUpgradeDecision' is not a field", "'initiator' is not a field", "'rollbackRequested' is not a field");
    assertThat(instances()).isEqualTo(instances);
  }

  @Test
  void theStarterReadsItsOwnInstanceAndHistoryButNotOthers() {
    String instance = start();
    var op = as("demo-operator");
    assertThat(op.getForEntity("/engine-rest/process-instance/" + instance, String.class).getStatusCode().value()).isEqualTo(200);
    assertThat(op.getForEntity("/engine-rest/history/process-instance/" + instance, Map.class).getBody())
        .containsEntry("startUserId", "demo-operator");
    assertThat(as("op-and-dba").getForEntity("/engine-rest/process-instance/" + instance, String.class)
        .getStatusCode().value()).isEqualTo(404);
    engine.getRuntimeService().deleteProcessInstance(instance, "test done");
  }

  private ResponseEntity<Map> submit(Map<String, Object> form) {
    return as("demo-operator").postForEntity("/engine-rest/process-definition/key/" + KEY + "/submit-form",
        Map.of("variables", form), Map.class);
  }
}
