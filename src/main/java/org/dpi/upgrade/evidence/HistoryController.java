package org.dpi.upgrade.evidence;

import static org.dpi.upgrade.evidence.Html.duration;
import static org.dpi.upgrade.evidence.Html.escape;
import static org.dpi.upgrade.evidence.Html.time;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.task.Attachment;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The upgrade history for managers and admins ({@link ManagerAccess}): the list of running and
 * finished upgrades with their outcome, each upgrade's evidence pack as a page (timeline, diagram
 * with the path taken, approvals, ...), as HTML and PDF downloads, and the PDF attached when the
 * instance ended. Read-only: these pages offer no action that changes anything.
 */
@RestController
public class HistoryController {

  static final int LISTED = 200;
  static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
  static final MediaType HTML = new MediaType("text", "html", StandardCharsets.UTF_8);
  static final MediaType TEXT = new MediaType("text", "plain", StandardCharsets.UTF_8);

  private final ProcessEngine engine;
  private final ManagerAccess access;
  private final EvidenceCollector collector;

  public HistoryController(ProcessEngine engine, ManagerAccess access) {
    this.engine = engine;
    this.access = access;
    this.collector = new EvidenceCollector(engine);
  }

  /** 204 for a manager or admin, else 401/403: the webapps' links ask this before showing themselves. */
  @GetMapping("/history/access")
  public ResponseEntity<?> canRead(HttpServletRequest request) {
    return guarded(request, user -> ResponseEntity.noContent().build());
  }

  @GetMapping({"/history", "/history/"})
  public ResponseEntity<?> list(HttpServletRequest request) {
    return guarded(request, user -> ResponseEntity.ok().contentType(HTML).body(listPage(user, collector.recent(LISTED))));
  }

  @GetMapping("/history/{id}")
  public ResponseEntity<?> page(HttpServletRequest request, @PathVariable String id) {
    return guarded(request, id, user -> {
      Evidence evidence = collector.collect(id);
      return ResponseEntity.ok().contentType(HTML).body(EvidenceHtml.forScreen(evidence, navigation(user, evidence)));
    });
  }

  @GetMapping("/history/{id}/evidence.html")
  public ResponseEntity<?> html(HttpServletRequest request, @PathVariable String id) {
    return guarded(request, id, user -> ResponseEntity.ok().contentType(HTML)
        .header(HttpHeaders.CONTENT_DISPOSITION, attachment("evidence-" + id + ".html"))
        .body(EvidenceHtml.forScreen(collector.collect(id), "")));
  }

  @GetMapping("/history/{id}/evidence.pdf")
  public ResponseEntity<?> pdf(HttpServletRequest request, @PathVariable String id) {
    return guarded(request, id, user -> ResponseEntity.ok().contentType(MediaType.APPLICATION_PDF)
        .header(HttpHeaders.CONTENT_DISPOSITION, attachment("evidence-" + id + ".pdf"))
        .body(EvidencePdf.render(collector.collect(id))));
  }

