package org.dpi.upgrade.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The control for the attacks: the whole upgrade, start to end, over the REST API as its real users
 * (operator starts, worker account completes every step, demo-dba and demo-dba2 approve, the reviewer
 * adjudicates, a manager decides go). Every gate lets the legitimate path through, and history records
 * who answered each approval.
 */
class UpgradeOverRestTest extends AttackTest {

  @Test
  void theLegitimateUpgradeRunsToTheEndThroughEveryGate() {
    String instance = start();
    advanceTo(instance, null);

    assertThat(engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(instance)
        .activityId("End_Upgraded").count()).isEqualTo(1);
    Map<String, String> answeredBy = engine.getHistoryService().createHistoricTaskInstanceQuery()
        .processInstanceId(instance).taskDefinitionKeyIn("Task_ApprovePostgresUpgrade", "Task_ApproveSchemaUpgrade", "Task_GoNoGo")
        .list().stream().collect(Collectors.groupingBy(t -> t.getTaskDefinitionKey(),
            Collectors.mapping(t -> t.getAssignee(), Collectors.joining(","))));
    assertThat(answeredBy).containsEntry("Task_ApprovePostgresUpgrade", "demo-dba").containsEntry("Task_GoNoGo", "demo-manager");
    assertThat(answeredBy.get("Task_ApproveSchemaUpgrade").split(",")).containsExactlyInAnyOrder("demo-dba", "demo-dba2");
  }
}
