package org.dpi.upgrade.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.spin.plugin.variable.value.JsonValue;
import org.dpi.upgrade.process.MosipUpgradeDriver;

/**
 * Drives the MOSIP upgrade through the REST API the way its people do, each as the demo user of the
 * task's candidate group: the operator starts it through the start form, every user task is
 * submitted through its form by its group, and the automated steps are left to the orchestrator's
 * own workers. Reads what it needs as {@code admin}.
 */
final class RestUpgradeDriver {

  static final String PROCESS = "mosip-1.2.0.1-to-1.2.1.0";
  /**
   * The demo users of each candidate group, in the order they take a task: a gate that needs several
   * approvers (the schema upgrade: two DBAs) is answered by the next one who has not answered it yet.
   */
  static final Map<String, List<String>> USERS_OF_GROUP = Map.of("operators", List.of("demo-operator"),
      "dba", List.of("demo-dba", "demo-dba2"), "config-reviewers", List.of("demo-reviewer"), "managers", List.of("demo-manager"));
  /**
   * The sandbox reviewer's decision for the adjudication rows of a file and action ({@code file|action}):
   * decision and its value or reason. Other rows: take the latest value where allowed, else accept with a reason.
   */
  static final Map<String, List<String>> SANDBOX_DECISIONS = Map.of(
      "application-default.properties|update-if-old-value-takes-priority", List.of("keep-old", ""),
      "application-default.properties|copy-property-if-required-in-lts", List.of("keep-old", ""),
      "kernel-default.properties|copy-property-if-required-in-lts", List.of("skip", "replaced by the sync job of 1.2.1.0"),
      "registration-processor-default.properties|update-if-old-value-takes-priority", List.of("enter-value", "4"),
      "esignet-default.properties|update-if-value-needs-change", List.of("enter-value", "esignet.sandbox.example.org"));

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String url;
  private final Map<String, String> passwords;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  /** Answers per user task (the happy path's). */
  final Map<String, Map<String, Object>> answers = new HashMap<>(MosipUpgradeDriver.happyAnswers());

  RestUpgradeDriver(String url, Map<String, String> passwords) {
    this.url = url;
    this.passwords = passwords;
  }

  RestUpgradeDriver answer(String task, Map<String, Object> variables) {
    answers.put(task, variables);
    return this;
  }

