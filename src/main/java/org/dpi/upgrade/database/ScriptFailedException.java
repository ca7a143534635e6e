package org.dpi.upgrade.database;

import java.util.List;

/**
 * A script of upgrade.csv failed; the chain stopped there. The message starts with what the
 * operator decides, then names the CSV row, the script line and psql's error, then what the
 * failed script left in the database.
 */
public class ScriptFailedException extends IllegalStateException {

  private final transient UpgradeCsvRunner.RowResult failed;
  private final transient List<UpgradeCsvRunner.RowResult> results;

  public ScriptFailedException(UpgradeCsvRunner.RowResult failed, List<UpgradeCsvRunner.RowResult> results) {
    this(failed, results, "");
  }

  private ScriptFailedException(UpgradeCsvRunner.RowResult failed, List<UpgradeCsvRunner.RowResult> results, String where) {
    super("Decide: fix the script or the database and retry this step (the " + results.stream().filter(r -> r.outcome().equals("applied")).count()
        + " row(s) applied in this run are skipped), or abandon the step (variable rollbackRequested = true, then retry) to roll back."
        + "\nFailed: " + failed.describe()
        + "\nLeft in the database by the failed script: " + (failed.effects().isEmpty() ? "nothing" : failed.effects().size()
        + " change(s):\n" + Report.list(failed.effects(), 3)) + where);
    this.failed = failed;
    this.results = List.copyOf(results);
  }

  /** The same failure, saying where its full report is. */
  ScriptFailedException withReport(String report) {
    return new ScriptFailedException(failed, results, "\nFull report: " + report);
  }

  public UpgradeCsvRunner.RowResult failed() {
    return failed;
  }

  public List<UpgradeCsvRunner.RowResult> results() {
    return results;
  }
}
