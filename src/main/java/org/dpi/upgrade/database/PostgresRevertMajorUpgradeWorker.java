package org.dpi.upgrade.database;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.springframework.stereotype.Component;

/** {@code postgres.revert-major-upgrade}: Undo of the move: checks the untouched PostgreSQL 15 server against the facts of the move and points back to it. */
@Component
@ConditionalOnWorkers("database")
@ExternalTaskSubscription("postgres.revert-major-upgrade")
public class PostgresRevertMajorUpgradeWorker extends DatabaseWorker {

  public PostgresRevertMajorUpgradeWorker(DatabaseSteps steps, DatabaseSettings settings) {
    super(steps, settings);
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    return Map.of("majorUpgradeRevertReport", fit(steps.revertMajorUpgrade(plan(task), window(task)), null), MajorUpgradeService.SERVER_VARIABLE, "old");
  }
}
