package org.dpi.upgrade.database;

import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.springframework.stereotype.Component;

/**
 * {@code postgres.rehearse}: Rehearses the chain forward and back on faithful scratch copies; the verdict and every
 * failure are shown at both DBA gates, with the link of the complete report.
 */
@Component
@ConditionalOnWorkers("database")
@ExternalTaskSubscription("postgres.rehearse")
public class PostgresRehearseWorker extends DatabaseWorker {

  public PostgresRehearseWorker(DatabaseSteps steps, DatabaseSettings settings) {
    super(steps, settings);
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    String link = ReportFiles.link(task.getProcessInstanceId(), "rehearsal");
    Rehearsal rehearsal = steps.rehearse(plan(task), server(task), window(task));
    String failures = rehearsal.failures();
    for (int details = 5; details >= 0 && failures.length() > VARIABLE_LIMIT - 100; details--) {
      failures = rehearsal.failures(details);
    }
    return Map.of("rehearsalReport", fit(failures, link), "rehearsalReportLink", link);
  }
}
