package org.dpi.upgrade.helm;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.springframework.stereotype.Component;

/**
 * {@code helm.upgrade-release}: input {@code release} = {release, namespace, chart, version, oldVersion};
 * outputs {@code upgradedRelease}, {@code rollbackRevision} and {@code upgradedRevision}.
 */
@Component
@ConditionalOnWorkers("helm")
@ExternalTaskSubscription("helm.upgrade-release")
public class HelmUpgradeReleaseWorker extends StepWorker {

  private final HelmReleases releases;

  public HelmUpgradeReleaseWorker(HelmReleases releases) {
    this.releases = releases;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    HelmReleases.Upgraded upgraded = releases.upgradeRelease(HelmTasks.release(task), HelmTasks.records(task),
        task.getProcessInstanceId());
    return Map.of("upgradedRelease", upgraded.summary(), "rollbackRevision", upgraded.rollbackRevision(),
        "upgradedRevision", upgraded.revision());
  }
}
