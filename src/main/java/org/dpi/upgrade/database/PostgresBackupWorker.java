package org.dpi.upgrade.database;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.springframework.stereotype.Component;

/** {@code postgres.backup}: Dumps every database of the plan; sets the evidence the schema-upgrade DBA gate shows. */
@Component
@ConditionalOnWorkers("database")
@ExternalTaskSubscription("postgres.backup")
public class PostgresBackupWorker extends DatabaseWorker {

  public PostgresBackupWorker(DatabaseSteps steps, DatabaseSettings settings) {
    super(steps, settings);
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    return Map.of("backupEvidence", fit(steps.backup(plan(task), server(task)), "backup-evidence.txt"));
  }
}
