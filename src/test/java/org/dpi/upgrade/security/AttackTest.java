package org.dpi.upgrade.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.identity.User;
import org.camunda.spin.plugin.variable.value.JsonValue;
import org.dpi.upgrade.process.MosipUpgradeDriver;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the attack tests: the started application (REST API on a random port, H2 in memory, the
 * demo users, no workers subscribed), attacked over {@code /engine-rest} with HTTP Basic as the real
 * demo users would. Every subclass shares one application context; the job executor is off, so
 * timers fire only when a test executes them. Helpers drive an instance as its
 * users would: the worker account completes external tasks over REST, each group completes its own
 * tasks over REST with the happy-path answers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.datasource.url=jdbc:h2:mem:attacks;DB_CLOSE_DELAY=-1", "orchestrator.demo-users=true",
    "camunda.bpm.client.disable-auto-fetching=true", "orchestrator.workers=",
    // timers are fired by the tests themselves, with the engine's clock
    "camunda.bpm.job-execution.enabled=false"})
abstract class AttackTest {

  static final String KEY = "mosip-1.2.0.1-to-1.2.1.0";
  static final ParameterizedTypeReference<List<Map<String, Object>>> LIST = new ParameterizedTypeReference<>() {};
  /** Users and their groups; each logs in with password "pw-" + name. */
  static final Map<String, List<String>> USERS = Map.of("demo-operator", List.of("operators"),
      "demo-dba", List.of("dba"), "demo-dba2", List.of("dba"), "demo-manager", List.of("managers"),
      "demo-reviewer", List.of("config-reviewers"), "op-and-dba", List.of("operators", "dba"),
      "demo-manager2", List.of("managers"), "admin", List.of("camunda-admin"));
  /** Who completes the tasks of each candidate group when an instance is driven. */
  static final Map<String, String> DOER = Map.of("operators", "demo-operator", "dba", "demo-dba",
      "config-reviewers", "demo-reviewer", "managers", "demo-manager");
  static final Path INPUTS = tempDirectory("inputs");

  @DynamicPropertySource
  static void inputs(DynamicPropertyRegistry registry) {
    registry.add("orchestrator.inputs.root", INPUTS::toString);
  }

  @Autowired ProcessEngine engine;
  @Autowired TestRestTemplate rest;
  @Value("${orchestrator.worker.password}") String workerPassword;

  @BeforeEach
  void knownPasswords() {
    var identity = engine.getIdentityService();
    USERS.forEach((id, groups) -> {
      User user = identity.createUserQuery().userId(id).singleResult();
      if (user == null) {
        user = identity.newUser(id);
      }
      user.setPassword("pw-" + id);
      identity.saveUser(user);
      identity.unlockUser(id);
      groups.forEach(g -> {
        if (identity.createUserQuery().userId(id).memberOfGroup(g).count() == 0) {
          identity.createMembership(id, g);
        }
      });
    });
  }

  TestRestTemplate as(String user) {
    return rest.withBasicAuth(user, "pw-" + user);
  }

  TestRestTemplate worker() {
    return rest.withBasicAuth("upgrade-worker", workerPassword);
  }

  /** The valid start form answers. */
  static Map<String, Object> startForm() {
    Map<String, Object> form = new LinkedHashMap<>();
    form.put("environment", Map.of("value", "staging"));
    form.put("changeTicket", Map.of("value", "CHG-9"));
    form.put("maintenanceWindow", Map.of("value", "Sat 22:00-06:00 UTC"));
    return form;
  }

  /** Starts an upgrade as demo-operator through its start form; returns the instance id. */
  String start() {
    ResponseEntity<Map> started = as("demo-operator").postForEntity(
        "/engine-rest/process-definition/key/" + KEY + "/submit-form", Map.of("variables", startForm()), Map.class);
    assertThat(started.getStatusCode().value()).as("start: %s", started.getBody()).isEqualTo(200);
    return (String) started.getBody().get("id");
  }

