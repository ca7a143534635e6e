package org.dpi.upgrade.config;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.identity.Group;
import org.dpi.upgrade.config.Adjudication.Decision;
import org.dpi.upgrade.config.Adjudication.Row;
import org.dpi.upgrade.security.BasicCredentials;
import org.dpi.upgrade.security.IdentitySetup;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The adjudication review served by the application: a table page ({@code GET /config-adjudication/{run}})
 * and the JSON/CSV endpoints it uses. Callers are the users of the Camunda webapps (their Tasklist
 * session) or REST clients (HTTP Basic with their Camunda password). Members of {@value IdentitySetup#CONFIG_REVIEWERS}
 * read and decide while the review task is open; {@value IdentitySetup#MANAGERS} and {@code camunda-admin}
 * read. Every change needs the header {@value #CSRF_HEADER} (a cross-site form cannot send it). Refusals are
 * 400/403/409 with one sentence in {@code message}.
 */
@RestController
public class AdjudicationPage {

  public static final String PATH = "/config-adjudication";
  static final String CSRF_HEADER = "X-Adjudication-Request";
  static final String TASK = "Task_AdjudicateConfig";

  private final IdentityService identity;
  private final TaskService tasks;
  private final ConfigMigration migration;

  public AdjudicationPage(IdentityService identity, TaskService tasks, ConfigMigration migration) {
    this.identity = identity;
    this.tasks = tasks;
    this.migration = migration;
  }

  /** Who calls, and what they may do. */
  record Caller(String user, boolean canRead, boolean canDecide) { }

  /** A refusal answered with its status and sentence. */
  static final class Refused extends RuntimeException {
    final HttpStatus status;

    Refused(HttpStatus status, String message) {
      super(message);
      this.status = status;
    }
  }

  @GetMapping(value = PATH + "/{run:[A-Za-z0-9_-]+}", produces = MediaType.TEXT_HTML_VALUE)
  public ResponseEntity<String> page(@PathVariable String run, HttpServletRequest request) {
    Caller caller = caller(request);
    if (caller == null || !caller.canRead()) {
      return ResponseEntity.status(caller == null ? HttpStatus.UNAUTHORIZED : HttpStatus.FORBIDDEN)
          .contentType(MediaType.TEXT_HTML).body("<!doctype html><title>Config adjudication</title><p>"
              + (caller == null ? "Log in to <a href=\"/camunda/app/tasklist/\">Tasklist</a> first, then open this page again."
              : "Only config reviewers, managers and administrators can see the config adjudication.") + "</p>");
    }
    try (InputStream html = new ClassPathResource("static/config-adjudication/page.html").getInputStream()) {
      return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
          .header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'self'")
          .body(new String(html.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @GetMapping(value = PATH + "/{run}/rows", produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<Map<String, Object>> rows(@PathVariable String run, HttpServletRequest request) {
    return answer(() -> {
      Caller caller = reader(request);
      ConfigMigration.Review review = review(run);
      Map<String, Decision> decisions = review.decisions().load();
      Map<String, Object> body = summary(review.adjudication(), decisions);
      body.put("rows", rowsJson(review.adjudication().rows, decisions));
      body.put("user", caller.user());
      boolean open = open(run);
      body.put("open", open);
      body.put("canDecide", caller.canDecide() && open);
      return body;
    });
  }

  /** Body: {@code rows} (row ids), {@code decision} (or {@value DecisionStore#UNDECIDED}), {@code text}. */
  @PostMapping(value = PATH + "/{run}/decisions", produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<Map<String, Object>> decide(@PathVariable String run, @RequestBody Map<String, Object> body,
      HttpServletRequest request) {
    return answer(() -> {
      Caller caller = decider(run, request);
      ConfigMigration.Review review = review(run);
      Object ids = body.get("rows");
      String decision = body.get("decision") instanceof String s ? s.strip() : "";
      String text = body.get("text") instanceof String s ? s : "";
      if (!(ids instanceof List<?> list) || list.isEmpty()) {
        throw new Refused(HttpStatus.BAD_REQUEST, "Select at least one row to decide.");
      }
      Map<String, String[]> changes = new LinkedHashMap<>();
      for (Object id : list) {
        Row row = review.adjudication().row(String.valueOf(id));
        if (row == null) {
          throw new Refused(HttpStatus.BAD_REQUEST, "The selection names a row that this migration does not have:"
              + " reload the page.");
        }
        String problem = decision.equals(DecisionStore.UNDECIDED) ? null : Adjudication.problem(row, decision, text);
        if (problem != null) {
          throw new Refused(HttpStatus.BAD_REQUEST, problem);
        }
        changes.put(row.id(), new String[] {decision, text});
      }
      review.decisions().save(changes, caller.user());
      Map<String, Decision> decisions = review.decisions().load();
      Map<String, Object> answer = summary(review.adjudication(), decisions);
      answer.put("rows", rowsJson(changes.keySet().stream().map(review.adjudication()::row).toList(), decisions));
      return answer;
    });
  }

  @GetMapping(value = PATH + "/{run}/manual_adjudication.csv")
  public ResponseEntity<?> export(@PathVariable String run, HttpServletRequest request) {
    try {
      reader(request);
      ConfigMigration.Review review = review(run);
      return ResponseEntity.ok().contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
          .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"manual_adjudication.csv\"")
          .body(review.adjudication().export(review.decisions().load()));
    } catch (Refused e) {
      return ResponseEntity.status(e.status).body(Map.of("message", e.getMessage()));
    }
  }

  /** Body: the exported CSV with Decision and Value or Reason filled in; all of it is applied, or nothing. */
  @PostMapping(value = PATH + "/{run}/manual_adjudication.csv", consumes = {"text/csv", MediaType.TEXT_PLAIN_VALUE},
      produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<Map<String, Object>> importCsv(@PathVariable String run, @RequestBody String csv,
      HttpServletRequest request) {
    return answer(() -> {
      Caller caller = decider(run, request);
      ConfigMigration.Review review = review(run);
      Map<String, String[]> changes;
      try {
        changes = review.adjudication().parseImport(csv);
      } catch (IllegalArgumentException e) {
        throw new Refused(HttpStatus.BAD_REQUEST, e.getMessage());
      }
      review.decisions().save(changes, caller.user());
      Map<String, Object> answer = summary(review.adjudication(), review.decisions().load());
      answer.put("imported", changes.size());
      return answer;
    });
  }

  /** The file as the new version has it and as it will be pushed, side by side. */
  @GetMapping(value = PATH + "/{run}/preview", produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<Map<String, Object>> preview(@PathVariable String run, @RequestParam String file,
      HttpServletRequest request) {
    return answer(() -> {
      reader(request);
      review(run);
      if (!file.endsWith(ConfigVersion.PROPERTIES)) {
        throw new Refused(HttpStatus.BAD_REQUEST, "Only .properties files can be previewed.");
      }
      String[] texts;
      try {
        texts = migration.preview(run, file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("file", file);
      body.put("lines", SideBySide.of(texts[0], texts[1]));
      return body;
    });
  }

  private interface Answer {
    Map<String, Object> get();
  }

  private static ResponseEntity<Map<String, Object>> answer(Answer answer) {
    try {
      return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").body(answer.get());
    } catch (Refused e) {
      return ResponseEntity.status(e.status).body(Map.of("message", e.getMessage()));
    }
  }

  private ConfigMigration.Review review(String run) {
    try {
      return migration.review(run);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new Refused(HttpStatus.NOT_FOUND, "There is no config migration to review for " + run + ".");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean open(String run) {
    return tasks.createTaskQuery().processInstanceId(run).taskDefinitionKey(TASK).count() > 0;
  }

  private Caller reader(HttpServletRequest request) {
    Caller caller = caller(request);
    if (caller == null) {
      throw new Refused(HttpStatus.UNAUTHORIZED, "Log in to Tasklist, or send your user and password (HTTP Basic).");
    }
    if (!caller.canRead()) {
      throw new Refused(HttpStatus.FORBIDDEN, "Only config reviewers, managers and administrators can see the config"
          + " adjudication.");
    }
    return caller;
  }

  private Caller decider(String run, HttpServletRequest request) {
    Caller caller = reader(request);
    if (request.getHeader(CSRF_HEADER) == null) {
      throw new Refused(HttpStatus.FORBIDDEN, "Changes must come from the adjudication page (header " + CSRF_HEADER
          + " missing).");
    }
    if (!caller.canDecide()) {
      throw new Refused(HttpStatus.FORBIDDEN, "Only members of " + IdentitySetup.CONFIG_REVIEWERS
          + " can decide; you can read the review.");
    }
    if (!open(run)) {
      throw new Refused(HttpStatus.CONFLICT, "This review is closed: its task is not open any more.");
    }
    return caller;
  }

  /** The Tasklist session's user, else the HTTP Basic user whose password checks; null when neither. */
  private Caller caller(HttpServletRequest request) {
    String user = BasicCredentials.user(request, identity, "default").orElse(null);
    if (user == null || identity.createUserQuery().userId(user).count() == 0) {
      return null;
    }
    Set<String> groups = new LinkedHashSet<>();
    identity.createGroupQuery().groupMember(user).list().stream().map(Group::getId).forEach(groups::add);
    boolean reviewer = groups.contains(IdentitySetup.CONFIG_REVIEWERS);
    return new Caller(user, reviewer || groups.contains(IdentitySetup.MANAGERS) || groups.contains(Groups.CAMUNDA_ADMIN),
        reviewer);
  }

  private static Map<String, Object> summary(Adjudication adjudication, Map<String, Decision> decisions) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("total", adjudication.rows.size());
    body.put("decided", adjudication.decidedCount(decisions));
    return body;
  }

  private static List<Map<String, Object>> rowsJson(List<Row> rows, Map<String, Decision> decisions) {
    List<Map<String, Object>> result = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", r.id());
      row.put("number", r.number());
      row.put("file", r.file());
      row.put("key", r.key());
      row.put("oldValue", r.oldValue());
      row.put("latestValue", r.latestValue());
      row.put("category", r.category());
      row.put("action", r.action());
      row.put("lines", r.lines());
      row.put("allowed", r.allowed());
      Decision d = decisions.get(r.id());
      row.put("decision", d == null ? null : Map.of("decision", d.decision(), "text", d.text(), "user", d.user(),
          "at", d.at().toString()));
      result.add(row);
    }
    return result;
  }
}
