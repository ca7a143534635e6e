package org.dpi.upgrade.database;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.springframework.stereotype.Component;

/** {@code postgres.major-upgrade}: Moves the databases from PostgreSQL 15 to 16 by dump and restore, verified; MOSIP is then on the new server. */
@Component
@ConditionalOnWorkers("database")
@ExternalTaskSubscription("postgres.major-upgrade")
public class PostgresMajorUpgradeWorker extends DatabaseWorker {

  public PostgresMajorUpgradeWorker(DatabaseSteps steps, DatabaseSettings settings) {
    super(steps, settings);
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    return Map.of("majorUpgradeReport", fit(steps.majorUpgrade(plan(task), window(task)), null), MajorUpgradeService.SERVER_VARIABLE, "new");
  }
}
