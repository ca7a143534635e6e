package org.dpi.upgrade.helm;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.kubernetes.TaskVariables;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.springframework.stereotype.Component;

/**
 * {@code helm.deploy-plan}: inputs {@code deploy}, {@code skip}; progress variables {@code deployProgress}
 * ("module i of n") and {@code deployRelease}; output {@code deployedReleases}.
 */
@Component
@ConditionalOnWorkers("helm")
@ExternalTaskSubscription("helm.deploy-plan")
public class HelmDeployPlanWorker extends StepWorker {

  private final HelmDeployer deployer;

  public HelmDeployPlanWorker(HelmDeployer deployer) {
    this.deployer = deployer;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    DeploySpec spec = TaskVariables.json(task, "deploy", DeploySpec.class);
    var deployed = deployer.deploy(spec, TaskVariables.strings(task, "skip"), HelmTasks.records(task),
        task.getProcessInstanceId(), step -> progress.report(step.variables()));
    return Map.of("deployedReleases", String.join(",", deployed));
  }

  /** Modules deployed before the failure get their recorded older chart back, in reverse order. */
  @Override
  protected void undoApplied(ExternalTask task) throws Exception {
    deployer.revert(HelmTasks.records(task), task.getProcessInstanceId());
  }
}
