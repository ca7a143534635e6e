package org.dpi.upgrade.helm;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.kubernetes.TaskVariables;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.springframework.stereotype.Component;

/**
 * {@code helm.rerun-keycloak-init}: inputs {@code release} (plan helm.keycloakInit) and {@code version}
 * (the new one forward, the old one as compensation); output {@code keycloakInit}.
 */
@Component
@ConditionalOnWorkers("helm")
@ExternalTaskSubscription("helm.rerun-keycloak-init")
public class HelmRerunKeycloakInitWorker extends StepWorker {

  private final HelmReleases releases;

  public HelmRerunKeycloakInitWorker(HelmReleases releases) {
    this.releases = releases;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    String version = TaskVariables.json(task, "version").asText(null);
    return Map.of("keycloakInit", releases.rerunKeycloakInit(HelmTasks.release(task), version, HelmTasks.records(task),
        task.getProcessInstanceId()));
  }
}
