package org.dpi.upgrade.database;

import java.util.ArrayList;
import java.util.List;

/** Findings of {@code verify.schema}: problems first, in a short summary for the process and in full in the report. */
public class SchemaCheck {

  private final List<String> problems = new ArrayList<>();
  private final List<String> findings = new ArrayList<>();
  private String link;

  void problem(String db, String text) {
    problems.add(db + ": " + text);
  }

  void ok(String db, String text) {
    findings.add("ok      " + db + ": " + text);
  }

  void link(String report) {
    link = report;
  }

  public List<String> problems() {
    return problems;
  }

  /** Every problem, then every finding that is fine. */
  String full() {
    List<String> all = new ArrayList<>();
    problems.forEach(p -> all.add("PROBLEM " + p));
    all.addAll(findings);
    return String.join("\n", all) + "\n";
  }

  /** At most ten problems (their first lines) and the link of the full report. */
  public String summary() {
    String head = problems.isEmpty() ? "Schema valid: every row of upgrade.csv in effect; each database as the journal recorded it after "
        + "the rows and as the rehearsal reached; no invalid index, unvalidated constraint or unrefreshed materialized view."
        : problems.size() + " problem(s):\n" + Report.list(problems.stream().map(p -> p.lines().findFirst().orElse(p)).toList(), 10);
    return head + "\nFull report: " + link;
  }
}
