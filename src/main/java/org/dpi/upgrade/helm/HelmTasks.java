package org.dpi.upgrade.helm;

import com.fasterxml.jackson.databind.JsonNode;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.kubernetes.BackupSpec;
import org.dpi.upgrade.kubernetes.TaskVariables;

/** Inputs shared by the Helm workers. */
final class HelmTasks {

  private HelmTasks() {
  }

  /** Key and store of the release records: the plan's {@code kubernetes.backup} (process variable {@code plan}). */
  static BackupSpec records(ExternalTask task) throws Exception {
    JsonNode backup = TaskVariables.json(task, "plan").path("kubernetes").path("backup");
    if (backup.isMissingNode()) {
      throw new IllegalArgumentException("the process variable 'plan' has no kubernetes.backup section: the Helm steps "
          + "record releases with its encryptionKey and store");
    }
    return TaskVariables.JSON.treeToValue(backup, BackupSpec.class);
  }

  static ReleaseSpec release(ExternalTask task) {
    return TaskVariables.json(task, "release", ReleaseSpec.class);
  }
}
