package org.dpi.upgrade.database;

import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.StepWorker;

/**
 * Base of the PostgreSQL workers: reads the plan's {@code postgres} input, the change the step acts
 * for ({@link DatabaseSteps.Window}: business key = change ticket, process instance, variable
 * {@value #RESTORE_POINT}) and picks the server MOSIP is on (process variable
 * {@code postgresServer}, set by the major move: {@code new} after it).
 */
abstract class DatabaseWorker extends StepWorker {

  /** Camunda stores at most 4000 characters of a String variable. */
  static final int VARIABLE_LIMIT = 3500;
  /** Process variable: the id of the instance's restore point ({@code <ticket>/attempt-<n>}). */
  static final String RESTORE_POINT = "restorePoint";

  final DatabaseSteps steps;
  final DatabaseSettings settings;

  DatabaseWorker(DatabaseSteps steps, DatabaseSettings settings) {
    super(300_000);
    this.steps = steps;
    this.settings = settings;
  }

  PostgresPlan plan(ExternalTask task) {
    return PostgresPlan.of(task.getVariable("postgres"));
  }

  DatabaseSteps.Window window(ExternalTask task) {
    Object restorePoint = task.getVariable(RESTORE_POINT);
    return new DatabaseSteps.Window(task.getBusinessKey(), task.getProcessInstanceId(), restorePoint == null ? null : restorePoint.toString());
  }

  Server server(ExternalTask task) {
    return "new".equals(task.getVariable(MajorUpgradeService.SERVER_VARIABLE)) ? settings.requireNewServer() : settings.server();
  }

  /** The text, cut to what a variable holds, followed by the link of the complete report. */
  static String fit(String text, String link) {
    String tail = link == null ? "" : "\nComplete report: " + link;
    if (text.length() + tail.length() <= VARIABLE_LIMIT) {
      return text + tail;
    }
    return text.substring(0, VARIABLE_LIMIT - tail.length() - 40) + "\n... (cut here; the rest is in the complete report)" + tail;
  }
}
