package org.dpi.upgrade.database;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.springframework.stereotype.Component;

/** {@code verify.schema}: Validates indexes, constraints, materialized views and the applied chains; the full report goes to a file. */
@Component
@ConditionalOnWorkers("database")
@ExternalTaskSubscription("verify.schema")
public class VerifySchemaWorker extends DatabaseWorker {

  public VerifySchemaWorker(DatabaseSteps steps, DatabaseSettings settings) {
    super(steps, settings);
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    return Map.of("schemaReport", fit(steps.verifySchema(plan(task), server(task), window(task)).summary(), null));
  }
}
