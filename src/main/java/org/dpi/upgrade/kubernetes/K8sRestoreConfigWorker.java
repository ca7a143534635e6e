package org.dpi.upgrade.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.springframework.stereotype.Component;

/**
 * {@code k8s.restore-config}: input {@code backup}, optional {@code objects} (ids {@code Kind/namespace/name};
 * absent or empty: everything). Checks the archive against {@code configBackup} when the process has it.
 * Output {@code restoredConfig}: the restored ids.
 */
@Component
@ConditionalOnWorkers("kubernetes")
@ExternalTaskSubscription("k8s.restore-config")
public class K8sRestoreConfigWorker extends StepWorker {

  private final ConfigBackup backups;

  public K8sRestoreConfigWorker(ConfigBackup backups) {
    this.backups = backups;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    BackupSpec spec = TaskVariables.json(task, "backup", BackupSpec.class);
    List<String> objects = TaskVariables.strings(task, "objects");
    JsonNode recorded = TaskVariables.json(task, "configBackup");
    String sha = recorded.hasNonNull("sha256") ? recorded.get("sha256").asText() : null;
    List<String> restored = backups.restore(spec, task.getProcessInstanceId(), sha, objects);
    return Map.of("restoredConfig", String.join(",", restored));
  }
}
