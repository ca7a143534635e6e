package org.dpi.upgrade.config;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.springframework.stereotype.Component;

/** Topic {@code config.migrate}: prop_migrator, findings, first commit on the migration branch. */
@Component
@ConditionalOnWorkers("config")
@ExternalTaskSubscription("config.migrate")
public class ConfigMigrateWorker extends StepWorker {

  private final ConfigMigration migration;

  public ConfigMigrateWorker(ConfigMigration migration) {
    this.migration = migration;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    return migration.migrate(ConfigPlan.parse(task.getVariable("config")), task.getProcessInstanceId());
  }
}
