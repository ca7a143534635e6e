package org.dpi.upgrade.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineException;
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
 * Also the adjudication guard on a diagram of its own, and the rows the form links to.
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
    assertThat((String) form.get("adjudicationDecisions")).contains("brandnew-default.properties | update-if-value-needs-change = ?");
    assertThat((String) form.get("configMigrationSummary")).contains("Rows to adjudicate: 13");
    engine.getTaskService().complete(review.getId(), Map.of("adjudicationComplete", true,
        "adjudicationDecisions", ConfigMigrationTest.DECISIONS));

    LockedExternalTask apply = lock(instance, "Task_ApplyAdjudication", "config.apply-decisions");
    engine.getExternalTaskService().complete(apply.getId(), WORKER,
        migration.applyDecisions(apply.getProcessInstanceId(), (String) apply.getVariables().get("adjudicationDecisions")));

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
    engine.getTaskService().complete(task(instance).getId(), Map.of("adjudicationComplete", true,
        "adjudicationDecisions", ConfigMigrationTest.DECISIONS));
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
  void theGuardRefusesAnIncompleteAdjudicationOnTheServer() throws Exception {
    Map<String, Object> recorded = ConfigFixture.migrate(dir.resolve("guard"), "guard-run");
    ProcessInstance instance = engine.getRuntimeService().startProcessInstanceByKey("config-adjudication-guard",
        Map.of("configMigration", recorded.get("configMigration")));
    Task task = task(instance);

    assertThatThrownBy(() -> engine.getTaskService().complete(task.getId(), Map.of("adjudicationDecisions",
        recorded.get("adjudicationDecisions")))).isInstanceOf(ProcessEngineException.class)
        .hasMessageContaining("'Adjudicate the config migration' cannot be completed yet: The adjudication is incomplete:"
            + " 13 of 13 rows have no decision");
    assertThatThrownBy(() -> engine.getTaskService().complete(task.getId(), Map.of()))
        .hasMessageContaining("13 of 13 rows have no decision");
    assertThat(task(instance)).isNotNull();

    engine.getTaskService().complete(task.getId(), Map.of("adjudicationDecisions", ConfigMigrationTest.DECISIONS));
    assertThat(engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(instance.getId()).count()).isZero();
  }

  @Test
  void theRowsOfAGroupArePagedForReviewersOnly() throws Exception {
    ProcessInstance instance = atConfigStep();
    migrate(instance);
    var configuration = (org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
    String whitelist = configuration.getGeneralResourceWhitelistPattern();
    configuration.setGeneralResourceWhitelistPattern("[a-zA-Z0-9][a-zA-Z0-9._-]*");
    var identity = engine.getIdentityService();
    var reviewer = identity.newUser("test-reviewer");
    reviewer.setPassword("s3cret-Reviewer");
    identity.saveUser(reviewer);
    var outsider = identity.newUser("test-outsider");
    outsider.setPassword("s3cret-Outsider");
    identity.saveUser(outsider);
    if (identity.createGroupQuery().groupId("config-reviewers").count() == 0) {
      identity.saveGroup(identity.newGroup("config-reviewers"));
    }
    identity.createMembership("test-reviewer", "config-reviewers");
    try {
      AdjudicationRows rows = new AdjudicationRows(identity, migration);
      String group = "app-default.properties | update-if-old-value-takes-priority";

      var page = rows.rows(instance.getId(), group, 0, basic("test-reviewer:s3cret-Reviewer"));
      assertThat(page.getStatusCode().value()).isEqualTo(200);
      assertThat(page.getBody()).startsWith("Row,Property file name,Key,Old Value,Latest Value")
          .contains("row 1,app-default.properties,a.changed.manual,old-manual,new-manual,Customisation")
          .contains("row 4,app-default.properties,a.comma").doesNotContain("row 5");
      assertThat(rows.rows(instance.getId(), group, 1, basic("test-reviewer:s3cret-Reviewer")).getBody().lines()).hasSize(1);
      assertThat(rows.rows(instance.getId(), group, 0, basic("test-outsider:s3cret-Outsider")).getStatusCode().value()).isEqualTo(401);
      assertThat(rows.rows(instance.getId(), "nope", 0, basic("test-reviewer:s3cret-Reviewer")).getBody())
          .contains("No group 'nope'");
      // last: a wrong password locks the user for a few seconds
      assertThat(rows.rows(instance.getId(), group, 0, basic("test-reviewer:wrong")).getStatusCode().value()).isEqualTo(401);
    } finally {
      identity.deleteUser("test-reviewer");
      identity.deleteUser("test-outsider");
      identity.deleteGroup("config-reviewers");
      configuration.setGeneralResourceWhitelistPattern(whitelist);
    }
  }

  private static String basic(String credentials) {
    return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }
}
