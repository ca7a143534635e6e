package org.dpi.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.identity.User;
import org.dpi.upgrade.security.IdentitySetup;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The application in the 'postgres' profile on a real PostgreSQL 16 server: deployment, REST
 * authentication, and who may see and do what, exercised through the REST API as each group.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"orchestrator.admin.password=admin-test-secret", "camunda.bpm.client.disable-auto-fetching=true"})
@ActiveProfiles("postgres")
// the context (and its engine) closes with this class; zonky stops the server when the JVM exits
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PostgresProfileTest {

  static final String KEY = "mosip-1.2.0.1-to-1.2.1.0";
  static final ParameterizedTypeReference<List<Map<String, Object>>> LIST = new ParameterizedTypeReference<>() {};
  static EmbeddedPostgres postgres;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) throws IOException {
    postgres = EmbeddedPostgres.builder().start();

    registry.add("ORCHESTRATOR_DB_URL", () -> postgres.getJdbcUrl("postgres", "postgres"));
    registry.add("ORCHESTRATOR_DB_USER", () -> "postgres");
    registry.add("ORCHESTRATOR_DB_PASSWORD", () -> "");
  }

  @Autowired ProcessEngine engine;
  @Autowired TestRestTemplate rest;
  @Value("${orchestrator.worker.password}") String workerPassword;

  @Test
  void theEngineRunsOnPostgresWithTheProcessItsPlanAndEveryFormDeployed() throws Exception {
    assertThat(engine.getProcessEngineConfiguration()).extracting("databaseType").isEqualTo("postgres");
    var definition = engine.getRepositoryService().createProcessDefinitionQuery().processDefinitionKey(KEY).singleResult();
    List<String> resources = engine.getRepositoryService().getDeploymentResourceNames(definition.getDeploymentId());
    assertThat(resources).contains("processes/mosip/mosip-1.2.0.1-to-1.2.1.0.bpmn",
        "processes/mosip/mosip-1.2.0.1-to-1.2.1.0.plan.yaml", "forms/go-no-go.form", "forms/mosip-upgrade-start.form");
    try (var forms = java.nio.file.Files.list(java.nio.file.Path.of("forms"))) {
      assertThat(resources.stream().filter(r -> r.endsWith(".form")))
          .containsExactlyInAnyOrderElementsOf(forms.map(f -> "forms/" + f.getFileName()).toList());
    }
    assertThat(engine.getIdentityService().createUserQuery().userIdIn("demo-operator", "demo-dba").count()).isZero();
    assertThat(engine.getIdentityService().checkPassword("admin", "admin-test-secret")).isTrue();
  }

  @Test
  void theRestApiRefusesAnonymousAndWrongPasswords() {
    assertThat(rest.getForEntity("/engine-rest/process-definition", String.class).getStatusCode())
        .isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(rest.withBasicAuth("admin", "admin-test-secret").getForEntity("/engine-rest/process-definition", String.class)
        .getStatusCode()).isEqualTo(HttpStatus.OK);
    // a wrong password is refused (and the engine then delays that user's next login)
    user("probe", IdentitySetup.OPERATORS);
    assertThat(rest.withBasicAuth("probe", "wrong").getForEntity("/engine-rest/process-definition", String.class)
        .getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
  }

  @Test
  void eachGroupSeesAndCompletesOnlyItsOwnTasksAndManagersReadEverything() {
    user("op1", IdentitySetup.OPERATORS);
    user("dba1", IdentitySetup.DBA);
    user("rev1", IdentitySetup.CONFIG_REVIEWERS);
    user("mgr1", IdentitySetup.MANAGERS);
    var op = rest.withBasicAuth("op1", "pw-op1");
    var dba = rest.withBasicAuth("dba1", "pw-dba1");
    var rev = rest.withBasicAuth("rev1", "pw-rev1");
    var mgr = rest.withBasicAuth("mgr1", "pw-mgr1");

    // operators start the upgrade from its start form; nobody else may
    assertThat(op.getForObject("/engine-rest/process-definition/key/" + KEY + "/deployed-start-form", Map.class))
        .containsEntry("id", "mosip-upgrade-start");
    Map<String, Object> start = Map.of("variables", Map.of(
        "environment", Map.of("value", "staging"), "changeTicket", Map.of("value", "CHG-7"),
        "maintenanceWindow", Map.of("value", "Sat 22:00")));
    assertThat(dba.postForEntity("/engine-rest/process-definition/key/" + KEY + "/submit-form", start, String.class)
        .getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
    ResponseEntity<Map> started = op.postForEntity("/engine-rest/process-definition/key/" + KEY + "/submit-form", start, Map.class);
    assertThat(started.getStatusCode()).isEqualTo(HttpStatus.OK);
    String instance = (String) started.getBody().get("id");

    // the worker user fetches and completes the rehearsal through the REST API
    var worker = rest.withBasicAuth("upgrade-worker", workerPassword);
    List<Map<String, Object>> locked = worker.exchange("/engine-rest/external-task/fetchAndLock", HttpMethod.POST,
        new HttpEntity<>(Map.of("workerId", "w1", "maxTasks", 5,
            "topics", List.of(Map.of("topicName", "postgres.rehearse", "lockDuration", 10000)))), LIST).getBody();
    assertThat(locked).singleElement().satisfies(t -> assertThat(t).containsEntry("processInstanceId", instance));
    assertThat(worker.postForEntity("/engine-rest/external-task/" + locked.get(0).get("id") + "/complete",
        Map.of("workerId", "w1"), String.class).getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
    assertThat(op.postForEntity("/engine-rest/external-task/fetchAndLock", Map.of("workerId", "x", "maxTasks", 1,
        "topics", List.of(Map.of("topicName", "helm.install-release", "lockDuration", 1000))), String.class).getStatusCode())
        .as("operators cannot act as workers").isEqualTo(HttpStatus.FORBIDDEN);

    // the DBA approval is visible to dba only, with its form
    List<Map<String, Object>> dbaTasks = dba.exchange("/engine-rest/task", HttpMethod.GET, null, LIST).getBody();
    assertThat(dbaTasks).singleElement().satisfies(t -> assertThat(t).containsEntry("taskDefinitionKey", "Task_ApprovePostgresUpgrade"));
    String task = (String) dbaTasks.get(0).get("id");
    assertThat(op.exchange("/engine-rest/task", HttpMethod.GET, null, LIST).getBody()).isEmpty();
    assertThat(rev.exchange("/engine-rest/task", HttpMethod.GET, null, LIST).getBody()).isEmpty();
    assertThat(dba.getForObject("/engine-rest/task/" + task + "/deployed-form", Map.class))
        .containsEntry("id", "dba-approve-postgres-upgrade");
    assertThat(op.getForEntity("/engine-rest/task/" + task + "/deployed-form", String.class).getStatusCode())
        .isEqualTo(HttpStatus.FORBIDDEN);

    // only the DBA completes it, and only with a valid decision
    Map<String, Object> approve = Map.of("variables", Map.of("postgresUpgradeDecision", Map.of("value", "upgrade-to-16")));
    assertThat(op.postForEntity("/engine-rest/task/" + task + "/complete", approve, String.class).getStatusCode())
        .isEqualTo(HttpStatus.FORBIDDEN);
    assertThat(mgr.postForEntity("/engine-rest/task/" + task + "/complete", approve, String.class).getStatusCode())
        .isEqualTo(HttpStatus.FORBIDDEN);
    ResponseEntity<String> invalid = dba.postForEntity("/engine-rest/task/" + task + "/complete",
        Map.of("variables", Map.of("postgresUpgradeDecision", Map.of("value", "later"))), String.class);
    assertThat(invalid.getStatusCode().is2xxSuccessful()).isFalse();
    assertThat(invalid.getBody()).contains("cannot be completed yet", "postgresUpgradeDecision");
    assertThat(dba.postForEntity("/engine-rest/task/" + task + "/complete", approve, String.class).getStatusCode())
        .isEqualTo(HttpStatus.NO_CONTENT);

    // managers read instances, history and every task; operators only the instances they started
    assertThat(mgr.exchange("/engine-rest/process-instance?processDefinitionKey=" + KEY, HttpMethod.GET, null, LIST).getBody())
        .extracting(i -> i.get("id")).containsExactly(instance);
    assertThat(mgr.exchange("/engine-rest/history/activity-instance?processInstanceId=" + instance, HttpMethod.GET, null, LIST)
        .getBody()).extracting(a -> a.get("activityId")).contains("Task_LoadPlan", "Task_ApprovePostgresUpgrade");
    assertThat(op.exchange("/engine-rest/process-instance", HttpMethod.GET, null, LIST).getBody())
        .extracting(i -> i.get("id")).containsExactly(instance);
    assertThat(rev.exchange("/engine-rest/process-instance", HttpMethod.GET, null, LIST).getBody()).isEmpty();

    // the Tasklist filter is shared with the groups and lists their own tasks
    List<Map<String, Object>> filters = op.exchange("/engine-rest/filter", HttpMethod.GET, null, LIST).getBody();
    assertThat(filters).extracting(f -> f.get("name")).containsExactly(IdentitySetup.TASK_FILTER);
    assertThat(dba.exchange("/engine-rest/filter/" + filters.get(0).get("id") + "/list", HttpMethod.GET, null, LIST).getBody())
        .isEmpty();

    var auth = engine.getAuthorizationService();
    assertThat(auth.isUserAuthorized("op1", List.of("operators"), Permissions.ACCESS, Resources.APPLICATION, "tasklist")).isTrue();
    assertThat(auth.isUserAuthorized("op1", List.of("operators"), Permissions.ACCESS, Resources.APPLICATION, "cockpit")).isFalse();
    assertThat(auth.isUserAuthorized("mgr1", List.of("managers"), Permissions.ACCESS, Resources.APPLICATION, "cockpit")).isTrue();
    assertThat(auth.isUserAuthorized("upgrade-worker", List.of("workers"), Permissions.ACCESS, Resources.APPLICATION, "tasklist")).isFalse();
  }

  private void user(String id, String group) {
    User user = engine.getIdentityService().newUser(id);
    user.setPassword("pw-" + id);
    engine.getIdentityService().saveUser(user);
    engine.getIdentityService().createMembership(id, group);
  }
}
