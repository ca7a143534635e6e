package org.dpi.upgrade.helm;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.springframework.stereotype.Component;

/** {@code helm.rollback-release}: compensation of helm.upgrade-release (input {@code release}); output {@code rolledBackRelease}. */
@Component
@ConditionalOnWorkers("helm")
@ExternalTaskSubscription("helm.rollback-release")
public class HelmRollbackReleaseWorker extends StepWorker {

  private final HelmReleases releases;

  public HelmRollbackReleaseWorker(HelmReleases releases) {
    this.releases = releases;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    return Map.of("rolledBackRelease", releases.rollbackRelease(HelmTasks.release(task), HelmTasks.records(task),
        task.getProcessInstanceId()));
  }
}
