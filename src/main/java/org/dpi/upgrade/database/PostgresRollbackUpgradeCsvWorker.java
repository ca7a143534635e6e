package org.dpi.upgrade.database;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.springframework.stereotype.Component;

/** {@code postgres.rollback-upgrade-csv}: Undo of the schema upgrade: rollback scripts of the applied rows in reverse, then the snapshot comparison. */
@Component
@ConditionalOnWorkers("database")
@ExternalTaskSubscription("postgres.rollback-upgrade-csv")
public class PostgresRollbackUpgradeCsvWorker extends DatabaseWorker {

  public PostgresRollbackUpgradeCsvWorker(DatabaseSteps steps, DatabaseSettings settings) {
    super(steps, settings);
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    return Map.of("schemaRollbackReport", fit(steps.rollbackUpgradeCsv(plan(task), server(task), window(task)),
        ReportFiles.link(task.getProcessInstanceId(), "schema-rollback")));
  }
}
