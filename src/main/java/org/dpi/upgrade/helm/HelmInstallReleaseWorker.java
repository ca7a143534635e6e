package org.dpi.upgrade.helm;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.springframework.stereotype.Component;

/** {@code helm.install-release}: input {@code release} = {release, namespace, chart, version}; output {@code installedRelease}. */
@Component
@ConditionalOnWorkers("helm")
@ExternalTaskSubscription("helm.install-release")
public class HelmInstallReleaseWorker extends StepWorker {

  private final HelmReleases releases;

  public HelmInstallReleaseWorker(HelmReleases releases) {
    this.releases = releases;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    ReleaseSpec spec = HelmTasks.release(task);
    return Map.of("installedRelease", releases.install(spec, spec.version()));
  }
}
