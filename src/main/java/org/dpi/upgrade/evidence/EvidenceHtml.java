package org.dpi.upgrade.evidence;

import static org.dpi.upgrade.evidence.Html.duration;
import static org.dpi.upgrade.evidence.Html.escape;
import static org.dpi.upgrade.evidence.Html.time;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The evidence pack as one XHTML document (well-formed, so that OpenHTMLtoPDF can print it):
 * failures first, then approvals, four-eyes, backups, verification, rollback, timeline, forecast,
 * the diagram with the path taken, and the plan used.
 */
public final class EvidenceHtml {

  /** Width of one diagram slice on a printed page (layout units), so that labels stay readable. */
  static final double PRINT_TILE = 2100;
  /** Layout units to CSS pixels on an A3 landscape page (about 1490 x 1030 px inside the margins). */
  static final double PRINT_SCALE = 0.72;
  static final double PRINT_HEIGHT = 930;

  private final Evidence e;
  private final boolean print;
  private final StringBuilder out = new StringBuilder();

  private EvidenceHtml(Evidence evidence, boolean print) {
    this.e = evidence;
    this.print = print;
  }

  /** The document for the PDF: the diagram cut into slices, one wide page each. */
  public static String forPrint(Evidence evidence) {
    return new EvidenceHtml(evidence, true).document("");
  }

  /** The document for the browser, {@code header} (XHTML) above the pack. */
  public static String forScreen(Evidence evidence, String header) {
    return new EvidenceHtml(evidence, false).document(header);
  }