  /** The PDF attached to the instance when it ended ({@link EvidenceAttachment}). */
  @GetMapping("/history/{id}/attached.pdf")
  public ResponseEntity<?> attached(HttpServletRequest request, @PathVariable String id) {
    return guarded(request, id, user -> {
      Attachment attachment = EvidenceAttachment.find(engine.getTaskService(), id);
      if (attachment == null) {
        return refusal(404, "No evidence pack is attached to this upgrade: it is attached when the upgrade ends.");
      }
      try (InputStream in = engine.getTaskService().getAttachmentContent(attachment.getId())) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_PDF)
            .header(HttpHeaders.CONTENT_DISPOSITION, attachment(attachment.getName())).body(in.readAllBytes());
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the attached evidence pack of " + id, e);
      }
    });
  }

  private ResponseEntity<?> guarded(HttpServletRequest request, String id, Function<String, ResponseEntity<?>> body) {
    if (!ID.matcher(id).matches()) {
      return refusal(400, "That is not an upgrade id: ids are letters, digits and '-', at most 64.");
    }
    return guarded(request, user -> {
      try {
        return body.apply(user);
      } catch (EvidenceNotFoundException e) {
        return refusal(404, e.getMessage() + ".");
      }
    });
  }

  private ResponseEntity<?> guarded(HttpServletRequest request, Function<String, ResponseEntity<?>> body) {
    ManagerAccess.Decision decision = access.check(request);
    if (decision.status() == 401) {
      return ResponseEntity.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Upgrade history\", charset=\"UTF-8\"")
          .contentType(TEXT).body(decision.reason());
    }
    return decision.allowed() ? body.apply(decision.user()) : refusal(decision.status(), decision.reason());
  }

  /** A refusal: the status and one plain sentence. */
  private static ResponseEntity<String> refusal(int status, String sentence) {
    return ResponseEntity.status(status).contentType(TEXT).body(sentence);
  }

  private static String attachment(String name) {
    return ContentDisposition.attachment().filename(name).build().toString();
  }

  private String navigation(String user, Evidence evidence) {
    String id = escape(evidence.run().id());
    StringBuilder nav = new StringBuilder("<nav><a href=\"/history/\">All upgrades</a>")
        .append("<a href=\"/history/").append(id).append("/evidence.pdf\">Evidence pack (PDF)</a>")
        .append("<a href=\"/history/").append(id).append("/evidence.html\">Evidence pack (HTML)</a>");
    Attachment attached = EvidenceAttachment.find(engine.getTaskService(), evidence.run().id());
    if (attached != null) {
      nav.append("<a href=\"/history/").append(id).append("/attached.pdf\">PDF attached at the end (")
          .append(escape(time(attached.getCreateTime().toInstant()))).append(")</a>");
    }
    if (evidence.run().outcome() == Evidence.Outcome.RUNNING) {
      nav.append("<a href=\"/camunda/app/cockpit/").append(escape(engine.getName())).append("/#/process-instance/")
          .append(id).append("/runtime\">Open in Cockpit</a>");
    }
    return nav.append("<span style=\"float:right\">").append(escape(user)).append("</span></nav>").toString();
  }

  static String listPage(String user, List<Evidence.Run> runs) {
    StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n")
        .append("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"UTF-8\"/>")
        .append("<title>Upgrade history</title><style>").append(EvidenceHtml.STYLE).append(EvidenceHtml.SCREEN_STYLE)
        .append("</style></head><body><nav><a href=\"/camunda/app/cockpit/\">Cockpit</a><a href=\"/camunda/app/tasklist/\">")
        .append("Tasklist</a><span style=\"float:right\">").append(escape(user)).append("</span></nav>")
        .append("<h1>Upgrade history</h1><p>Running and finished upgrades, newest first (at most ").append(LISTED)
        .append("). Open one for its timeline, approvals, backups, verification results, the path it took and its evidence pack.</p>")
        .append("<table><tr><th>Change ticket</th><th>Process</th><th>Started</th><th>By</th><th>Ended</th><th>Duration</th>")
        .append("<th>Outcome</th><th>Evidence pack</th></tr>");
    for (Evidence.Run run : runs) {
      String id = escape(run.id());
      out.append("<tr><td><a href=\"/history/").append(id).append("\">")
          .append(escape(run.businessKey() == null ? run.id() : run.businessKey())).append("</a></td><td>")
          .append(escape(run.processName() + " (v" + run.version() + ")")).append("</td><td>").append(escape(time(run.started())))
          .append("</td><td>").append(escape(run.startedBy())).append("</td><td>").append(escape(time(run.ended())))
          .append("</td><td>").append(escape(duration(run.duration()))).append("</td><td><span class=\"outcome ")
          .append(run.outcome().name().toLowerCase()).append("\">").append(escape(run.outcome().label)).append("</span> ")
          .append(escape(run.outcomeText())).append("</td><td><a href=\"/history/").append(id).append("/evidence.pdf\">PDF</a> ")
          .append("<a href=\"/history/").append(id).append("/evidence.html\">HTML</a></td></tr>");
    }
    if (runs.isEmpty()) {
      out.append("<tr><td colspan=\"8\">No upgrade has been started yet.</td></tr>");
    }
    return out.append("</table></body></html>").toString();
  }
}
