package org.dpi.upgrade.database;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The rehearsal's result. {@code copyDifferences}: per database, how its scratch copy differed
 * from the original before the chain ran (the self-check; empty when every copy is faithful).
 */
public record Rehearsal(String scratch, List<String> databases, Map<String, List<Difference>> copyDifferences,
                        UpgradeCsvRunner.Run forward, UpgradeCsvRunner.Rollback back, Duration elapsed) {

  public List<UpgradeCsvRunner.RowResult> failedRows() {
    List<UpgradeCsvRunner.RowResult> failed = new ArrayList<>();
    forward.rows().stream().filter(r -> r.outcome().equals("failed")).forEach(failed::add);
    back.rows().stream().filter(r -> r.outcome().equals("failed")).forEach(failed::add);
    return failed;
  }

  /** Per database whose rollback lost objects or rows: what it lost. */
  public Map<String, List<Difference>> losses() {
    Map<String, List<Difference>> losses = new LinkedHashMap<>();
    back.differences().forEach((db, differences) -> {
      List<Difference> lost = Difference.losses(differences);
      if (!lost.isEmpty()) {
        losses.put(db, lost);
      }
    });
    return losses;
  }

  public boolean passed() {
    return copyDifferences.isEmpty() && failedRows().isEmpty() && back.differences().isEmpty();
  }

  /** The verdict line. */
  public String verdict() {
    if (passed()) {
      return "REHEARSAL PASSED: every row applied and rolled back, every database back to its snapshot";
    }
    List<String> what = new ArrayList<>();
    if (!copyDifferences.isEmpty()) {
      what.add(copyDifferences.size() + " scratch cop(ies) not faithful");
    }
    what.add(failedRows().size() + " failed row(s)");
    what.add(losses().size() + " lossy rollback(s)");
    what.add(back.differences().size() + " database(s) not back to their snapshot");
    return "REHEARSAL FAILED: " + String.join(", ", what);
  }

  /** Verdict, failed rows with their partial effects, lossy rollbacks, the times of both runs; what a DBA gate shows. */
  public String failures() {
    return failures(20);
  }

  /**
   * The same with at most {@code details} partial effects or losses listed per failed row or
   * database (the complete report has them all): every failed row and every lossy rollback is named.
   */
  public String failures(int details) {
    StringBuilder text = new StringBuilder(verdict()).append(" (scratch server ").append(scratch).append(", ")
        .append(elapsed.toSeconds()).append(" s)\n");
    if (copyDifferences.isEmpty()) {
      text.append("Self-check: before the chain ran, each of the ").append(databases.size()).append(" scratch copies had zero differences "
          + "from its original (database settings, owner, privileges, comments, extensions, objects, rows, sequences).\n");
    } else {
      text.append("Self-check FAILED: these scratch copies differ from their originals, so the results below may be wrong:\n")
          .append(Report.perDatabase(copyDifferences, 10)).append('\n');
    }
    List<UpgradeCsvRunner.RowResult> failed = failedRows();
    if (!failed.isEmpty()) {
      text.append("\nFailed rows (").append(failed.size()).append("):\n");
      for (UpgradeCsvRunner.RowResult r : failed) {
        text.append("- ").append(r.describe()).append('\n');
        if (!r.effects().isEmpty()) {
          text.append("  partial effects (left by the failed script").append(r.effectsNote() == null ? "" : "; " + r.effectsNote())
              .append("):\n").append(indent(Report.list(r.effects(), details))).append('\n');
        } else if (r.action().equals(Journal.UPGRADE)) {
          text.append("  partial effects: none\n");
        }
      }
    }
    Map<String, List<Difference>> losses = losses();
    if (!losses.isEmpty()) {
      text.append("\nLossy rollbacks (").append(losses.size()).append("):\n");
      losses.forEach((db, lost) -> {
        List<String> lostKeys = lost.stream().map(Difference::key).toList();
        String by = back.rows().stream().filter(r -> r.row().database().equals(db)
                && r.effects().stream().anyMatch(d -> d.kind() == Difference.Kind.MISSING && lostKeys.contains(d.key())))
            .map(r -> r.row().key() + " (" + r.script() + ", " + UpgradeCsv.row(r.row().line()) + ")").collect(Collectors.joining(", "));
        text.append("- ").append(db).append(": the rollback lost ").append(lost.size()).append(" object(s) or row set(s)")
            .append(by.isEmpty() ? "" : ", dropped by the rollback of " + by).append(":\n").append(indent(Report.list(lost, details))).append('\n');
      });
    }
    text.append("\nUpgrade: ").append(UpgradeCsvRunner.summary(forward.rows())).append('\n')
        .append("Rollback: ").append(UpgradeCsvRunner.summary(back.rows())).append('\n');
    return text.toString();
  }

  /** The complete report: failures first, then every difference, then every row with its time. */
  public String report() {
    StringBuilder text = new StringBuilder(failures());
    if (!back.differences().isEmpty()) {
      text.append("\nDifferences after the rollback, per database:\n").append(Report.perDatabase(back.differences(), Integer.MAX_VALUE)).append('\n');
    }
    List<String> back = databases.stream().filter(db -> !this.back.differences().containsKey(db)).toList();
    text.append("\nBack to their snapshot: ").append(back.isEmpty() ? "none" : String.join(", ", back)).append("\n\n");
    forward.rows().forEach(r -> text.append(r).append('\n'));
    this.back.rows().forEach(r -> text.append(r).append('\n'));
    return text.toString();
  }

  private static String indent(String text) {
    return text.lines().map(l -> "  " + l).collect(Collectors.joining("\n"));
  }

  /** Measured durations per row for the window forecast. */
  String durationsCsv() {
    StringBuilder csv = new StringBuilder("db_name,from_version,to_version,action,outcome,millis\n");
    for (List<UpgradeCsvRunner.RowResult> rows : List.of(forward.rows(), back.rows())) {
      for (UpgradeCsvRunner.RowResult r : rows) {
        csv.append(String.join(",", r.row().database(), r.row().from(), r.row().to(), r.action(), r.outcome(),
            String.valueOf(r.duration().toMillis()))).append('\n');
      }
    }
    return csv.toString();
  }
}
