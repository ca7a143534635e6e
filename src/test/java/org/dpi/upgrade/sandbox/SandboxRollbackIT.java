package org.dpi.upgrade.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The default run, as a user starts it ({@code java -jar}, nothing configured), end to end through
 * the REST API with every worker on the sandbox: the first screen; the planted vendor defect
 * (incident, abandon, verified rollback, every target as before); an acknowledged start and task
 * completion surviving {@code kill -9}; and that instance continued to a no-go, rolled back in
 * reverse order to a state identical to the restore point. The order matters: one sandbox serves
 * all, and each scenario leaves it at 1.2.0.1.
 */
@ExtendWith(SandboxRun.Extension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(1)
class SandboxRollbackIT {

  @Test
  @Order(1)
  void theFirstScreenSaysWhereToLogInWithWhichUsersAndWhatToDoFirstAndTheLogSaysSandbox(SandboxRun run) throws Exception {
    String screen = run.firstStart.substring(run.firstStart.lastIndexOf(OrchestratorProcess.READY));
    assertThat(screen).startsWith(OrchestratorProcess.READY + run.orchestrator.url() + "/camunda/app/")
        .contains(Sandbox.NOTICE).contains("Users created now (passwords shown this once)")
        .contains("1. Log in as demo-operator; in Tasklist, Start process: \"MOSIP upgrade 1.2.0.1 → 1.2.1.0\".")
        .as("only the processes the sandbox can run").doesNotContain("Alfresco");
    assertThat(run.passwords).containsKeys("admin", "demo-dba", "demo-manager", "demo-operator", "demo-reviewer");
    assertThat(run.firstStart.lines().filter(line -> line.contains(" INFO ") || line.contains(" WARN ")))
        .isNotEmpty().allMatch(line -> line.contains("[SANDBOX]"));
    assertThat(run.firstStart).contains(Sandbox.NOTICE + ": building MOSIP 1.2.0.1");
    for (String password : run.passwords.values()) {
      assertThat(run.firstStart.lines().filter(line -> line.contains(password))).as("passwords are never logged")
          .allMatch(line -> line.startsWith("    "));
    }
  }

  @Test
  @Order(2)
  void aPlantedVendorDefectStopsTheUpgradeAtAnIncidentAndTheAbandonedUpgradeRollsBackToTheRestorePoint(SandboxRun run)
      throws Exception {
    SortedMap<String, String> restorePoint = run.state();
    RestUpgradeDriver driver = run.driver()
        // the DBA approves despite the rehearsal's findings, and MOSIP stays on PostgreSQL 15, where the defect bites
        .answer("Task_ApprovePostgresUpgrade", Map.of("postgresUpgradeDecision", "stay-on-15", "dbaComment", "watch the rollback"));
    String instance = driver.start("CHG-SBX-DEFECT");
    driver.runUntil(instance, "Task_ApprovePostgresUpgrade", SandboxRun.UPGRADE);
    assertThat(driver.history(instance).get("rehearsalReport")).startsWith("REHEARSAL FAILED").contains("key_alias");

    driver.runUntil(instance, "Task_RunSchemaUpgrade", SandboxRun.UPGRADE);
    String incident = driver.awaitIncident(instance, "Task_RunSchemaUpgrade", SandboxRun.UPGRADE);
    assertThat(incident).contains("mosip_audit").contains("uk_adtlog_module");

    // the operator abandons the step in Cockpit: variable rollbackRequested, then retry
    driver.setVariable(instance, "rollbackRequested", true);
    driver.retry(instance);
    driver.runUntil(instance, null, SandboxRun.UPGRADE);

    assertThat(driver.finishedActivities(instance)).contains("End_RolledBack");
    assertThat(driver.history(instance)).containsEntry("failedStep", "Task_RunSchemaUpgrade");
    assertThat(Files.readString(run.sandbox().resolve("work/database-reports/" + instance + "/schema-rollback.txt")))
        .contains("were restored from it").contains("mosip_kernel").contains("missing: table kernel.key_alias");
    assertThat(SandboxState.differences(restorePoint, run.state())).as("the targets against the restore point").isEmpty();
  }

  @Test
  @Order(3)
  void anAcknowledgedStartAndTaskCompletionSurviveKill9(SandboxRun run) throws Exception {
    run.restorePoint = run.state();
    RestUpgradeDriver driver = run.driver();
    String instance = driver.start("CHG-SBX-KILL");
    driver.runUntil(instance, "Task_ApprovePostgresUpgrade", SandboxRun.UPGRADE);
    driver.complete(instance, "Task_ApprovePostgresUpgrade", Map.of("postgresUpgradeDecision", "upgrade-to-16"));
    run.orchestrator.kill9();

    // started again without the vendor defect: the scripts are MOSIP's clean ones from now on
    run.orchestrator.start(SandboxRun.RESTART);
    driver = run.driver();
    assertThat(driver.get("/process-instance?processInstanceIds=" + instance)).hasSize(1);
    assertThat(driver.finishedActivities(instance)).contains("Task_ApprovePostgresUpgrade");
    assertThat(driver.history(instance)).containsEntry("postgresUpgradeDecision", "upgrade-to-16");
    assertThat(run.orchestrator.output()).contains("Users: those created before");
    run.instance = instance;
  }

  @Test
  @Order(4)
  void theInstanceGoesOnAfterTheRestartAndANoGoRollsEveryTargetBackToTheRestorePoint(SandboxRun run) throws Exception {
    RestUpgradeDriver driver = run.driver();
    List<String> passed = driver.runUntil(run.instance, "Task_GoNoGo", SandboxRun.UPGRADE);
    assertThat(passed).contains("Task_UpgradePostgres", "Task_RunSchemaUpgrade", "Task_DeployServices", "Task_VerifySchema");
    driver.complete(run.instance, "Task_GoNoGo", Map.of("goNoGo", "no-go", "goNoGoReason", "rehearsed rollback"));
    driver.runUntil(run.instance, null, SandboxRun.UPGRADE);

    List<String> done = driver.finishedActivities(run.instance);
    assertThat(done).contains("End_RolledBack");
    // each undo ran after the undo of every step done later: strictly the reverse order
    List<String> undone = done.stream().filter(a -> a.startsWith("Undo_")).map(a -> "Task_" + a.substring(5)).toList();
    assertThat(undone).isNotEmpty();
    List<String> doneOrder = new ArrayList<>(done.stream().filter(undone::contains).toList());
    Collections.reverse(doneOrder);
    assertThat(undone).isEqualTo(doneOrder);
    assertThat(SandboxState.differences(run.restorePoint, run.state())).as("the targets against the restore point").isEmpty();
  }
}
