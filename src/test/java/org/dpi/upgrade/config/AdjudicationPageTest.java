package org.dpi.upgrade.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;

/** The review's endpoints in the running application, called as its users would (HTTP Basic). */
class AdjudicationPageTest extends ReviewAppTest {

  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  record Answer(int status, String body) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  /** {@code user}: a user (with the test password), {@code user:password}, or null for no credentials. */
  Answer call(String method, String path, String user, String body, String contentType, boolean fromPage) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (user != null) {
      String credentials = user.contains(":") ? user : user + ":" + PASSWORD;
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (fromPage) {
      request.header("X-Adjudication-Request", "1");
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body());
  }

  Answer decide(String run, String user, List<String> ids, String decision, String text) throws Exception {
    return call("POST", "/config-adjudication/" + run + "/decisions", user, JSON.writeValueAsString(Map.of("rows", ids,
        "decision", decision, "text", text)), "application/json", true);
  }

  JsonNode rows(String run, String user) throws Exception {
    Answer answer = call("GET", "/config-adjudication/" + run + "/rows", user, null, null, false);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return answer.json();
  }

  static List<String> ids(JsonNode rows, String action) {
    List<String> ids = new ArrayList<>();
    rows.path("rows").forEach(r -> {
      if (action == null || r.path("action").asText().equals(action)) {
        ids.add(r.path("id").asText());
      }
    });
    return ids;
  }

  @Test
  void reviewersDecideInBulkManagersReadOthersAreRefused() throws Exception {
    String run = atReview().getId();

    JsonNode view = rows(run, REVIEWER);
    assertThat(view.path("total").asInt()).isEqualTo(15);
    assertThat(view.path("decided").asInt()).isZero();
    assertThat(view.path("canDecide").asBoolean()).isTrue();
    assertThat(view.path("rows").get(0).path("oldValue").asText()).isNotEmpty();
    assertThat(rows(run, MANAGER).path("canDecide").asBoolean()).isFalse();
    assertThat(call("GET", "/config-adjudication/" + run + "/rows", OPERATOR, null, null, false))
        .isEqualTo(new Answer(403, "{\"message\":\"Only config reviewers, managers and administrators can see the config"
            + " adjudication.\"}"));
    assertThat(call("GET", "/config-adjudication/" + run + "/rows", null, null, null, false).status()).isEqualTo(401);

    List<String> manual = ids(view, PropMigrator.UPDATE_IF_OLD_VALUE_TAKES_PRIORITY);
    assertThat(call("POST", "/config-adjudication/" + run + "/decisions", REVIEWER, JSON.writeValueAsString(Map.of("rows",
        manual, "decision", "take-latest")), "application/json", false).json().path("message").asText())
        .isEqualTo("Changes must come from the adjudication page (header X-Adjudication-Request missing).");
    Answer refused = decide(run, MANAGER, manual, "take-latest", "");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().path("message").asText()).isEqualTo("Only members of config-reviewers can decide; you can"
        + " read the review.");

    Answer saved = decide(run, REVIEWER, manual, "take-latest", "");
    assertThat(saved.status()).as(saved.body()).isEqualTo(200);
    assertThat(saved.json().path("decided").asInt()).isEqualTo(6);
    JsonNode after = rows(run, MANAGER);
    assertThat(after.path("decided").asInt()).isEqualTo(6);
    after.path("rows").forEach(r -> {
      if (manual.contains(r.path("id").asText())) {
        assertThat(r.path("decision").path("decision").asText()).isEqualTo("take-latest");
        assertThat(r.path("decision").path("user").asText()).isEqualTo(REVIEWER);
        assertThat(r.path("decision").path("at").asText()).isNotEmpty();
      }
    });

