package org.dpi.upgrade.objectstore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Topic {@code objectstore.migrate} (Task_PrecopyObjects, mode {@code pre-copy}; Task_MigrateObjects,
 * mode {@code delta}): runs {@link ObjectMigrator#migrate} with the plan's {@code objectstore} section,
 * publishing progress (with the estimated time left) every few seconds to the log and the process,
 * and the summary on completion. Objects that could not be copied become one incident listing them.
 */
@Component
@ConditionalOnWorkers("objectstore")
@ExternalTaskSubscription("objectstore.migrate")
public class ObjectstoreMigrateWorker extends StepWorker {

  static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(ObjectstoreMigrateWorker.class);

  private final ObjectStoreProperties properties;

  public ObjectstoreMigrateWorker(ObjectStoreProperties properties) {
    this.properties = properties;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) {
    List<String> problems = new ArrayList<>();
    Object mode = task.getVariable("mode");
    if (!ObjectMigrator.isMode(mode)) {
      problems.add("Input mode of " + task.getActivityId() + " must be pre-copy or delta, not " + mode
          + ": correct the BPMN input parameter.");
    }
    WorkerInputs inputs = WorkerInputs.read(task, properties, problems);
    MigrationSummary summary = inputs.migrator().migrate(inputs.plan(), (String) mode,
        MigrationProgress.Listener.every(PROGRESS_EVERY, p -> {
          LOG.info("{} ({}): {}", task.getActivityId(), task.getProcessInstanceId(), p);
          progress.report(variables(p));
        }));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("objectstoreMigration", summary.toString());
    result.put("objectstoreObjectsCopied", summary.copied());
    result.put("objectstoreBytesCopied", summary.bytesCopied());
    result.put("objectstoreObjectsIdentical", summary.identical());
    result.put("objectstoreObjectsDeleted", summary.deleted());
    result.put("objectstoreDurationSeconds", summary.duration().toSeconds());
    result.putAll(variables(new MigrationProgress(summary.mode(), summary.objects(), summary.objects(),
        summary.bytes(), summary.bytes(), summary.bytesCopied() / Math.max(1, summary.duration().toSeconds()), 0, 0)));
    return result;
  }

  static Map<String, Object> variables(MigrationProgress p) {
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("objectstoreProgress", p.toString());
    variables.put("objectstoreObjectsDone", p.objectsDone());
    variables.put("objectstoreObjectsTotal", p.objectsTotal());
    variables.put("objectstoreBytesDone", p.bytesDone());
    variables.put("objectstoreBytesTotal", p.bytesTotal());
    variables.put("objectstoreBytesPerSecond", p.bytesPerSecond());
    variables.put("objectstoreObjectsFailed", p.failed());
    variables.put("objectstoreSecondsLeft", p.etaSeconds());
    return variables;
  }
}
