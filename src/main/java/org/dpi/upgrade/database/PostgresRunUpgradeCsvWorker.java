package org.dpi.upgrade.database;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.springframework.stereotype.Component;

/** {@code postgres.run-upgrade-csv}: Runs the upgrade.csv chain; a failing script becomes an incident naming file, line and psql error. */
@Component
@ConditionalOnWorkers("database")
@ExternalTaskSubscription("postgres.run-upgrade-csv")
public class PostgresRunUpgradeCsvWorker extends DatabaseWorker {

  public PostgresRunUpgradeCsvWorker(DatabaseSteps steps, DatabaseSettings settings) {
    super(steps, settings);
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    return Map.of("schemaUpgradeReport", fit(steps.runUpgradeCsv(plan(task), server(task), window(task)),
        ReportFiles.link(task.getProcessInstanceId(), "schema-upgrade")));
  }

  /** Rows applied before the failure are rolled back (journal-based; nothing applied, nothing done). */
  @Override
  protected void undoApplied(ExternalTask task) throws Exception {
    steps.rollbackUpgradeCsv(plan(task), server(task), window(task));
  }
}
