package org.dpi.upgrade.helm;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.kubernetes.TaskVariables;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.springframework.stereotype.Component;

/**
 * {@code helm.uninstall}: input {@code uninstall} = {namespaces}; outputs {@code uninstalledReleases} and
 * {@code namespacesWithoutRelease} (reported, not fatal).
 */
@Component
@ConditionalOnWorkers("helm")
@ExternalTaskSubscription("helm.uninstall")
public class HelmUninstallWorker extends StepWorker {

  private final HelmReleases releases;

  public HelmUninstallWorker(HelmReleases releases) {
    this.releases = releases;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    HelmReleases.Uninstalled done = releases.uninstallNamespaces(TaskVariables.strings(task, "uninstall", "namespaces"),
        HelmTasks.records(task), task.getProcessInstanceId());
    return Map.of("uninstalledReleases", String.join(",", done.releases()),
        "namespacesWithoutRelease", String.join(",", done.namespacesWithoutRelease()));
  }

  /** Releases removed before the failure are reinstalled from their records, in reverse order. */
  @Override
  protected void undoApplied(ExternalTask task) throws Exception {
    releases.reinstall(null, HelmTasks.records(task), task.getProcessInstanceId());
  }
}
