package org.dpi.upgrade.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.history.UserOperationLogEntry;
import org.dpi.upgrade.process.BreakGlass;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;

/**
 * Attack: start the upgrade somewhere in the middle (the schema scripts) with a plan of one's own, or
 * skip the listeners and mappings. Refused for operators and the worker; an admin may, and it is
 * recorded.
 */
class StartAtActivityAttackTest extends AttackTest {

  static final Map<String, Object> AT_SCHEMA_UPGRADE = Map.of(
      "startInstructions", List.of(Map.of("type", "startBeforeActivity", "activityId", "Task_RunSchemaUpgrade")),
      "variables", Map.of("plan", Map.of("type", "Json", "value", "{\"postgres\":{}}")));

  @Test
  void anOperatorCannotStartAtTheSchemaUpgradeNorSkipListeners() {
    long instances = instances();
    long external = externalTasks();

    ResponseEntity<Map> atActivity = as("demo-operator").postForEntity(
        "/engine-rest/process-definition/key/" + KEY + "/start", AT_SCHEMA_UPGRADE, Map.class);
    assertThat(atActivity.getStatusCode().value()).isEqualTo(403);
    assertThat((String) atActivity.getBody().get("message"))
        .isEqualTo("demo-operator may not start an instance at an activity instead of its start event");

    ResponseEntity<Map> skipping = as("demo-operator").postForEntity("/engine-rest/process-definition/key/" + KEY + "/start",
        Map.of("variables", startForm(), "skipCustomListeners", true, "skipIoMappings", true,
            "startInstructions", List.of(Map.of("type", "startBeforeActivity", "activityId", "Task_LoadPlan"))), Map.class);
    assertThat(skipping.getStatusCode().value()).isEqualTo(403);

    ResponseEntity<Map> ownPlan = as("demo-operator").postForEntity("/engine-rest/process-definition/key/" + KEY + "/start",
        Map.of("variables", Map.of("plan", Map.of("type", "Json", "value", "{}"))), Map.class);
    assertThat(ownPlan.getStatusCode().value()).isEqualTo(400);
    assertThat((String) ownPlan.getBody().get("message")).contains("cannot be started",
        "'plan' is not a field of form 'mosip-upgrade-start'", "'environment' is required");

    ResponseEntity<Map> asWorker = worker().postForEntity(
        "/engine-rest/process-definition/key/" + KEY + "/start", AT_SCHEMA_UPGRADE, Map.class);
    assertThat(asWorker.getStatusCode().value()).isEqualTo(403);

    assertThat(instances()).isEqualTo(instances);
    assertThat(externalTasks()).isEqualTo(external);
  }

  @Test
  void anAdminMayAsBreakGlassAndItIsRecorded() {
    ResponseEntity<Map> started = as("admin").postForEntity(
        "/engine-rest/process-definition/key/" + KEY + "/start", Map.of("variables", startForm(),
            "startInstructions", List.of(Map.of("type", "startBeforeActivity", "activityId", "Task_LoadPlan"))), Map.class);
    assertThat(started.getStatusCode().value()).isEqualTo(200);

    String instance = (String) started.getBody().get("id");
    UserOperationLogEntry entry = engine.getHistoryService().createUserOperationLogQuery()
        .operationType(BreakGlass.OPERATION).userId("admin").singleResult();
    assertThat(entry.getNewValue()).isEqualTo("start an instance at an activity instead of its start event");
    assertThat(entry.getAnnotation()).isEqualTo(BreakGlass.NO_REASON);
    engine.getRuntimeService().deleteProcessInstance(instance, "test done");
  }
}
