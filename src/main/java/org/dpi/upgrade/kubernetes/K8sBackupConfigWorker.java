package org.dpi.upgrade.kubernetes;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.springframework.stereotype.Component;

/** {@code k8s.backup-config}: input {@code backup} (plan kubernetes.backup); output {@code configBackup}. */
@Component
@ConditionalOnWorkers("kubernetes")
@ExternalTaskSubscription("k8s.backup-config")
public class K8sBackupConfigWorker extends StepWorker {

  private final ConfigBackup backups;

  public K8sBackupConfigWorker(ConfigBackup backups) {
    this.backups = backups;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    BackupSpec spec = TaskVariables.json(task, "backup", BackupSpec.class);
    ConfigBackup.Archive archive = backups.backup(spec, task.getProcessInstanceId());
    return Map.of("configBackup", TaskVariables.JSON.writeValueAsString(archive));
  }
}
