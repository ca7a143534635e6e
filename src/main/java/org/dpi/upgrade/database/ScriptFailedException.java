package org.dpi.upgrade.database;

import java.util.List;

/** A script of upgrade.csv failed; the chain stopped there. The message names file, line and error. */
public class ScriptFailedException extends IllegalStateException {

  private final transient List<UpgradeCsvRunner.RowResult> results;

  public ScriptFailedException(UpgradeCsvRunner.RowResult failed, List<UpgradeCsvRunner.RowResult> results) {
    super("upgrade.csv line " + failed.row().line() + " (" + failed.row().key() + ") failed: " + failed.error()
        + "\nRows applied in this run before it: " + results.stream().filter(r -> r.outcome().equals("applied")).count()
        + ". Fix the script or the database and retry (applied rows are skipped), or roll back (the applied rows are undone in reverse)."
        + "\nLast output of psql:\n" + failed.outputTail());
    this.results = List.copyOf(results);
  }

  public List<UpgradeCsvRunner.RowResult> results() {
    return results;
  }
}
