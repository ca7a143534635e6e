package org.dpi.upgrade.database;

import java.time.Duration;
import java.util.List;

/** The rehearsal's result, as the DBA approval forms show it. */
public record Rehearsal(String scratch, List<String> sources, List<UpgradeCsvRunner.RowResult> forward,
                        UpgradeCsvRunner.Rollback back, Duration elapsed) {

  public boolean passed() {
    return forward.stream().allMatch(r -> r.error() == null) && back.rows().stream().allMatch(r -> r.error() == null)
        && back.differences().isEmpty();
  }

  /** The report for the approval forms. */
  public String report() {
    StringBuilder text = new StringBuilder(passed() ? "REHEARSAL PASSED" : "REHEARSAL FAILED")
        .append(" on the scratch server ").append(scratch).append(" in ").append(elapsed.toSeconds()).append(" s\n")
        .append("Upgrade: ").append(DatabaseSteps.summary(forward)).append('\n')
        .append("Rollback: ").append(DatabaseSteps.summary(back.rows())).append('\n');
    text.append("After the rollback:\n");
    for (String source : sources) {
      String db = source.substring(0, source.indexOf(' '));
      List<String> differences = back.differences().get(db);
      text.append(db).append(differences == null ? ": back to its snapshot" : ": NOT back to its snapshot:\n  - "
          + String.join("\n  - ", differences)).append('\n');
    }
    // failures first: a long report is cut at the end when it becomes a process variable
    List<UpgradeCsvRunner.RowResult> rows = new java.util.ArrayList<>(forward);
    rows.addAll(back.rows());
    rows.stream().filter(r -> r.error() != null).forEach(r -> text.append(r).append('\n'));
    rows.stream().filter(r -> r.error() == null).forEach(r -> text.append(r).append('\n'));
    text.append("Copied: ").append(String.join("; ", sources));
    return text.toString();
  }

  /** Measured durations per row for the window forecast. */
  String durationsCsv() {
    StringBuilder csv = new StringBuilder("db_name,from_version,to_version,action,outcome,millis\n");
    for (List<UpgradeCsvRunner.RowResult> rows : List.of(forward, back.rows())) {
      for (UpgradeCsvRunner.RowResult r : rows) {
        csv.append(String.join(",", r.row().database(), r.row().from(), r.row().to(), r.action(), r.outcome(),
            String.valueOf(r.duration().toMillis()))).append('\n');
      }
    }
    return csv.toString();
  }
}
