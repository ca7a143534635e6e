package org.dpi.upgrade.database;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.springframework.stereotype.Component;

/** {@code postgres.restore}: Undo of the backup: verifies the backups and restores each database that differs from its pre-upgrade snapshot. */
@Component
@ConditionalOnWorkers("database")
@ExternalTaskSubscription("postgres.restore")
public class PostgresRestoreWorker extends DatabaseWorker {

  public PostgresRestoreWorker(DatabaseSteps steps, DatabaseSettings settings) {
    super(steps, settings);
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    return Map.of("postgresRestoreReport", fit(steps.restore(plan(task), server(task)), "restore-report.txt"));
  }
}
