package org.dpi.upgrade.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.StepWorker;

/**
 * Base of the PostgreSQL workers: reads the plan's {@code postgres} input and picks the server
 * MOSIP is on (process variable {@code postgresServer}, set by the major move: {@code new} after it).
 */
abstract class DatabaseWorker extends StepWorker {

  /** Camunda stores at most 4000 characters of a String variable. */
  static final int VARIABLE_LIMIT = 3500;

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

  Server server(ExternalTask task) {
    return "new".equals(task.getVariable(MajorUpgradeService.SERVER_VARIABLE)) ? settings.requireNewServer() : settings.server();
  }

  /** The text if it fits in a variable, else its beginning and the file where all of it is written. */
  String fit(String text, String fileName) throws IOException {
    Files.createDirectories(settings.reportDirectory());
    Path file = settings.reportDirectory().resolve(fileName);
    Files.writeString(file, text);
    if (text.length() <= VARIABLE_LIMIT) {
      return text;
    }
    return text.substring(0, VARIABLE_LIMIT - 200) + "\n... (cut; the full report is " + file.toAbsolutePath() + ")";
  }
}
