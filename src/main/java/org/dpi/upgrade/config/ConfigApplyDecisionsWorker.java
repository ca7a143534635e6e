package org.dpi.upgrade.config;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.springframework.stereotype.Component;

/** Topic {@code config.apply-decisions}: the review's decisions (kept on the server) as the second commit of the migration branch. */
@Component
@ConditionalOnWorkers("config")
@ExternalTaskSubscription("config.apply-decisions")
public class ConfigApplyDecisionsWorker extends StepWorker {

  private final ConfigMigration migration;

  public ConfigApplyDecisionsWorker(ConfigMigration migration) {
    this.migration = migration;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    return migration.applyDecisions(task.getProcessInstanceId());
  }
}
