package org.dpi.upgrade.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.spin.plugin.variable.SpinValues;
import org.dpi.upgrade.config.ConfigFixture;

/**
 * Drives the MOSIP process (or, given its key and answers, another upgrade process) in tests the way
 * operators and workers would: each wait state is answered in turn (user tasks with form answers,
 * external tasks completed or failed by hand).
 */
public final class MosipUpgradeDriver {

  static final String PROCESS = "mosip-1.2.0.1-to-1.2.1.0";
  static final String BPMN = "processes/mosip/mosip-1.2.0.1-to-1.2.1.0.bpmn";
  static final String PLAN = "processes/mosip/mosip-1.2.0.1-to-1.2.1.0.plan.yaml";
  static final String WORKER = "test-worker";

  /** Compensable steps in the order the upgrade performs them. */
  static final List<String> COMPENSABLE = List.of(
      "Task_InstallNewMinio", "Task_BackupConfig", "Task_UninstallServices", "Task_BackupDatabases",
      "Task_UpgradePostgres", "Task_SwitchToNewMinio", "Task_UninstallActiveMq", "Task_InstallActiveMq",
      "Task_RerunKeycloakInit", "Task_RunSchemaUpgrade", "Task_SetOtpuserPassword", "Task_MigrateConfig",
      "Task_AddPmpRevampHost", "Task_InstallArtifactory1202", "Task_DeployServices");

  /** Answers that let every user task of the happy path complete. */
  public static Map<String, Map<String, Object>> happyAnswers() {
    Map<String, Map<String, Object>> a = new HashMap<>();
    a.put("Task_ApprovePostgresUpgrade", Map.of("postgresUpgradeDecision", "upgrade-to-16", "dbaComment", "rehearsal clean"));
    a.put("Task_SwitchToMaintenance", Map.of("maintenanceModeConfirmed", true));
    a.put("Task_NotifyDowntime", Map.of("downtimeNotified", true));
    a.put("Task_SwitchToNewMinio", Map.of("objectstoreSwitched", true, "objectstoreEndpoint", "http://minio.minio-2025:9000"));
    a.put("Task_DrainActiveMq", Map.of("activeMqQueues", "cleared"));
    a.put("Task_ApproveSchemaUpgrade", Map.of("schemaUpgradeDecision", "approve"));
    a.put("Task_ConfirmOtpuserPassword", Map.of("otpuserPasswordConfirmed", true));
    a.put("Task_AdjudicateConfig", Map.of("adjudicationComplete", true));
    a.put("Task_ReviewNonPropertiesFiles", Map.of("nonPropertiesReviewed",
        SpinValues.jsonValue("[\"json\",\"mvel\",\"jsonld\",\"xsd\",\"toml\",\"xml\"]").create()));
    a.put("Task_AddPmpRevampHost", Map.of("pmpRevampHostAdded", true, "pmpRevampHost", "pmp-revamp.sandbox.example.org"));
    a.put("Task_ConfirmSkippedReleases", Map.of("skippedReleasesConfirmed", true));
    a.put("Task_PostUpgradeChecks", Map.of("checksResult", "passed"));
    a.put("Task_GoNoGo", Map.of("goNoGo", "go", "goNoGoReason", "all checks passed"));
    a.put("Task_LeaveMaintenance", Map.of("maintenanceModeOff", true, "usersInformed", true));
    a.put("Task_LeaveMaintenanceAfterRollback", Map.of("maintenanceModeOff", true, "usersInformed", true));
    return a;
  }

  final ProcessEngine engine;
  final String process;
  final Map<String, Map<String, Object>> answers;
  /** Variables external tasks complete with, beside {@link #resultOf}'s (what a real worker would record). */
  final Map<String, Map<String, Object>> results = new HashMap<>();
  /** Wait states in the order they were reached. */
  final List<String> visited = new ArrayList<>();
  /** External tasks that answer with a BPMN error instead of completing. */
  String failAt;
  ProcessInstance instance;

  MosipUpgradeDriver(ProcessEngine engine) {
    this(engine, PROCESS, happyAnswers());
  }

  MosipUpgradeDriver(ProcessEngine engine, String process, Map<String, Map<String, Object>> answers) {
    this.engine = engine;
    this.process = process;
    this.answers = new HashMap<>(answers);
  }

