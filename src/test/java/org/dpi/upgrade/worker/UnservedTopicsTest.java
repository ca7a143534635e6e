package org.dpi.upgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.Incident;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * An instance waiting at a topic no worker serves is flagged in Cockpit with an incident naming the
 * capability to enable; the flag goes as soon as a worker takes the task.
 */
@SpringBootTest(properties = {"spring.datasource.url=jdbc:h2:mem:unserved-topics;DB_CLOSE_DELAY=-1", "orchestrator.demo-users=false",
    "orchestrator.unserved-topic-delay=1s", "camunda.bpm.client.disable-auto-fetching=true"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class UnservedTopicsTest {

  @Autowired ProcessEngine engine;

  @Test
  void everyTopicOfTheMosipDiagramHasAWorkerOfACapability() throws Exception {
    Set<String> topics = new TreeSet<>();
    Matcher m = Pattern.compile("camunda:topic=\"([^\"]+)\"").matcher(Files.readString(Path.of("processes/mosip/mosip-1.2.0.1-to-1.2.1.0.bpmn")));
    while (m.find()) {
      topics.add(m.group(1));
    }
    Map<String, String> workers = UnservedTopics.workerTopics();
    assertThat(workers.keySet()).containsAll(topics);
    assertThat(workers).containsEntry("postgres.rehearse", "database").containsEntry("helm.deploy-plan", "helm")
        .containsEntry("objectstore.migrate", "objectstore").containsEntry("config.migrate", "config")
        .containsEntry("k8s.backup-config", "kubernetes");
  }

  @Test
  void aTaskNoWorkerServesGetsAnIncidentSayingWhatToEnableUntilAWorkerTakesIt() {
    String instance = engine.getRuntimeService().startProcessInstanceByKey("mosip-1.2.0.1-to-1.2.1.0", "CHG-NO-WORKER",
        Map.of("environment", "staging", "changeTicket", "CHG-NO-WORKER", "maintenanceWindow", "Sat 22:00-06:00 UTC")).getId();
    Incident flag = await().atMost(Duration.ofSeconds(60)).until(() -> engine.getRuntimeService().createIncidentQuery()
        .processInstanceId(instance).incidentType(UnservedTopics.INCIDENT).singleResult(), i -> i != null);
    assertThat(flag.getActivityId()).isEqualTo("Task_RehearseSchemaUpgrade");
    assertThat(flag.getIncidentMessage())
        .isEqualTo("no worker for postgres.rehearse: enable database in ORCHESTRATOR_WORKERS (orchestrator.workers), "
            + "or run a worker for it elsewhere");
    // the flag does not stop a worker that comes later
    var locked = engine.getExternalTaskService().fetchAndLock(1, "late-worker").topic("postgres.rehearse", 60_000).execute();
    assertThat(locked).hasSize(1);
    await().atMost(Duration.ofSeconds(60)).until(() -> engine.getRuntimeService().createIncidentQuery()
        .processInstanceId(instance).count() == 0);
    engine.getExternalTaskService().complete(locked.get(0).getId(), "late-worker");
    assertThat(engine.getHistoryService().createHistoricIncidentQuery().processInstanceId(instance).resolved().count()).isOne();
  }
}
