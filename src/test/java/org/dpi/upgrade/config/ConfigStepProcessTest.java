package org.dpi.upgrade.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.dpi.upgrade.process.MosipUpgradeDriver;

/**
 * The config step of the MOSIP process on the real diagram and forms, with a plan whose config section
 * points at a bare repository on disk: migrate, review, decisions applied, and the rollback deleting the
 * branch. The instance is moved straight to the config step; the steps before it are other capabilities'.
 * Also the adjudication guard on a diagram of its own.
 */
class ConfigStepProcessTest {

  @RegisterExtension
  static ProcessEngineExtension extension = ProcessEngineExtension.builder()
      .configurationResource("process-test.camunda.cfg.xml").build();

  static final String BPMN = "processes/mosip/mosip-1.2.0.1-to-1.2.1.0.bpmn";
  static final String PLAN = "processes/mosip/mosip-1.2.0.1-to-1.2.1.0.plan.yaml";
  static final String WORKER = "config-test-worker";

  @TempDir Path dir;
  ProcessEngine engine;
  ConfigRemote remote;
  ConfigMigration migration;
  String deployment;

  @BeforeEach
  void deploy() throws Exception {
    remote = new ConfigRemote(dir.resolve("remote"));
    migration = new ConfigMigration(dir.resolve("work"), null);
    String plan = Files.readString(Path.of(PLAN));
    plan = plan.substring(0, plan.indexOf("\nconfig:")) + "\nconfig:\n"
        + "  oldRepository: {url: '" + remote.url + "', branch: " + ConfigRemote.OLD + "}\n"
        + "  newRepository: {url: '" + remote.url + "', branch: " + ConfigRemote.NEW + "}\n"
        + "  migratedBranch: upgrade-1.2.1.0\n"
        + "  knowledgeBase: '" + PropMigratorTest.FIXTURE.resolve("kb").toAbsolutePath() + "'\n";
    DeploymentBuilder builder = MosipUpgradeDriver.deployment(engine, "config-step-test", plan.getBytes(StandardCharsets.UTF_8))
        .addClasspathResource("config/adjudication-guard.bpmn");
    deployment = builder.deploy().getId();
  }

  @AfterEach
  void undeploy() {
    engine.getRepositoryService().deleteDeployment(deployment, true);
  }

  /** A MOSIP instance moved to the config step; not in maintenance, so the rollback ends without a user task. */
  ProcessInstance atConfigStep() {
    ProcessInstance instance = engine.getRuntimeService().startProcessInstanceByKey("mosip-1.2.0.1-to-1.2.1.0", "CHG-1",
        Map.of("environment", "staging", "changeTicket", "CHG-1", "maintenanceWindow", "Sat 22:00-06:00 UTC"));
    engine.getRuntimeService().createProcessInstanceModification(instance.getId())
        .cancelAllForActivity("Task_RehearseSchemaUpgrade").startBeforeActivity("Task_MigrateConfig")
        .setVariable("inMaintenance", false).execute();
    return instance;
  }

  /** Locks the external task waiting at {@code activity}, as a worker would. */
  LockedExternalTask lock(ProcessInstance instance, String activity, String topic) {
    return engine.getExternalTaskService().fetchAndLock(10, WORKER).topic(topic, 60_000).execute().stream()
        .filter(t -> t.getProcessInstanceId().equals(instance.getId()) && t.getActivityId().equals(activity))
        .findFirst().orElseThrow(() -> new AssertionError(activity + " is not waiting"));
  }

  Map<String, Object> migrate(ProcessInstance instance) throws Exception {
    LockedExternalTask task = lock(instance, "Task_MigrateConfig", "config.migrate");
    Map<String, Object> variables = migration.migrate(ConfigPlan.parse(task.getVariables().get("config")), task.getProcessInstanceId());
    engine.getExternalTaskService().complete(task.getId(), WORKER, variables);
    return variables;
  }

  Task task(ProcessInstance instance) {
    return engine.getTaskService().createTaskQuery().processInstanceId(instance.getId()).singleResult();
  }

