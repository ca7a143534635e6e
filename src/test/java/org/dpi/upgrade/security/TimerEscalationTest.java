package org.dpi.upgrade.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

/**
 * An approval nobody answers: it is due after the plan's {@code gates.dueAfter}; after
 * {@code remindAfter} the managers get a reminder task and the approval priority 75, after
 * {@code escalateAfter} an escalation task and priority 100. Both tasks close by themselves when the
 * approval is answered. Driven with the engine's clock; tasks seen and completed over REST.
 */
class TimerEscalationTest extends AttackTest {

  @AfterEach
  void realTime() {
    ClockUtil.reset();
  }

  @Test
  void anUnansweredApprovalIsRemindedThenEscalatedToTheManagers() {
    String instance = start();
    advanceTo(instance, "Task_ApprovePostgresUpgrade");
    Date opened = ClockUtil.getCurrentTime();
    String gate = taskId(instance, "Task_ApprovePostgresUpgrade");
    assertThat(engine.getTaskService().createTaskQuery().taskId(gate).singleResult().getDueDate())
        .isCloseTo(new Date(opened.getTime() + Duration.ofHours(4).toMillis()), 60_000);

    fireTimer(instance, opened, Duration.ofHours(2).plusMinutes(1));
    assertThat(managerTasks()).extracting(t -> t.get("name")).containsExactly("Remind: DBA approval: PostgreSQL upgrade is waiting");
    assertThat(engine.getTaskService().createTaskQuery().taskId(gate).singleResult().getPriority()).isEqualTo(75);

    fireTimer(instance, opened, Duration.ofHours(4).plusMinutes(1));
    assertThat(managerTasks()).extracting(t -> t.get("name")).containsExactlyInAnyOrder(
        "Remind: DBA approval: PostgreSQL upgrade is waiting", "Escalate: DBA approval: PostgreSQL upgrade is overdue");
    assertThat(engine.getTaskService().createTaskQuery().taskId(gate).singleResult().getPriority()).isEqualTo(100);

    // a manager follows up the reminder; the escalation closes by itself once the DBA answers
    String reminder = (String) managerTasks().stream().filter(t -> t.get("name").toString().startsWith("Remind")).findFirst()
        .orElseThrow().get("id");
    assertThat(complete("demo-manager", reminder, Map.of()).getStatusCode().value()).isEqualTo(400);
    assertThat(complete("demo-manager", reminder, Map.of("reminderAction", "called the DBA on duty"))
        .getStatusCode().value()).isEqualTo(204);
    assertThat(complete("demo-dba", gate, Map.of("postgresUpgradeDecision", "upgrade-to-16")).getStatusCode().value())
        .isEqualTo(204);
    assertThat(managerTasks()).isEmpty();
    assertThat(engine.getRuntimeService().getActiveActivityIds(instance)).containsExactly("Task_InstallNewMinio");
    assertThat(engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(instance)
        .activityId("Close_Escalate_PostgresUpgrade").finished().count()).isEqualTo(1);
    engine.getRuntimeService().deleteProcessInstance(instance, "test done");
  }

  private void fireTimer(String instance, Date opened, Duration after) {
    ClockUtil.setCurrentTime(new Date(opened.getTime() + after.toMillis()));
    List<Job> due = engine.getManagementService().createJobQuery().processInstanceId(instance).timers()
        .duedateLowerThen(ClockUtil.getCurrentTime()).list();
    assertThat(due).hasSize(1);
    engine.getManagementService().executeJob(due.get(0).getId());
  }

  private List<Map<String, Object>> managerTasks() {
    return as("demo-manager").exchange("/engine-rest/task?candidateGroup=managers", HttpMethod.GET, null, LIST).getBody();
  }
}
