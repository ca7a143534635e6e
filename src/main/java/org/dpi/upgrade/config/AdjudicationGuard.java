package org.dpi.upgrade.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;

/**
 * Task listener (event {@code complete}) of the adjudication review: the task completes only when
 * {@value #DECISIONS} gives a valid decision for every row that {@code config.migrate} recorded,
 * whatever client submitted it. The rows are read from the run's directory named in the
 * {@code configMigration} variable, not from the form.
 */
public class AdjudicationGuard implements TaskListener {

  static final String DECISIONS = "adjudicationDecisions";
  static final String MIGRATION = "configMigration";

  @Override
  public void notify(DelegateTask task) {
    Object migration = task.getVariable(MIGRATION);
    if (migration == null) {
      throw new ProcessEngineException("'" + task.getName() + "' cannot be completed: no config migration is recorded"
          + " (variable " + MIGRATION + "); config.migrate must complete first");
    }
    try {
      JsonNode recorded = new ObjectMapper().readTree(migration.toString());
      Object decisions = task.getVariable(DECISIONS);
      ConfigMigration.recorded(Path.of(recorded.path("work").asText())).decide(decisions == null ? null : decisions.toString());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ProcessEngineException("'" + task.getName() + "' cannot be completed yet: " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the recorded config migration", e);
    }
  }
}