  @Test
  void migrateReviewApplyLeavesTheBranchWithTwoCommits() throws Exception {
    ProcessInstance instance = atConfigStep();
    migrate(instance);
    String migrated = remote.head("upgrade-1.2.1.0");

    Task review = task(instance);
    assertThat(review.getTaskDefinitionKey()).isEqualTo("Task_AdjudicateConfig");
    assertThat(engine.getTaskService().getIdentityLinksForTask(review.getId())).extracting(l -> l.getGroupId())
        .contains("config-reviewers");
    Map<String, Object> form = engine.getTaskService().getVariables(review.getId());
    assertThat((String) form.get("configMigrationSummary")).contains("Rows to adjudicate: 15");
    assertThat(form.get("adjudicationPage")).isEqualTo("/config-adjudication/" + instance.getId());
    assertThatThrownBy(() -> engine.getTaskService().complete(review.getId(), Map.of("adjudicationComplete", true)))
        .isInstanceOf(BadUserRequestException.class)
        .hasMessage("0 of 15 rows are decided: decide the other 15 on the adjudication page, then complete the task.");
    ConfigFixture.decideAll(migration, instance.getId());
    engine.getTaskService().complete(review.getId(), Map.of("adjudicationComplete", true));

    LockedExternalTask apply = lock(instance, "Task_ApplyAdjudication", "config.apply-decisions");
    engine.getExternalTaskService().complete(apply.getId(), WORKER, migration.applyDecisions(apply.getProcessInstanceId()));

    String applied = remote.head("upgrade-1.2.1.0");
    assertThat(remote.commit(applied).getParent(0).name()).isEqualTo(migrated);
    assertThat(remote.files(applied).get("registration-default.properties")).contains("reg.keep=75\n");
    assertThat(task(instance).getTaskDefinitionKey()).isEqualTo("Task_ReviewNonPropertiesFiles");
    assertThat((String) engine.getRuntimeService().getVariable(instance.getId(), "nonPropertiesDiffSummary"))
        .contains("modify websub-service.toml");
  }

  @Test
  void aFailureAfterTheMigrationRollsBackByDeletingTheBranch() throws Exception {
    ProcessInstance instance = atConfigStep();
    migrate(instance);
    assertThat(remote.head("upgrade-1.2.1.0")).isNotNull();
    ConfigFixture.decideAll(migration, instance.getId());
    engine.getTaskService().complete(task(instance).getId(), Map.of("adjudicationComplete", true));
    LockedExternalTask apply = lock(instance, "Task_ApplyAdjudication", "config.apply-decisions");
    engine.getExternalTaskService().handleBpmnError(apply.getId(), WORKER, "UPGRADE_STEP_FAILED", "push refused");

    LockedExternalTask undo = lock(instance, "Undo_MigrateConfig", "config.delete-branch");
    engine.getExternalTaskService().complete(undo.getId(), WORKER,
        migration.deleteBranch(ConfigPlan.parse(undo.getVariables().get("config"))));

    assertThat(remote.head("upgrade-1.2.1.0")).isNull();
    assertThat(remote.head(ConfigRemote.NEW)).isNotNull();
    assertThat(engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(instance.getId()).count()).isZero();
    assertThat(engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(instance.getId())
        .activityId("End_RolledBack").count()).isOne();
  }

  @Test
  void theGuardRefusesAnIncompleteAdjudicationOnTheServerAndLetsACancelledTaskGo() throws Exception {
    Path guardDir = dir.resolve("guard");
    ConfigRemote guardRemote = new ConfigRemote(guardDir.resolve("remote"));
    ConfigMigration guardMigration = new ConfigMigration(guardDir.resolve("work"), null);
    Map<String, Object> recorded = guardMigration.migrate(ConfigFixture.plan(guardRemote, ConfigRemote.OLD, ConfigRemote.NEW,
        PropMigratorTest.FIXTURE.resolve("kb").toAbsolutePath().toString()), "guard-run");
    ProcessInstance instance = engine.getRuntimeService().startProcessInstanceByKey("config-adjudication-guard",
        Map.of("configMigration", recorded.get("configMigration")));
    Task task = task(instance);
    ConfigMigration.Review review = guardMigration.review("guard-run");
    review.decisions().save(Map.of(review.adjudication().rows.get(2).id(), new String[] {Adjudication.TAKE_LATEST, ""}),
        "reviewer-1");

    assertThatThrownBy(() -> engine.getTaskService().complete(task.getId(), Map.of("adjudicationComplete", true)))
        .isInstanceOf(BadUserRequestException.class)
        .hasMessage("1 of 15 rows are decided: decide the other 14 on the adjudication page, then complete the task.");
    assertThat(task(instance)).isNotNull();

    ConfigFixture.decideAll(guardMigration, "guard-run");
    engine.getTaskService().complete(task.getId());
    assertThat(engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(instance.getId()).count()).isZero();

    ProcessInstance undecided = engine.getRuntimeService().startProcessInstanceByKey("config-adjudication-guard",
        Map.of("configMigration", recorded.get("configMigration").toString().replace("guard-run", "no-such-run")));
    engine.getRuntimeService().deleteProcessInstance(undecided.getId(), "rolled back");
    assertThat(engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(undecided.getId()).count()).isZero();
  }
}
