package org.dpi.upgrade.helm;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.springframework.stereotype.Component;

/**
 * {@code helm.check-release}: input {@code release} = {release, namespace, chart, version, oldVersion};
 * outputs {@code releaseCheck} and {@code releaseRevision}. Changes nothing.
 */
@Component
@ConditionalOnWorkers("helm")
@ExternalTaskSubscription("helm.check-release")
public class HelmCheckReleaseWorker extends StepWorker {

  private final HelmReleases releases;

  public HelmCheckReleaseWorker(HelmReleases releases) {
    this.releases = releases;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) {
    HelmReleases.Checked checked = releases.checkRelease(HelmTasks.release(task));
    return Map.of("releaseCheck", checked.summary(), "releaseRevision", checked.revision());
  }
}