  static String deploy(ProcessEngine engine, String planResource) {
    try (InputStream plan = MosipUpgradeDriver.class.getClassLoader().getResourceAsStream(planResource)) {
      return deployment(engine, "mosip-test", plan.readAllBytes()).deploy().getId();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The MOSIP diagram with the given plan and every form, as the application deploys them. */
  public static DeploymentBuilder deployment(ProcessEngine engine, String name, byte[] plan) throws IOException {
    return deployment(engine, name, BPMN, PLAN, plan);
  }

  /** A diagram with the given content of its plan and every form, as the application deploys them. */
  public static DeploymentBuilder deployment(ProcessEngine engine, String name, String bpmn, String planResource, byte[] plan)
      throws IOException {
    DeploymentBuilder deployment = engine.getRepositoryService().createDeployment().name(name)
        .addClasspathResource(bpmn).addInputStream(planResource, new ByteArrayInputStream(plan));
    try (Stream<Path> forms = Files.list(Path.of("forms"))) {
      for (Path form : forms.filter(p -> p.toString().endsWith(".form")).toList()) {
        deployment.addInputStream("forms/" + form.getFileName(), new ByteArrayInputStream(Files.readAllBytes(form)));
      }
    }
    return deployment;
  }

  MosipUpgradeDriver answer(String activity, Map<String, Object> variables) {
    answers.put(activity, variables);
    return this;
  }

  MosipUpgradeDriver result(String activity, Map<String, Object> variables) {
    results.put(activity, variables);
    return this;
  }

  MosipUpgradeDriver failAt(String activity) {
    failAt = activity;
    return this;
  }

  ProcessInstance start() {
    instance = engine.getRuntimeService().startProcessInstanceByKey(process, "CHG-1",
        Map.of("environment", "staging", "changeTicket", "CHG-1", "maintenanceWindow", "Sat 22:00-06:00 UTC"));
    return instance;
  }

  /** Answers wait states until the instance ends or waits at {@code stopAt}. */
  void runUntil(String stopAt) {
    while (!ended()) {
      String current = currentWaitState();
      if (current.equals(stopAt)) {
        return;
      }
      step(current);
    }
  }

  void runToEnd() {
    runUntil(null);
  }

  /**
   * The one activity the instance waits at; the process never waits at two places at once (the
   * instances of a multi-instance approval are one wait state).
   */
  String currentWaitState() {
    List<Task> tasks = engine.getTaskService().createTaskQuery().processInstanceId(instance.getId()).list();
    List<ExternalTask> external = engine.getExternalTaskService().createExternalTaskQuery()
        .processInstanceId(instance.getId()).list();
    Set<String> activities = new HashSet<>();
    tasks.forEach(t -> activities.add(t.getTaskDefinitionKey()));
    external.forEach(t -> activities.add(t.getActivityId()));
    assertThat(activities).as("wait states of the instance: tasks %s, external tasks %s", tasks, external).hasSize(1);
    return activities.iterator().next();
  }

  void step(String activity) {
    visited.add(activity);
    Task task = engine.getTaskService().createTaskQuery().processInstanceId(instance.getId())
        .taskDefinitionKey(activity).list().stream().findFirst().orElse(null);
    if (task != null) {
      Map<String, Object> variables = answers.get(activity);
      assertThat(variables).as("answers for user task %s", activity).isNotNull();
      completeUserTask(engine, instance.getId(), activity, variables);
      return;
    }
    LockedExternalTask locked = lock(activity);
    if (activity.equals(failAt)) {
      engine.getExternalTaskService().handleBpmnError(locked.getId(), WORKER, "UPGRADE_STEP_FAILED",
          activity + " failed beyond repair");
    } else {
      engine.getExternalTaskService().complete(locked.getId(), WORKER, results.getOrDefault(activity, resultOf(activity)));
    }
  }

  /**
   * Completes the user task waiting at {@code activity} with {@code answers}, sent with the task's own
   * completion (the gate's input mapping keeps them task-local); each open instance of a
   * multi-instance approval in turn, until the gate is decided. The one place tests answer user tasks.
   */
  public static void completeUserTask(ProcessEngine engine, String processInstanceId, String activity,
      Map<String, Object> answers) {
    completeUserTask(engine, processInstanceId, activity, answers, List.of());
  }

  /**
   * As {@link #completeUserTask(ProcessEngine, String, String, Map)}, each instance answered by the
   * next of {@code people} (the last one again when they run out), who claims it first; with no
   * people, without an authenticated user.
   */
  public static void completeUserTask(ProcessEngine engine, String processInstanceId, String activity,
      Map<String, Object> answers, List<String> people) {
    List<Task> open;
    int turn = 0;
    while (!(open = engine.getTaskService().createTaskQuery().processInstanceId(processInstanceId)
        .taskDefinitionKey(activity).list()).isEmpty()) {
      if (!people.isEmpty()) {
        String person = people.get(Math.min(turn++, people.size() - 1));
        engine.getIdentityService().setAuthenticatedUserId(person);
        engine.getTaskService().claim(open.get(0).getId(), person);
      }
      engine.getTaskService().complete(open.get(0).getId(), answers);
    }
  }

  /**
   * What config.migrate leaves for the adjudication guard: one real migration of the config fixture,
   * made once per JVM and shared by every instance (the guard only reads it).
   */
  public static synchronized Map<String, Object> configMigration() {
    if (configMigration == null) {
      try {
        configMigration = ConfigFixture.migrate(Files.createTempDirectory("mosip-config"), "process-tests");
      } catch (Exception e) {
        throw new IllegalStateException("cannot migrate the config fixture", e);
      }
    }
    return configMigration;
  }

  private static Map<String, Object> configMigration;

  /** The variables a worker would leave when completing {@code activity} by hand (tests of other capabilities). */
  public static Map<String, Object> resultOf(String activity) {
    return activity.equals("Task_MigrateConfig") ? configMigration() : Map.of();
  }

  LockedExternalTask lock(String activity) {
    ExternalTask task = engine.getExternalTaskService().createExternalTaskQuery()
        .processInstanceId(instance.getId()).activityId(activity).singleResult();
    return engine.getExternalTaskService().fetchAndLock(50, WORKER).topic(task.getTopicName(), 60_000)
        .execute().stream().filter(t -> t.getId().equals(task.getId())).findFirst().orElseThrow();
  }

  boolean ended() {
    return engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(instance.getId()).count() == 0;
  }

  List<String> completedActivities(String prefix) {
    return engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(instance.getId())
        .finished().orderByHistoricActivityInstanceStartTime().asc().orderPartiallyByOccurrence().asc().list()
        .stream().map(a -> a.getActivityId()).filter(id -> id.startsWith(prefix)).toList();
  }

  /** The end event the instance finished at (the rollback's end lies inside its event subprocess). */
  String endEvent() {
    assertThat(ended()).as("instance ended").isTrue();
    return engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(instance.getId())
        .activityType("noneEndEvent").list().stream().map(a -> a.getActivityId()).reduce((a, b) -> b).orElse(null);
  }
}
