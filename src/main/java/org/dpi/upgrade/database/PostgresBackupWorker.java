package org.dpi.upgrade.database;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.camunda.bpm.engine.RuntimeService;
import org.dpi.upgrade.step.DecisionRequiredException;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.springframework.stereotype.Component;

/**
 * {@code postgres.backup}: the pre-upgrade restore point of the change (new, or the last good one reused). When the
 * databases differ from it, no backup is taken: BPMN error {@value #DECISION} takes the DBA to a decision, which comes
 * back to this step as {@code restorePointDecision} (restore, new-restore-point, reject) and is applied here.
 */
@Component
@ConditionalOnWorkers("database")
@ExternalTaskSubscription("postgres.backup")
public class PostgresBackupWorker extends DatabaseWorker {

  static final String DECISION = "RESTORE_POINT_DECISION";

  private final RuntimeService runtime;

  public PostgresBackupWorker(DatabaseSteps steps, DatabaseSettings settings, RuntimeService runtime) {
    super(steps, settings);
    this.runtime = runtime;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    Object decision = task.getVariable("restorePointDecision");
    DatabaseSteps.BackupOutcome outcome = decision == null ? steps.backup(plan(task), server(task), window(task), this::running)
        : steps.applyRestorePointDecision(plan(task), server(task), window(task), decision.toString(), this::running);
    if (outcome.decisionNeeded()) {
      throw new DecisionRequiredException(DECISION, "The databases differ from the restore point of the change: the DBA decides",
          Map.of("restorePointDecisionRequest", fit(outcome.decisionRequest(), outcome.reportLink()), "restorePointReportLink", outcome.reportLink()));
    }
    return Map.of(RESTORE_POINT, outcome.restorePoint(), "backupEvidence", fit(outcome.evidence(), outcome.reportLink()));
  }

  /** Whether a process instance still runs (retention never deletes a restore point it references). */
  private boolean running(String processInstance) {
    return runtime.createProcessInstanceQuery().processInstanceId(processInstance).count() > 0;
  }
}
