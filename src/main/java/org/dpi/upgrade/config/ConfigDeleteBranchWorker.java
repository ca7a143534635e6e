package org.dpi.upgrade.config;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.springframework.stereotype.Component;

/** Topic {@code config.delete-branch}, the undo of {@code config.migrate}: deletes the migration branch only. */
@Component
@ConditionalOnWorkers("config")
@ExternalTaskSubscription("config.delete-branch")
public class ConfigDeleteBranchWorker extends StepWorker {

  private final ConfigMigration migration;

  public ConfigDeleteBranchWorker(ConfigMigration migration) {
    this.migration = migration;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    return migration.deleteBranch(ConfigPlan.parse(task.getVariable("config")));
  }
}
