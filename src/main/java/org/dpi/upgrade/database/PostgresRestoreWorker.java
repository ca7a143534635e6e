package org.dpi.upgrade.database;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.step.DecisionRequiredException;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.springframework.stereotype.Component;

/**
 * {@code postgres.restore}: Undo of the backup: verifies the restore point and restores each database that differs
 * from it; with the plan's ask-dba, BPMN error {@value #DECISION} takes the DBA to a decision, which comes back as
 * {@code databaseDecision} (restore, accept) and is applied here.
 */
@Component
@ConditionalOnWorkers("database")
@ExternalTaskSubscription("postgres.restore")
public class PostgresRestoreWorker extends DatabaseWorker {

  static final String DECISION = "DATABASE_DECISION";

  public PostgresRestoreWorker(DatabaseSteps steps, DatabaseSettings settings) {
    super(steps, settings);
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    Object decision = task.getVariable("databaseDecision");
    DatabaseSteps.RestoreOutcome outcome = steps.restore(plan(task), server(task), window(task), decision == null ? null : decision.toString());
    if (outcome.decisionNeeded()) {
      throw new DecisionRequiredException(DECISION, "Databases differ from the restore point after the rollback: the DBA decides",
          Map.of("databaseDecisionRequest", fit(outcome.decisionRequest(), outcome.reportLink()), "databaseReportLink", outcome.reportLink()));
    }
    return Map.of("postgresRestoreReport", fit(outcome.report(), outcome.reportLink()));
  }
}
