package org.dpi.upgrade.helm;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.kubernetes.TaskVariables;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.springframework.stereotype.Component;

/**
 * {@code helm.reinstall}: compensation of helm.uninstall (input {@code uninstall}) and of a
 * helm.uninstall-release (input {@code release}); output {@code reinstalled}.
 */
@Component
@ConditionalOnWorkers("helm")
@ExternalTaskSubscription("helm.reinstall")
public class HelmReinstallWorker extends StepWorker {

  private final HelmReleases releases;

  public HelmReinstallWorker(HelmReleases releases) {
    this.releases = releases;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    ReleaseSpec release = TaskVariables.json(task, "release").isObject() ? HelmTasks.release(task) : null;
    return Map.of("reinstalled", String.join("\n", releases.reinstall(release, HelmTasks.records(task), task.getProcessInstanceId())));
  }
}
