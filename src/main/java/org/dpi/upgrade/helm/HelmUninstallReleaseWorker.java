package org.dpi.upgrade.helm;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.springframework.stereotype.Component;

/**
 * {@code helm.uninstall-release}: input {@code release}; records the release (first time only) so that
 * helm.reinstall can bring it back; output {@code uninstalledRelease}.
 */
@Component
@ConditionalOnWorkers("helm")
@ExternalTaskSubscription("helm.uninstall-release")
public class HelmUninstallReleaseWorker extends StepWorker {

  private final HelmReleases releases;

  public HelmUninstallReleaseWorker(HelmReleases releases) {
    this.releases = releases;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    return Map.of("uninstalledRelease",
        releases.uninstallRelease(HelmTasks.release(task), HelmTasks.records(task), task.getProcessInstanceId()));
  }
}
