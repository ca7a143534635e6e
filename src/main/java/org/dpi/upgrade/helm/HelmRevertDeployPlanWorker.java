package org.dpi.upgrade.helm;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.springframework.stereotype.Component;

/** {@code helm.revert-deploy-plan}: compensation of helm.deploy-plan; output {@code revertedDeployment}. */
@Component
@ConditionalOnWorkers("helm")
@ExternalTaskSubscription("helm.revert-deploy-plan")
public class HelmRevertDeployPlanWorker extends StepWorker {

  private final HelmDeployer deployer;

  public HelmRevertDeployPlanWorker(HelmDeployer deployer) {
    this.deployer = deployer;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    return Map.of("revertedDeployment", String.join("\n", deployer.revert(HelmTasks.records(task), task.getProcessInstanceId())));
  }
}