  /**
   * Answers every wait state until the instance waits at {@code activity} (null: until it ends):
   * external tasks as the worker account, user tasks as a member of their candidate group with the
   * happy-path answers.
   */
  void advanceTo(String instance, String activity) {
    Map<String, Map<String, Object>> answers = MosipUpgradeDriver.happyAnswers();
    for (int steps = 0; steps < 100; steps++) {
      var tasks = engine.getTaskService().createTaskQuery().processInstanceId(instance).list();
      var external = engine.getExternalTaskService().createExternalTaskQuery().processInstanceId(instance).list();
      if (tasks.stream().anyMatch(t -> t.getTaskDefinitionKey().equals(activity))
          || external.stream().anyMatch(t -> t.getActivityId().equals(activity))) {
        return;
      }
      if (tasks.isEmpty() && external.isEmpty()) {
        assertThat(activity).as("the instance ended before %s", activity).isNull();
        return;
      }
      if (!external.isEmpty()) {
        completeExternal(instance, external.get(0).getTopicName(),
            MosipUpgradeDriver.resultOf(external.get(0).getActivityId()));
      } else {
        var task = tasks.get(0);
        String group = engine.getTaskService().getIdentityLinksForTask(task.getId()).get(0).getGroupId();
        String user = task.getTaskDefinitionKey().equals("Task_ApproveSchemaUpgrade") && tasks.size() == 1
            ? "demo-dba2" : DOER.get(group);
        ResponseEntity<String> done = complete(user, task.getId(), answers.get(task.getTaskDefinitionKey()));
        assertThat(done.getStatusCode().value()).as("%s completes %s: %s", user, task.getTaskDefinitionKey(), done.getBody())
            .isEqualTo(204);
      }
    }
    throw new AssertionError(activity + " not reached");
  }

  /** Fetches the instance's task of {@code topic} as the worker account and completes it over REST. */
  void completeExternal(String instance, String topic, Map<String, Object> variables) {
    List<Map<String, Object>> locked = worker().exchange("/engine-rest/external-task/fetchAndLock", HttpMethod.POST,
        new HttpEntity<>(Map.of("workerId", "attack-test", "maxTasks", 10, "topics", List.of(Map.of(
            "topicName", topic, "lockDuration", 60_000, "processInstanceId", instance)))), LIST).getBody();
    assertThat(locked).as("locked %s", topic).isNotEmpty();
    ResponseEntity<String> done = worker().postForEntity("/engine-rest/external-task/" + locked.get(0).get("id") + "/complete",
        Map.of("workerId", "attack-test", "variables", rest(variables)), String.class);
    assertThat(done.getStatusCode().value()).as("complete %s: %s", topic, done.getBody()).isEqualTo(204);
  }

  ResponseEntity<String> complete(String user, String taskId, Map<String, Object> answers) {
    return as(user).postForEntity("/engine-rest/task/" + taskId + "/complete", Map.of("variables", rest(answers)), String.class);
  }

  String taskId(String instance, String activity) {
    return engine.getTaskService().createTaskQuery().processInstanceId(instance).taskDefinitionKey(activity)
        .list().get(0).getId();
  }

  /** Variables in the REST API's form: {"name": {"value": ..., "type": ...}}. */
  static Map<String, Object> rest(Map<String, Object> variables) {
    Map<String, Object> dto = new LinkedHashMap<>();
    variables.forEach((name, value) -> dto.put(name, value instanceof JsonValue json
        ? Map.of("value", json.getValueSerialized(), "type", "Json") : Map.of("value", value)));
    return dto;
  }

  long instances() {
    return engine.getRuntimeService().createProcessInstanceQuery().count();
  }

  long externalTasks() {
    return engine.getExternalTaskService().createExternalTaskQuery().count();
  }

  static Path tempDirectory(String name) {
    try {
      Path target = Path.of("target");
      Files.createDirectories(target);
      return Files.createTempDirectory(target.toAbsolutePath(), name).toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
