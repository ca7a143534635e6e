package org.dpi.upgrade.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.dpi.upgrade.process.Refusal;

/**
 * Execution listener (event {@code end}) of the adjudication review: the task completes only when every
 * row of the review that {@code config.migrate} recorded has a decision in the server-side store,
 * whatever client completes it. A refusal is one sentence ({@link Refusal}): a
 * {@code BadUserRequestException}, which the engine does not wrap for execution listeners, answered over
 * REST as 400 with the sentence alone, which Tasklist shows. A cancelled task (rollback, deletion) goes.
 */
public class AdjudicationGuard implements ExecutionListener {

  static final String MIGRATION = "configMigration";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public void notify(DelegateExecution execution) {
    if (execution.isCanceled()) {
      return;
    }
    String user = execution.getProcessEngineServices().getIdentityService().getCurrentAuthentication() == null ? null
        : execution.getProcessEngineServices().getIdentityService().getCurrentAuthentication().getUserId();
    Object migration = execution.getVariable(MIGRATION);
    if (migration == null) {
      throw Refusal.invalid(user, "No config migration is recorded for this upgrade: the step 'Migrate the config"
          + " properties' must complete before the review.");
    }
    try {
      Path dir = Path.of(JSON.readTree(migration.toString()).path("work").asText());
      Adjudication adjudication = ConfigMigration.recorded(dir);
      int decided = adjudication.decidedCount(new DecisionStore(dir).load());
      int total = adjudication.rows.size();
      if (decided < total) {
        throw Refusal.invalid(user, decided + " of " + total + " rows are decided: decide the other "
            + (total - decided) + " on the adjudication page, then complete the task.");
      }
    } catch (IllegalStateException e) {
      throw Refusal.invalid(user, e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the recorded config migration", e);
    }
  }
}
