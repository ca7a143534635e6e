package org.dpi.upgrade.objectstore;

import java.util.ArrayList;
import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.dpi.upgrade.worker.StepWorker;
import org.springframework.stereotype.Component;

/**
 * Topic {@code objectstore.verify} (Task_VerifyObjects): the gate before the old MinIO is retired.
 * Differences raise an incident listing them: re-running the delta repairs them (the old MinIO stays
 * the source of truth), then the operator retries this step.
 */
@Component
@ConditionalOnWorkers("objectstore")
@ExternalTaskSubscription("objectstore.verify")
public class ObjectstoreVerifyWorker extends StepWorker {

  /** Differences named in the incident message; all of the first 100 are in its details. */
  static final int SHOWN = 5;

  private final ObjectStoreProperties properties;

  public ObjectstoreVerifyWorker(ObjectStoreProperties properties) {
    this.properties = properties;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) {
    WorkerInputs inputs = WorkerInputs.read(task, properties, new ArrayList<>());
    VerificationReport report = inputs.migrator().verify(inputs.plan());
    if (report.differences() > 0) {
      throw new ObjectStoreException(report.differences() + " difference(s) between the old and the new MinIO: "
          + String.join("; ", report.listed().subList(0, Math.min(SHOWN, report.listed().size())))
          + (report.differences() > SHOWN ? "; ..." : "") + ". Run the delta again (docs/objectstore.md, command line"
          + " migrate --mode delta), then retry this step. All listed: " + String.join("; ", report.listed()));
    }
    return Map.of("objectstoreVerification", report.toString(), "objectstoreDifferences", report.differences());
  }
}