    Answer wrong = decide(run, REVIEWER, ids(view, PropMigrator.UPDATE_IF_VALUE_NEEDS_CHANGE), "keep-old", "");
    assertThat(wrong.status()).isEqualTo(400);
    assertThat(wrong.json().path("message").asText()).matches("Row \\d+ \\(\\S+ \\S+\\) cannot be decided 'keep-old': it"
        + " allows take-latest, enter-value, skip\\.");
    Answer noValue = decide(run, REVIEWER, manual.subList(0, 1), "enter-value", " ");
    assertThat(noValue.json().path("message").asText()).endsWith(": enter-value needs the value to write.");
    assertThat(rows(run, REVIEWER).path("decided").asInt()).as("a refused change changes nothing").isEqualTo(6);
    // last, and as the operator, whom no other test calls: after a wrong password the engine refuses that user
    // for a few seconds, even with the right one
    assertThat(call("GET", "/config-adjudication/" + run + "/rows", OPERATOR + ":not-the-password", null, null, false).status())
        .isEqualTo(401);
  }

  @Test
  void theCsvGoesOutAndComesBackAllOrNothing() throws Exception {
    String run = atReview().getId();
    decide(run, REVIEWER, ids(rows(run, REVIEWER), PropMigrator.UPDATE_IF_OLD_VALUE_TAKES_PRIORITY), "skip", "not used here");

    Answer export = call("GET", "/config-adjudication/" + run + "/manual_adjudication.csv", MANAGER, null, null, false);
    assertThat(export.status()).isEqualTo(200);
    List<List<String>> table = Csv.parse(export.body());
    assertThat(table.get(0)).containsExactly("Row", "Property file name", "Key", "Old Value", "Latest Value",
        "Property Category", "Configuration Action", "Decision", "Value or Reason", "Decided By", "Decided At");
    assertThat(table).hasSize(16);
    assertThat(table.get(1).subList(7, 10)).containsExactly("skip", "not used here", REVIEWER);

    StringBuilder filled = new StringBuilder(Csv.format(table.get(0), List.of()));
    List<List<String>> rows = new ArrayList<>();
    for (List<String> row : table.subList(1, table.size())) {
      List<String> r = new ArrayList<>(row);
      if (r.get(7).isEmpty()) {
        r.set(7, r.get(6).equals(PropMigrator.UPDATE_IF_VALUE_NEEDS_CHANGE) ? "take-latest" : "keep-old");
      }
      rows.add(r);
    }
    filled.append(Csv.format(table.get(0), rows).substring(filled.length()));

    String broken = filled.toString().replaceFirst(",keep-old,", ",keep-old,\"unclosed");
    Answer refused = call("POST", "/config-adjudication/" + run + "/manual_adjudication.csv", REVIEWER, broken,
        "text/csv", true);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().path("message").asText()).matches("Nothing was imported: the quote opened at row \\d+,"
        + " column 9 is never closed\\.");
    Answer wrongDecision = call("POST", "/config-adjudication/" + run + "/manual_adjudication.csv", REVIEWER,
        filled.toString().replace(",take-latest,", ",maybe,"), "text/csv", true);
    assertThat(wrongDecision.json().path("message").asText()).startsWith("Nothing was imported: row ")
        .contains(", column 8: Row ").contains("cannot be decided 'maybe'");
    assertThat(rows(run, REVIEWER).path("decided").asInt()).isEqualTo(6);

    Answer imported = call("POST", "/config-adjudication/" + run + "/manual_adjudication.csv", REVIEWER, filled.toString(),
        "text/csv", true);
    assertThat(imported.status()).as(imported.body()).isEqualTo(200);
    assertThat(imported.json().path("decided").asInt()).isEqualTo(15);
    assertThat(imported.json().path("imported").asInt()).isEqualTo(15);
  }

  @Test
  void thePreviewShowsTheFileAsItWillBePushed() throws Exception {
    String run = atReview().getId();
    String manual = ids(rows(run, REVIEWER), PropMigrator.UPDATE_IF_OLD_VALUE_TAKES_PRIORITY).stream()
        .filter(id -> id.endsWith("|a.changed.manual")).findFirst().orElseThrow();
    decide(run, REVIEWER, List.of(manual), "keep-old", "");

    JsonNode preview = call("GET", "/config-adjudication/" + run + "/preview?file=app-default.properties", MANAGER, null, null,
        false).json();

    List<String> changed = new ArrayList<>();
    preview.path("lines").forEach(l -> {
      if (!l.path("kind").asText().equals("same")) {
        changed.add(l.path("kind").asText() + " " + l.path("left").asText() + " -> " + l.path("right").asText());
      }
    });
    assertThat(changed).contains("changed a.changed.manual=new-manual -> a.changed.manual=old-manual",
        "changed a.changed.oldprio=${db.host} -> a.changed.oldprio=old-host");
  }

  @Test
  void theTaskCompletesOnlyWhenEveryRowIsDecidedAndTheRefusalIsOnePlainSentence() throws Exception {
    ProcessInstance instance = atReview();
    String run = instance.getId();
    String task = engine.getTaskService().createTaskQuery().processInstanceId(run).singleResult().getId();
    String complete = "{\"variables\": {\"adjudicationComplete\": {\"value\": true, \"type\": \"Boolean\"}}}";

    Answer refused = call("POST", "/engine-rest/task/" + task + "/complete", REVIEWER, complete, "application/json", false);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().path("message").asText())
        .isEqualTo("0 of 15 rows are decided: decide the other 15 on the adjudication page, then complete the task.");

    ConfigFixture.decideAll(migration, run);
    Answer done = call("POST", "/engine-rest/task/" + task + "/complete", REVIEWER, complete, "application/json", false);
    assertThat(done.status()).as(done.body()).isEqualTo(204);
    assertThat(engine.getExternalTaskService().createExternalTaskQuery().processInstanceId(run).singleResult().getActivityId())
        .isEqualTo("Task_ApplyAdjudication");

    Answer closed = decide(run, REVIEWER, ids(rows(run, REVIEWER), null).subList(0, 1), "take-latest", "");
    assertThat(closed.status()).isEqualTo(409);
    assertThat(closed.json().path("message").asText()).isEqualTo("This review is closed: its task is not open any more.");
    assertThat(rows(run, REVIEWER).path("canDecide").asBoolean()).isFalse();
  }
}