  private String document(String header) {
    Evidence.Run run = e.run();
    String title = "Evidence pack: " + run.processName() + (run.businessKey() == null ? "" : " — " + run.businessKey());
    out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">")
        .append("<head><meta charset=\"UTF-8\"/><title>").append(escape(title)).append("</title><style>")
        .append(STYLE).append(print ? PRINT_STYLE : SCREEN_STYLE).append("</style></head><body>").append(header);
    out.append("<h1>").append(escape(title)).append("</h1>");
    summary(run);
    problems();
    approvals();
    fourEyes();
    backups();
    verifications();
    rollback();
    timeline();
    forecast();
    diagram();
    plan();
    out.append("</body></html>");
    return out.toString();
  }

  private void summary(Evidence.Run run) {
    out.append("<table class=\"facts\">");
    fact("Outcome", "<span class=\"outcome " + run.outcome().name().toLowerCase() + "\">" + escape(run.outcome().label)
        + "</span> — " + escape(run.outcomeText()));
    fact("Change ticket", escape(run.businessKey()));
    fact("Process", escape(run.processName() + " (" + run.processKey() + ", version " + run.version() + ", deployment "
        + run.deploymentId() + ")"));
    fact("Instance", escape(run.id()));
    fact("Started", escape(time(run.started()) + " by " + (run.startedBy() == null ? "(not recorded)" : run.startedBy())));
    fact("Ended", escape(run.ended() == null ? "still running" : time(run.ended()) + ", after " + duration(run.duration())));
    for (Map.Entry<String, String> field : run.startForm().entrySet()) {
      fact("Start form: " + field.getKey(), escape(field.getValue()));
    }
    fact("Generated", escape(time(e.generatedAt()) + " from the engine's history"));
    out.append("</table>");
  }

  private void fact(String name, String valueHtml) {
    out.append("<tr><th>").append(escape(name)).append("</th><td>").append(valueHtml).append("</td></tr>");
  }

  private void problems() {
    out.append("<h2>Problems first</h2>");
    if (e.problems().isEmpty()) {
      out.append("<p class=\"ok\">No incident, no rollback, every declared four-eyes rule held.</p>");
      return;
    }
    out.append("<ul class=\"problems\">");
    e.problems().forEach(p -> out.append("<li>").append(escape(p)).append("</li>"));
    out.append("</ul>");
  }

  private void approvals() {
    out.append("<h2>Approvals and confirmations</h2>");
    if (e.approvals().isEmpty()) {
      out.append("<p>No user task was completed.</p>");
      return;
    }
    out.append("<table><tr><th>Step</th><th>Group</th><th>By</th><th>When</th><th>Answer</th><th>Comment</th></tr>");
    for (Evidence.Approval a : e.approvals()) {
      out.append("<tr><td>").append(escape(a.step())).append("</td><td>").append(escape(a.candidateGroups()))
          .append("</td><td>").append(escape(a.user() == null ? "(not recorded)" : a.user())).append("</td><td>")
          .append(escape(time(a.completed()))).append("</td><td>");
      if (a.decision() != null) {
        out.append("<b>").append(escape(a.decision())).append("</b><br/>");
      }
      values(a.answers(), 300);
      out.append("</td><td>").append(escape(String.join("\n", a.comments()))).append("</td></tr>");
    }
    out.append("</table>");
  }

  private void fourEyes() {
    Evidence.FourEyes f = e.fourEyes();
    out.append("<h2>Four-eyes evidence</h2><p>Started by <b>")
        .append(escape(f.starter() == null ? "(not recorded)" : f.starter())).append("</b>. People who took part: ")
        .append(escape(String.join(", ", f.people()))).append(".</p>");
    out.append("<table><tr><th>Step</th><th>By</th><th>Also started the upgrade</th><th>Also answered</th></tr>");
    for (Evidence.Approval a : e.approvals()) {
      List<String> others = e.approvals().stream().filter(o -> o != a && a.user() != null && a.user().equals(o.user()))
          .map(Evidence.Approval::step).distinct().toList();
      out.append("<tr><td>").append(escape(a.step())).append("</td><td>").append(escape(a.user())).append("</td><td>")
          .append(a.user() != null && a.user().equals(f.starter()) ? "yes" : "no").append("</td><td>")
          .append(escape(String.join(", ", others))).append("</td></tr>");
    }
    out.append("</table>");
    if (f.checks().isEmpty()) {
      out.append("<p>No gate of this process declares a four-eyes rule (notStarter, distinctFrom, approvers).</p>");
      return;
    }
    out.append("<table><tr><th>Gate</th><th>Declared rule</th><th>Held</th><th>Detail</th></tr>");
    for (Evidence.Check c : f.checks()) {
      out.append("<tr class=\"").append(c.held() ? "held" : "broken").append("\"><td>").append(escape(c.gate()))
          .append("</td><td>").append(escape(c.rule())).append("</td><td>").append(c.held() ? "yes" : "NO")
          .append("</td><td>").append(escape(c.detail())).append("</td></tr>");
    }
    out.append("</table>");
  }

  private void backups() {
    out.append("<h2>Backups and restore points</h2>");
    if (e.checksums().isEmpty() && e.backups().isEmpty()) {
      out.append("<p>No backup was taken in this run.</p>");
      return;
    }
    if (!e.checksums().isEmpty()) {
      out.append("<table><tr><th>Step</th><th>What</th><th>Size</th><th>SHA-256</th></tr>");
      for (Evidence.Checksum c : e.checksums()) {
        out.append("<tr><td>").append(escape(c.step())).append("</td><td>").append(escape(c.item())).append("</td><td>")
            .append(escape(c.size() == null ? "" : c.size())).append("</td><td class=\"hash\">").append(escape(c.sha256()))
            .append("</td></tr>");
      }
      out.append("</table>");
    }
    stepOutputs(e.backups());
  }

  private void verifications() {
    out.append("<h2>Verification results</h2>");
    if (e.verifications().isEmpty()) {
      out.append("<p>No verification step ran in this run.</p>");
      return;
    }
    stepOutputs(e.verifications());
  }

  private void stepOutputs(List<Evidence.Step> steps) {
    for (Evidence.Step s : steps) {
      out.append("<h3>").append(escape(s.name())).append("</h3><p class=\"meta\">").append(escape(s.topic())).append(", ")
          .append(escape(s.ending())).append(s.ended() == null ? "" : " at " + escape(time(s.ended()))).append("</p>");
      if (s.outputs().isEmpty()) {
        out.append("<p class=\"meta\">(recorded nothing)</p>");
      }
      for (Evidence.Value v : s.outputs()) {
        out.append("<p class=\"var\">").append(escape(v.name())).append("</p><pre>").append(escape(v.text())).append("</pre>");
      }
    }
  }

  private void rollback() {
    Evidence.Rollback r = e.rollback();
    if (r == null) {
      return;
    }
    out.append("<h2>Rollback, in the order it ran</h2><p>Started ").append(escape(time(r.started())));
    if (r.cause() != null) {
      out.append(" because of <b>").append(escape(r.cause())).append("</b>");
    }
    if (r.message() != null) {
      out.append(": ").append(escape(r.message()));
    }
    if (r.failedStep() != null) {
      out.append(" (failed step: ").append(escape(r.failedStep())).append(")");
    }
    out.append(".</p>");
    if (r.steps().isEmpty()) {
      out.append("<p>Nothing had to be undone.</p>");
      return;
    }
    out.append("<table><tr><th>#</th><th>Undo step</th><th>Started</th><th>Ended</th><th>Duration</th><th>Result</th></tr>");
    int i = 1;
    for (Evidence.Step s : r.steps()) {
      out.append("<tr><td>").append(i++).append("</td><td>").append(escape(s.name())).append("</td><td>")
          .append(escape(time(s.started()))).append("</td><td>").append(escape(time(s.ended()))).append("</td><td>")
          .append(escape(duration(s.duration()))).append("</td><td>").append(escape(s.ending()));
      values(s.outputs(), 600);
      out.append("</td></tr>");
    }
    out.append("</table>");
  }

  private void timeline() {
    out.append("<h2>Timeline of every step</h2><table class=\"timeline\"><tr><th>Step</th><th>Kind</th><th>Started</th>")
        .append("<th>Ended</th><th>Duration</th><th>Attempts</th><th>By</th><th>Result, incidents, outputs</th></tr>");
    for (Evidence.Step s : e.timeline()) {
      out.append("<tr class=\"").append(s.kind()).append("\"><td>").append(escape(s.name())).append("</td><td>")
          .append(escape(s.kind() + (s.topic() == null || "java".equals(s.topic()) ? "" : " " + s.topic())))
          .append("</td><td>").append(escape(time(s.started()))).append("</td><td>").append(escape(time(s.ended())))
          .append("</td><td>").append(escape(duration(s.duration()))).append("</td><td>")
          .append(s.attempts() == 0 ? "" : String.valueOf(s.attempts())).append("</td><td>").append(escape(s.by()))
          .append("</td><td>").append(escape(s.ending()));
      for (Evidence.Incident i : s.incidents()) {
        out.append("<div class=\"incident\">Incident ").append(escape(time(i.created()))).append(": ")
            .append(escape(i.message())).append(" — ").append(escape(i.resolution())).append("</div>");
      }
      if (!"manual".equals(s.kind())) {
        values(s.outputs(), 400);
      }
      out.append("</td></tr>");
    }
    out.append("</table>");
  }

  private void forecast() {
    Evidence.Forecast f = e.forecast();
    out.append("<h2>Window forecast and actual durations</h2><p>Forecast per step: the rehearsal's measurement where a ")
        .append("rehearsal measured the step").append(f.rehearsalSource() == null ? "" : " (" + escape(f.rehearsalSource()) + ")")
        .append(", otherwise the same step in the most recent earlier run of this process (pilot). Steps with a forecast: ")
        .append("forecast <b>").append(escape(duration(f.forecastTotal()))).append("</b>, actual <b>")
        .append(escape(duration(f.actualTotal()))).append("</b>.</p>");
    out.append("<table><tr><th>Step</th><th>Rehearsal</th><th>Pilot</th><th>Actual</th><th>Difference</th></tr>");
    for (Evidence.ForecastRow r : f.rows()) {
      Duration expected = r.rehearsal() != null ? r.rehearsal() : r.pilot();
      out.append("<tr><td>").append(escape(r.step())).append("</td><td>").append(escape(duration(r.rehearsal())))
          .append("</td><td>").append(escape(duration(r.pilot())))
          .append(r.pilotSource() == null ? "" : "<div class=\"meta\">" + escape(r.pilotSource()) + "</div>")
          .append("</td><td>").append(escape(duration(r.actual()))).append("</td><td>")
          .append(expected == null ? "" : escape(signed(r.actual().minus(expected)))).append("</td></tr>");
    }
    out.append("</table>");
  }

  private static String signed(Duration d) {
    return (d.isNegative() ? "−" : "+") + duration(d.abs());
  }

  private void diagram() {
    DiagramSvg.Drawing d = e.diagram();
    String legend = "<p class=\"legend\"><span class=\"passed\">passed</span> <span class=\"active\">running</span> "
        + "<span class=\"undone\">undone by the rollback</span> <span class=\"incident\">incident or stopped</span> "
        + "Bold green arrows: the path taken.</p>";
    if (!print) {
      out.append("<h2>The path taken</h2>").append(legend).append("<div class=\"diagram\">").append(d.svg(1)).append("</div>");
      return;
    }
    int tiles = (int) Math.ceil(d.width() / PRINT_TILE);
    double width = d.width() / tiles;
    double scale = Math.min(PRINT_SCALE, PRINT_HEIGHT / d.height());
    for (int i = 0; i < tiles; i++) {
      out.append("<div class=\"wide\"><h2>The path taken").append(tiles > 1 ? " (part " + (i + 1) + " of " + tiles + ")" : "")
          .append("</h2>").append(legend).append(d.tile(d.x() + i * width, width, scale)).append("</div>");
    }
  }

  private void plan() {
    Evidence.PlanUsed p = e.plan();
    out.append("<h2>The plan used</h2>");
    if (p == null) {
      out.append("<p>This process has no plan.</p>");
      return;
    }
    out.append("<p><b>").append(escape(p.resource())).append("</b> of deployment ").append(escape(p.deploymentId()));
    if (p.sha256() != null) {
      out.append(", SHA-256 <span class=\"hash\">").append(escape(p.sha256())).append("</span>");
    }
    out.append(".</p>");
    if (p.used() != null) {
      out.append("<h3>As checked and used by the steps (start-form overrides applied)</h3><p class=\"value\">")
          .append(escape(p.used())).append("</p>");
    }
    if (p.deployedText() != null) {
      out.append("<h3>As deployed</h3><pre>").append(escape(p.deployedText())).append("</pre>");
    }
  }

  private void values(List<Evidence.Value> values, int limit) {
    for (Evidence.Value v : values) {
      String text = v.text().length() <= limit ? v.text() : v.text().substring(0, limit) + " ...";
      out.append("<div class=\"value\"><span class=\"var\">").append(escape(v.name())).append("</span> ")
          .append(escape(text)).append("</div>");
    }
  }

  static final String STYLE = """
      body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; font-size: 9pt; color: #111; }
      h1 { font-size: 17pt; margin: 0 0 8pt 0; }
      h2 { font-size: 13pt; margin: 16pt 0 6pt 0; border-bottom: 1px solid #999; }
      h3 { font-size: 10.5pt; margin: 10pt 0 2pt 0; }
      table { border-collapse: collapse; width: 100%; margin: 4pt 0; }
      th, td { border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top; }
      th { background: #eee; }
      table.facts th { width: 28%; }
      pre { white-space: pre-wrap; word-wrap: break-word; font-family: 'DejaVu Sans Mono', monospace; font-size: 8pt; background: #f6f6f6; padding: 4pt; margin: 2pt 0; }
      .hash, .value { font-family: 'DejaVu Sans Mono', monospace; font-size: 7.5pt; word-wrap: break-word; }
      .value { white-space: pre-wrap; margin-top: 2pt; }
      .var { font-weight: bold; }
      .meta { color: #555; font-size: 8.5pt; margin: 0; }
      .problems li { color: #b71c1c; margin-bottom: 2pt; }
      .ok { color: #2e7d32; }
      .incident { color: #b71c1c; font-size: 8.5pt; }
      tr.broken td { color: #b71c1c; font-weight: bold; }
      tr.undo td { background: #fff4e5; }
      .outcome { font-weight: bold; padding: 0 3pt; }
      .outcome.completed { color: #2e7d32; } .outcome.rolled_back { color: #e65100; }
      .outcome.cancelled { color: #b71c1c; } .outcome.running { color: #1565c0; }
      .legend span { padding: 1pt 4pt; border: 1px solid #999; font-size: 8.5pt; }
      .legend .passed { background: #e3f4e1; } .legend .active { background: #e3efff; }
      .legend .undone { background: #fff0d9; } .legend .incident { background: #fde2e1; }
      """;

  static final String PRINT_STYLE = """
      @page { size: A4; margin: 14mm 12mm 16mm 12mm;
        @bottom-left { content: "Evidence pack, generated from the engine's history"; font-size: 7.5pt; color: #666; }
        @bottom-right { content: "page " counter(page) " of " counter(pages); font-size: 7.5pt; color: #666; } }
      @page wide { size: A3 landscape; margin: 12mm; }
      .wide { page: wide; page-break-before: always; }
      table.timeline { font-size: 8pt; }
      tr { page-break-inside: avoid; }
      """;

  static final String SCREEN_STYLE = """
      body { margin: 0 24px 40px 24px; max-width: 1400px; }
      .diagram { overflow: auto; border: 1px solid #ccc; max-height: 900px; }
      nav { background: #2f3c4f; color: #fff; padding: 8px 24px; margin: 0 -24px 16px -24px; }
      nav a { color: #fff; margin-right: 18px; }
      """;
}