  /** Starts an upgrade through the start form, as demo-operator; returns the instance id. */
  String start(String changeTicket) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("businessKey", changeTicket);
    body.set("variables", variables(Map.of("environment", "sandbox", "changeTicket", changeTicket,
        "maintenanceWindow", "Sat 22:00-06:00 UTC")));
    return call("demo-operator", "POST", "/process-definition/key/" + PROCESS + "/submit-form", body).path("id").asText();
  }

  /**
   * Completes user tasks and waits for the automated steps until the instance waits at
   * {@code stopAt} (a user task, an external task, or an incident's activity) or ends.
   *
   * @return the wait states passed, in order
   */
  List<String> runUntil(String instance, String stopAt, Duration timeout) throws Exception {
    List<String> passed = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (get("/process-instance?processInstanceIds=" + instance).isEmpty()) {
        return passed;
      }
      JsonNode incident = incident(instance);
      if (incident != null && incident.path("activityId").asText().equals(stopAt)) {
        return passed;
      } else if (incident != null) {
        throw failure(incident);
      }
      JsonNode tasks = get("/task?processInstanceId=" + instance);
      JsonNode external = get("/external-task?processInstanceId=" + instance);
      String at = !tasks.isEmpty() ? tasks.get(0).path("taskDefinitionKey").asText()
          : !external.isEmpty() ? external.get(0).path("activityId").asText() : null;
      if (at != null && (passed.isEmpty() || !passed.get(passed.size() - 1).equals(at))) {
        passed.add(at);
      }
      if (at != null && at.equals(stopAt)) {
        return passed;
      }
      if (!tasks.isEmpty()) {
        if (at.equals("Task_AdjudicateConfig")) {
          decideAdjudication(instance);
        }
        complete(tasks.get(0), answers.get(at));
      } else {
        Thread.sleep(200);
      }
    }
    throw new AssertionError("the instance did not reach " + stopAt + " within " + timeout);
  }

  /** Waits until the automated step {@code activity} failed with an incident; returns the incident's message. */
  String awaitIncident(String instance, String activity, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode incident = incident(instance);
      if (incident != null && incident.path("activityId").asText().equals(activity)) {
        return incident.path("incidentMessage").asText();
      } else if (incident != null) {
        throw failure(incident);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no incident at " + activity + " within " + timeout);
  }

  /**
   * Waits (for the automated steps) until the instance waits at a user task, and returns it; null
   * when the instance ended. Fails on an incident.
   */
  JsonNode nextUserTask(String instance, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (get("/process-instance?processInstanceIds=" + instance).isEmpty()) {
        return null;
      }
      JsonNode incident = incident(instance);
      if (incident != null) {
        throw failure(incident);
      }
      JsonNode tasks = get("/task?processInstanceId=" + instance);
      if (!tasks.isEmpty()) {
        return tasks.get(0);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no user task of " + instance + " within " + timeout);
  }

  /** Submits the current user task {@code task} with these answers, as its group's demo user. */
  void complete(String instance, String task, Map<String, Object> variables) throws Exception {
    JsonNode tasks = get("/task?processInstanceId=" + instance + "&taskDefinitionKey=" + task);
    if (tasks.isEmpty()) {
      throw new AssertionError(instance + " does not wait at " + task);
    }
    complete(tasks.get(0), variables);
  }

  /**
   * The one place user tasks are completed: claimed, then the answers go with the task's own
   * completion (its form's submit, as Tasklist sends it), by the demo user of the task's candidate group
   * ({@link #userFor}).
   */
  private void complete(JsonNode task, Map<String, Object> variables) throws Exception {
    if (variables == null) {
      throw new AssertionError("no answers for user task " + task.path("taskDefinitionKey").asText());
    }
    String user = userFor(task);
    call(user, "POST", "/task/" + task.path("id").asText() + "/claim", JSON.createObjectNode().put("userId", user));
    ObjectNode body = JSON.createObjectNode();
    body.set("variables", variables(variables));
    call(user, "POST", "/task/" + task.path("id").asText() + "/submit-form", body);
  }

  /**
   * Decides every row of the instance's config adjudication on the adjudication table's API, as
   * demo-reviewer (the page's calls: one per decision, for all its rows): {@link #SANDBOX_DECISIONS}.
   */
  void decideAdjudication(String instance) throws Exception {
    String run = "/config-adjudication/" + instance;
    Map<List<String>, List<String>> rowsByDecision = new LinkedHashMap<>();
    for (JsonNode row : page("GET", run + "/rows", null).path("rows")) {
      List<String> allowed = new ArrayList<>();
      row.path("allowed").forEach(a -> allowed.add(a.asText()));
      List<String> decision = SANDBOX_DECISIONS.getOrDefault(row.path("file").asText() + "|" + row.path("action").asText(),
          List.of("take-latest", ""));
      if (!allowed.contains(decision.get(0))) {
        decision = allowed.contains("take-latest") ? List.of("take-latest", "") : List.of(allowed.get(0), "reviewed in the sandbox");
      }
      rowsByDecision.computeIfAbsent(decision, d -> new ArrayList<>()).add(row.path("id").asText());
    }
    for (Map.Entry<List<String>, List<String>> decided : rowsByDecision.entrySet()) {
      ObjectNode body = JSON.createObjectNode().put("decision", decided.getKey().get(0)).put("text", decided.getKey().get(1));
      decided.getValue().forEach(body.putArray("rows")::add);
      page("POST", run + "/decisions", body);
    }
    JsonNode after = page("GET", run + "/rows", null);
    if (after.path("decided").asInt() != after.path("rows").size()) {
      throw new AssertionError("adjudication rows left undecided: " + after.path("decided") + " of " + after.path("rows").size());
    }
  }

  /** A call to the adjudication page's API as demo-reviewer, as the page makes it. */
  private JsonNode page(String method, String path, JsonNode body) throws Exception {
    return send("demo-reviewer", method, url + path, body, Map.of("X-Adjudication-Request", "1"));
  }

  /** The demo user who answers {@code task}: of its candidate group, the first who has not answered this gate of this instance. */
  String userFor(JsonNode task) throws Exception {
    List<String> answered = new ArrayList<>();
    for (JsonNode done : get("/history/task?finished=true&processInstanceId=" + task.path("processInstanceId").asText()
        + "&taskDefinitionKey=" + task.path("taskDefinitionKey").asText())) {
      answered.add(done.path("assignee").asText());
    }
    String group = candidateGroup(task);
    return USERS_OF_GROUP.get(group).stream().filter(user -> !answered.contains(user)).findFirst()
        .orElseThrow(() -> new AssertionError("no demo user of " + group + " left for " + task.path("taskDefinitionKey").asText()));
  }

  private JsonNode incident(String instance) throws Exception {
    JsonNode incidents = get("/incident?processInstanceId=" + instance);
    return incidents.isEmpty() ? null : incidents.get(0);
  }

  private static AssertionError failure(JsonNode incident) {
    return new AssertionError("incident at " + incident.path("activityId").asText() + ": " + incident.path("incidentMessage").asText());
  }

  private String candidateGroup(JsonNode task) throws Exception {
    String group = null;
    for (JsonNode link : get("/task/" + task.path("id").asText() + "/identity-links?type=candidate")) {
      group = link.path("groupId").asText();
    }
    return group;
  }

  /** As admin (Cockpit's view): sets a process variable. */
  void setVariable(String instance, String name, Object value) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.set("value", JSON.valueToTree(value));
    call("admin", "PUT", "/process-instance/" + instance + "/variables/" + name, body);
  }

  /** As admin (Cockpit's "retry" of a failed external task). */
  void retry(String instance) throws Exception {
    for (JsonNode task : get("/external-task?processInstanceId=" + instance)) {
      ObjectNode body = JSON.createObjectNode().put("retries", 1);
      call("admin", "PUT", "/external-task/" + task.path("id").asText() + "/retries", body);
    }
  }

  /** A GET of the REST API as admin. */
  JsonNode get(String path) throws Exception {
    return call("admin", "GET", path, null);
  }

  /** The values of the instance's variables in history (as admin): name to value text. */
  Map<String, String> history(String instance) throws Exception {
    Map<String, String> values = new HashMap<>();
    for (JsonNode v : get("/history/variable-instance?processInstanceId=" + instance + "&deserializeValues=false")) {
      values.put(v.path("name").asText(), v.path("value").asText());
    }
    return values;
  }

  /** The activities of the instance in the order they ended (history, as admin). */
  List<String> finishedActivities(String instance) throws Exception {
    List<String> ids = new ArrayList<>();
    for (JsonNode a : get("/history/activity-instance?processInstanceId=" + instance
        + "&finished=true&sortBy=endTime&sortOrder=asc")) {
      ids.add(a.path("activityId").asText());
    }
    return ids;
  }

  /** A call of the engine's REST API as {@code user}. */
  JsonNode call(String user, String method, String path, JsonNode body) throws Exception {
    return send(user, method, url + "/engine-rest" + path, body, Map.of());
  }

  private JsonNode send(String user, String method, String uri, JsonNode body, Map<String, String> headers) throws Exception {
    String password = passwords.get(user);
    if (password == null) {
      throw new IllegalStateException("no password for " + user);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
    headers.forEach(request::header);
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new AssertionError(user + " " + method + " " + uri + ": HTTP " + response.statusCode() + " " + response.body());
    }
    return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
  }

  /** Variables as the REST API takes them; a Spin JSON value as its serialized text with type Json. */
  private static ObjectNode variables(Map<String, Object> values) {
    ObjectNode variables = JSON.createObjectNode();
    values.forEach((name, value) -> {
      if (value instanceof JsonValue json) {
        variables.putObject(name).put("value", json.getValueSerialized()).put("type", "Json");
      } else {
        variables.putObject(name).set("value", JSON.valueToTree(value));
      }
    });
    return variables;
  }
}
