package org.dpi.upgrade.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ProcessEngineServices;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricExternalTaskLog;
import org.camunda.bpm.engine.history.HistoricIncident;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricTaskInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.history.HistoricVariableUpdate;
import org.camunda.bpm.engine.history.UserOperationLogEntry;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.task.Comment;
import org.camunda.bpm.engine.variable.value.SerializableValue;
import org.camunda.bpm.engine.variable.value.TypedValue;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.Activity;
import org.camunda.bpm.model.bpmn.instance.Association;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.CompensateEventDefinition;
import org.camunda.bpm.model.bpmn.instance.ErrorEventDefinition;
import org.camunda.bpm.model.bpmn.instance.Event;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.Gateway;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.bpmn.instance.Task;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputOutput;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputParameter;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;
import org.dpi.upgrade.process.LoadPlanDelegate;
import org.dpi.upgrade.worker.StepWorker;

/**
 * Collects the evidence pack of one process instance from the engine's history and repository
 * only (never from runtime variables), so it works the same for running, finished and rolled-back
 * upgrades, and after the gates' answers moved to task-local variables: an answer is whatever
 * was written inside the user task's activity instance, whoever wrote it is in the user
 * operation log.
 */
public class EvidenceCollector {

  static final Pattern SHA256 = Pattern.compile("(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])");
  static final Pattern SIZE = Pattern.compile("(\\d[\\d,]*)\\s*bytes|(\\d+(?:\\.\\d+)?\\s*(?:[KMGT]i?B))\\b");
  /** The rehearsal runs the schema chain forward and back on a scratch copy (database package). */
  static final String REHEARSAL_TOPIC = "postgres.rehearse";
  static final String REHEARSED_TOPIC = "postgres.run-upgrade-csv";
  /** The line of the rehearsal report with the forward run's total ({@code Rehearsal.report()}). */
  static final Pattern REHEARSAL_FORWARD = Pattern.compile("(?m)^Upgrade: .* in (\\d+) ms$");
  /** Earlier runs of the same process searched for step durations. */
  static final int PILOT_RUNS = 20;
  static final int VALUE_LIMIT = 4000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HistoryService history;
  private final RepositoryService repository;
  private final TaskService tasks;

  public EvidenceCollector(ProcessEngineServices engine) {
    this.history = engine.getHistoryService();
    this.repository = engine.getRepositoryService();
    this.tasks = engine.getTaskService();
  }

  /** The evidence of the instance; {@link EvidenceNotFoundException} when history has no such instance. */
  public Evidence collect(String processInstanceId) {
    HistoricProcessInstance instance = history.createHistoricProcessInstanceQuery()
        .processInstanceId(processInstanceId).singleResult();
    if (instance == null) {
      throw new EvidenceNotFoundException(processInstanceId);
    }
    return new Sources(instance, true).evidence();
  }

  /** The most recent upgrades (running and finished), newest first: who, when, how they ended. */
  public List<Evidence.Run> recent(int max) {
    return history.createHistoricProcessInstanceQuery().orderByProcessInstanceStartTime().desc().listPage(0, max).stream()
        .map(instance -> {
          Sources sources = new Sources(instance, false);
          return sources.run(sources.rollbackStart().isPresent() || sources.undone() ? Boolean.TRUE : null);
        }).toList();
  }

  /** One collection run: the instance's history loaded once, then shaped into the sections. */
  private final class Sources {
    final HistoricProcessInstance instance;
    final BpmnModelInstance model;
    final List<HistoricActivityInstance> activities;
    final List<HistoricVariableUpdate> updates;
    final List<HistoricIncident> incidents;
    final List<HistoricExternalTaskLog> taskLogs;
    final List<HistoricTaskInstance> userTasks;
    final List<UserOperationLogEntry> operations;
    final Map<String, HistoricVariableInstance> variables = new HashMap<>();
    final Map<String, String> undoneBy;

    Sources(HistoricProcessInstance instance, boolean full) {
      this.instance = instance;
      String id = instance.getId();
      model = repository.getBpmnModelInstance(instance.getProcessDefinitionId());
      activities = history.createHistoricActivityInstanceQuery().processInstanceId(id)
          .orderByHistoricActivityInstanceStartTime().asc().orderPartiallyByOccurrence().asc().list();
      undoneBy = compensationHandlers();
      if (!full) {
        updates = List.of();
        incidents = history.createHistoricIncidentQuery().processInstanceId(id).open().list();
        taskLogs = List.of();
        userTasks = List.of();
        operations = List.of();
        return;
      }
      updates = history.createHistoricDetailQuery().processInstanceId(id).variableUpdates()
          .disableCustomObjectDeserialization().orderByTime().asc().orderPartiallyByOccurrence().asc().list().stream()
          .map(HistoricVariableUpdate.class::cast).toList();
      incidents = history.createHistoricIncidentQuery().processInstanceId(id).orderByCreateTime().asc().list();
      taskLogs = history.createHistoricExternalTaskLogQuery().processInstanceId(id).orderByTimestamp().asc().list();
      userTasks = history.createHistoricTaskInstanceQuery().processInstanceId(id).orderByHistoricActivityInstanceStartTime()
          .asc().list();
      operations = history.createUserOperationLogQuery().processInstanceId(id).orderByTimestamp().asc().list();
      for (HistoricVariableInstance v : history.createHistoricVariableInstanceQuery().processInstanceIdIn(id)
          .disableCustomObjectDeserialization().list()) {
        // the process-level value wins over a local one of the same name
        if (!variables.containsKey(v.getName()) || id.equals(v.getActivityInstanceId())) {
          variables.put(v.getName(), v);
        }
      }
    }

    /** Whether any compensation handler (undo) ran. */
    boolean undone() {
      return activities.stream().anyMatch(a -> kind(model.getModelElementById(a.getActivityId())).equals("undo"));
    }

    Evidence evidence() {
      List<Evidence.Step> timeline = activities.stream().filter(a -> !"sequenceFlow".equals(a.getActivityType()))
          .map(this::step).toList();
      Evidence.Rollback rollback = rollback(timeline);
      List<Evidence.Approval> approvals = approvals();
      Evidence.FourEyes fourEyes = fourEyes(approvals);
      List<Evidence.Step> tasksDone = timeline.stream().filter(s -> s.topic() != null && !"undo".equals(s.kind())).toList();
      List<Evidence.Step> backups = tasksDone.stream().filter(s -> s.topic().contains("backup")
          || s.outputs().stream().anyMatch(v -> SHA256.matcher(v.text()).find())).toList();
      List<Evidence.Step> verifications = tasksDone.stream()
          .filter(s -> s.topic().contains("verify") || s.topic().contains("rehearse")).toList();
      Evidence.Run run = run(rollback == null ? null : Boolean.TRUE);
      return new Evidence(Instant.now(), run, problems(run, timeline, fourEyes, rollback), timeline, approvals,
          fourEyes, checksums(timeline), backups, verifications, rollback, forecast(timeline), plan(), diagram());
    }

    /** The run's facts; {@code rolledBack} non-null when a rollback ran. */
    Evidence.Run run(Boolean rolledBack) {
      Evidence.Outcome outcome;
      String text;
      String state = instance.getState();
      if (instance.getEndTime() == null) {
        outcome = Evidence.Outcome.RUNNING;
        long open = incidents.stream().filter(HistoricIncident::isOpen).count();
        text = "waiting " + activities.stream().filter(a -> a.getEndTime() == null && isTask(a.getActivityId()))
            .map(a -> "at " + nameOf(a.getActivityId())).collect(Collectors.joining(", "))
            + (open == 0 ? "" : ", " + open + " open incident(s)");
      } else if (HistoricProcessInstance.STATE_EXTERNALLY_TERMINATED.equals(state)
          || HistoricProcessInstance.STATE_INTERNALLY_TERMINATED.equals(state)) {
        outcome = Evidence.Outcome.CANCELLED;
        text = "cancelled" + (instance.getDeleteReason() == null ? "" : ": " + instance.getDeleteReason());
      } else {
        // the last end event reached (the process instance's own end activity may be the rollback subprocess)
        String end = activities.stream().filter(a -> a.getActivityType().endsWith("EndEvent"))
            .max(Comparator.comparing(HistoricActivityInstance::getEndTime)).map(HistoricActivityInstance::getActivityId)
            .orElse(instance.getEndActivityId());
        outcome = rolledBack != null ? Evidence.Outcome.ROLLED_BACK : Evidence.Outcome.COMPLETED;
        text = end == null ? outcome.label : nameOf(end);
      }
      ProcessDefinition definition = repository.getProcessDefinition(instance.getProcessDefinitionId());
      return new Evidence.Run(instance.getId(), instance.getBusinessKey(), definition.getName(), definition.getKey(),
          definition.getVersion(), definition.getDeploymentId(), instance.getStartUserId(), instant(instance.getStartTime()),
          instant(instance.getEndTime()), outcome, text, startForm());
    }

    /** Variables given when the instance started (the start form's fields). */
    Map<String, String> startForm() {
      Map<String, String> form = new LinkedHashMap<>();
      for (HistoricVariableUpdate u : updates) {
        if (u.isInitial() && instance.getId().equals(u.getActivityInstanceId()) && !form.containsKey(u.getVariableName())) {
          form.put(u.getVariableName(), text(u.getTypedValue()));
        }
      }
      return form;
    }

    Evidence.Step step(HistoricActivityInstance a) {
      FlowElement element = model.getModelElementById(a.getActivityId());
      String topic = element instanceof ServiceTask task ? task.getCamundaTopic() : null;
      if (element instanceof ServiceTask task && topic == null) {
        topic = task.getCamundaClass() != null ? "java" : null;
      }
      List<HistoricExternalTaskLog> logs = taskLogs.stream().filter(l -> a.getId().equals(l.getActivityInstanceId())).toList();
      int attempts = (int) logs.stream().filter(l -> l.isFailureLog() || l.isSuccessLog()).count();
      String by = null;
      if (a.getTaskId() != null) {
        by = completedBy(a.getTaskId(), a.getAssignee());
      } else {
        by = logs.stream().filter(HistoricExternalTaskLog::isSuccessLog).map(l -> "worker " + l.getWorkerId())
            .reduce((x, y) -> y).orElse(null);
      }
      String ending = a.getEndTime() == null ? "running" : a.isCanceled() ? canceledBecause(a, topic) : "completed";
      return new Evidence.Step(a.getActivityId(), nameOf(a.getActivityId()), kind(element), topic,
          instant(a.getStartTime()), instant(a.getEndTime()), ending, attempts, by, incidentsOf(a), outputsOf(a, element));
    }

    String canceledBecause(HistoricActivityInstance a, String topic) {
      Instant end = instant(a.getEndTime());
      boolean rollbackThen = rollbackStart().filter(start -> Math.abs(Duration.between(end, start).toMillis()) < 2000).isPresent();
      return topic != null && rollbackThen ? "raised the rollback" : rollbackThen ? "stopped by the rollback" : "cancelled";
    }

    List<Evidence.Incident> incidentsOf(HistoricActivityInstance a) {
      Instant start = instant(a.getStartTime());
      Instant end = instant(a.getEndTime());
      List<Evidence.Incident> result = new ArrayList<>();
      for (HistoricIncident i : incidents) {
        Instant created = instant(i.getCreateTime());
        if (a.getActivityId().equals(i.getActivityId()) && !created.isBefore(start) && (end == null || !created.isAfter(end))) {
          String state = i.isOpen() ? "open" : i.isResolved() ? "resolved" : "removed";
          String resolution = i.isOpen() ? "not resolved yet" : i.isResolved()
              ? "resolved at " + Html.time(instant(i.getEndTime())) + retriedBy(instant(i.getEndTime()))
              : "removed when the step ended at " + Html.time(instant(i.getEndTime()));
          result.add(new Evidence.Incident(created, instant(i.getEndTime()), state, i.getIncidentMessage(), resolution));
        }
      }
      return result;
    }

    /** The user who set the retries that resolved an incident (same moment, within two seconds). */
    String retriedBy(Instant resolved) {
      return operations.stream().filter(o -> o.getOperationType().contains("Retries") && o.getUserId() != null
              && Math.abs(Duration.between(instant(o.getTimestamp()), resolved).toMillis()) < 2000)
          .map(o -> ", retried by " + o.getUserId()).findFirst().orElse(", retried");
    }

    /**
     * What the step wrote: variables written inside its activity instance, last value per name. A
     * service task's own inputs are left out; a gate's input parameters are its answers (empty until
     * answered), so for a user task every value written counts.
     */
    List<Evidence.Value> outputsOf(HistoricActivityInstance a, FlowElement element) {
      boolean gate = element instanceof UserTask;
      Set<String> inputs = inputNames(element);
      Map<String, String> last = new LinkedHashMap<>();
      for (HistoricVariableUpdate u : updates) {
        boolean inStep = a.getId().equals(u.getActivityInstanceId()) || (a.getTaskId() != null && a.getTaskId().equals(u.getTaskId()));
        if (inStep && (gate ? u.getValue() != null : !inputs.contains(u.getVariableName()))) {
          last.remove(u.getVariableName());
          last.put(u.getVariableName(), text(u.getTypedValue()));
        }
      }
      return last.entrySet().stream().map(e -> new Evidence.Value(e.getKey(), e.getValue())).toList();
    }

    String completedBy(String taskId, String assignee) {
      return operations.stream().filter(o -> taskId.equals(o.getTaskId())
              && UserOperationLogEntry.OPERATION_TYPE_COMPLETE.equals(o.getOperationType()) && o.getUserId() != null)
          .map(UserOperationLogEntry::getUserId).findFirst().orElse(assignee);
    }

    List<Evidence.Approval> approvals() {
      List<Evidence.Approval> result = new ArrayList<>();
      for (HistoricTaskInstance t : userTasks) {
        if (t.getEndTime() == null || !"completed".equals(t.getDeleteReason())) {
          continue;
        }
        FlowElement element = model.getModelElementById(t.getTaskDefinitionKey());
        HistoricActivityInstance a = activities.stream().filter(x -> x.getId().equals(t.getActivityInstanceId())).findFirst()
            .orElse(null);
        List<Evidence.Value> answers = a == null ? List.of() : outputsOf(a, element);
        String decisionVariable = properties(element).stream().filter(p -> "requireValue".equals(p.getCamundaName()))
            .map(p -> p.getCamundaValue().substring(0, Math.max(0, p.getCamundaValue().indexOf('=')))).findFirst().orElse(null);
        String decision = answers.stream().filter(v -> v.name().equals(decisionVariable)).map(Evidence.Value::text)
            .findFirst().orElse(null);
        List<String> comments = new ArrayList<>();
        answers.stream().filter(v -> v.name().toLowerCase().matches(".*(comment|reason).*") && !v.text().isBlank())
            .forEach(v -> comments.add(v.text()));
        for (Comment c : tasks.getTaskComments(t.getId())) {
          comments.add(c.getFullMessage() + " (" + c.getUserId() + ", " + Html.time(instant(c.getTime())) + ")");
        }
        String groups = element instanceof UserTask task ? task.getCamundaCandidateGroups() : null;
        result.add(new Evidence.Approval(t.getTaskDefinitionKey(), t.getName(), groups,
            completedBy(t.getId(), t.getAssignee()), instant(t.getEndTime()), decision, answers, comments));
      }
      return result;
    }

    Evidence.FourEyes fourEyes(List<Evidence.Approval> approvals) {
      String starter = instance.getStartUserId();
      Set<String> people = new TreeSet<>();
      if (starter != null) {
        people.add(starter);
      }
      Map<String, Set<String>> byGate = new LinkedHashMap<>();
      for (Evidence.Approval a : approvals) {
        if (a.user() != null) {
          people.add(a.user());
          byGate.computeIfAbsent(a.activityId(), k -> new LinkedHashSet<>()).add(a.user());
        }
      }
      List<Evidence.Check> checks = new ArrayList<>();
      for (UserTask gate : model.getModelElementsByType(UserTask.class)) {
        Set<String> approvers = byGate.getOrDefault(gate.getId(), Set.of());
        if (approvers.isEmpty()) {
          continue;
        }
        String name = gate.getName();
        for (CamundaProperty p : properties(gate)) {
          String value = p.getCamundaValue() == null ? "" : p.getCamundaValue().trim();
          switch (p.getCamundaName()) {
            case "notStarter" -> {
              if (Boolean.parseBoolean(value)) {
                boolean held = starter != null && !approvers.contains(starter);
                checks.add(new Evidence.Check(name, "not approved by the starter (" + Objects.toString(starter, "unknown") + ")",
                    held, "approved by " + String.join(", ", approvers)));
              }
            }
            case "distinctFrom" -> {
              for (String other : value.split("\\s*,\\s*")) {
                Set<String> both = new TreeSet<>(approvers);
                both.retainAll(byGate.getOrDefault(other, Set.of()));
                checks.add(new Evidence.Check(name, "approved by other people than '" + nameOf(other) + "'", both.isEmpty(),
                    both.isEmpty() ? "no one approved both" : "approved both: " + String.join(", ", both)));
              }
            }
            case "approvals" -> {
              long answers = approvals.stream().filter(a -> a.activityId().equals(gate.getId())).count();
              checks.add(new Evidence.Check(name, "each of its " + answers + " answers from a different person",
                  approvers.size() == answers, "answered by " + String.join(", ", approvers)));
            }
            default -> { }
          }
        }
      }
      return new Evidence.FourEyes(starter, List.copyOf(people), checks);
    }

    List<Evidence.Checksum> checksums(List<Evidence.Step> timeline) {
      List<Evidence.Checksum> result = new ArrayList<>();
      for (Evidence.Step step : timeline) {
        for (Evidence.Value v : step.outputs()) {
          result.addAll(checksumsIn(step.name(), v));
        }
      }
      return result;
    }

    Evidence.Rollback rollback(List<Evidence.Step> timeline) {
      Instant started = rollbackStart().orElse(null);
      List<Evidence.Step> undos = timeline.stream().filter(s -> "undo".equals(s.kind())).toList();
      if (started == null && undos.isEmpty()) {
        return null;
      }
      String cause = null;
      String message = null;
      for (StartEvent start : model.getModelElementsByType(StartEvent.class)) {
        for (ErrorEventDefinition error : start.getChildElementsByType(ErrorEventDefinition.class)) {
          cause = Objects.requireNonNullElse(valueOf(error.getCamundaErrorCodeVariable()), cause);
          message = Objects.requireNonNullElse(valueOf(error.getCamundaErrorMessageVariable()), message);
        }
      }
      String failed = valueOf(StepWorker.FAILED_STEP);
      return new Evidence.Rollback(cause, message, failed == null ? null : nameOf(failed), started, undos);
    }

    /** When an error start event of an event subprocess (the rollback) started, if it did. */
    Optional<Instant> rollbackStart() {
      return activities.stream().filter(a -> {
        FlowElement e = model.getModelElementById(a.getActivityId());
        return e instanceof StartEvent s && s.getParentElement() instanceof SubProcess sub && sub.triggeredByEvent()
            && !s.getChildElementsByType(ErrorEventDefinition.class).isEmpty();
      }).map(a -> instant(a.getStartTime())).findFirst();
    }

    List<String> problems(Evidence.Run run, List<Evidence.Step> timeline, Evidence.FourEyes fourEyes, Evidence.Rollback rollback) {
      List<String> problems = new ArrayList<>();
      for (Evidence.Step s : timeline) {
        s.incidents().stream().filter(i -> "open".equals(i.state()))
            .forEach(i -> problems.add("Open incident at '" + s.name() + "' since " + Html.time(i.created()) + ": " + i.message()));
      }
      if (rollback != null) {
        problems.add("The upgrade was rolled back" + (rollback.cause() == null ? "" : " (" + rollback.cause() + ")")
            + (rollback.message() == null ? "" : ": " + rollback.message())
            + (rollback.failedStep() == null ? "" : "; failed step: " + rollback.failedStep()) + ". "
            + rollback.steps().size() + " undo step(s) ran.");
      }
      fourEyes.checks().stream().filter(c -> !c.held())
          .forEach(c -> problems.add("Four-eyes rule not held at '" + c.gate() + "': " + c.rule() + " (" + c.detail() + ")"));
      if (run.outcome() == Evidence.Outcome.CANCELLED) {
        problems.add("The instance was " + run.outcomeText());
      }
      long resolved = timeline.stream().flatMap(s -> s.incidents().stream()).filter(i -> "resolved".equals(i.state())).count();
      if (resolved > 0) {
        problems.add(resolved + " incident(s) were resolved and the steps retried (see the timeline).");
      }
      return problems;
    }

    Evidence.Forecast forecast(List<Evidence.Step> timeline) {
      List<Evidence.Step> steps = timeline.stream()
          .filter(s -> s.ended() != null && isTask(s.activityId()) && !"undo".equals(s.kind())).toList();
      Map<String, Pilot> pilots = pilots(steps.stream().map(Evidence.Step::activityId).collect(Collectors.toSet()));
      Duration rehearsal = null;
      String rehearsalSource = null;
      for (Evidence.Step s : steps) {
        if (REHEARSAL_TOPIC.equals(s.topic())) {
          for (Evidence.Value v : s.outputs()) {
            Matcher m = REHEARSAL_FORWARD.matcher(v.text());
            if (m.find()) {
              rehearsal = Duration.ofMillis(Long.parseLong(m.group(1)));
              rehearsalSource = "'" + s.name() + "' (" + v.name() + "): the forward run on the scratch copy";
            }
          }
        }
      }
      List<Evidence.ForecastRow> rows = new ArrayList<>();
      Duration forecastTotal = Duration.ZERO;
      Duration actualTotal = Duration.ZERO;
      for (Evidence.Step s : steps) {
        Duration rehearsed = REHEARSED_TOPIC.equals(s.topic()) ? rehearsal : null;
        Pilot pilot = pilots.get(s.activityId());
        Duration expected = rehearsed != null ? rehearsed : pilot == null ? null : pilot.duration();
        if (expected != null) {
          forecastTotal = forecastTotal.plus(expected);
          actualTotal = actualTotal.plus(s.duration());
        }
        rows.add(new Evidence.ForecastRow(s.name(), rehearsed, pilot == null ? null : pilot.duration(),
            pilot == null ? null : pilot.source(), s.duration()));
      }
      return new Evidence.Forecast(rows, rehearsalSource, forecastTotal, actualTotal);
    }

    record Pilot(Duration duration, String source) {
    }

    /** Per activity, its duration in the most recent earlier run of the same process where it completed. */
    Map<String, Pilot> pilots(Set<String> activityIds) {
      Map<String, Pilot> result = new HashMap<>();
      List<HistoricProcessInstance> earlier = history.createHistoricProcessInstanceQuery()
          .processDefinitionKey(instance.getProcessDefinitionKey()).startedBefore(instance.getStartTime()).finished()
          .orderByProcessInstanceStartTime().desc().listPage(0, PILOT_RUNS);
      for (HistoricProcessInstance run : earlier) {
        if (run.getId().equals(instance.getId())) {
          continue;
        }
        String environment = history.createHistoricVariableInstanceQuery().processInstanceIdIn(run.getId())
            .variableName("environment").list().stream().map(v -> String.valueOf(v.getValue())).findFirst().orElse(null);
        String source = (run.getBusinessKey() == null ? run.getId() : run.getBusinessKey())
            + (environment == null ? "" : " on " + environment) + ", " + Html.time(instant(run.getStartTime()));
        for (HistoricActivityInstance a : history.createHistoricActivityInstanceQuery().processInstanceId(run.getId())
            .finished().list()) {
          if (activityIds.contains(a.getActivityId()) && !a.isCanceled() && !result.containsKey(a.getActivityId())) {
            result.put(a.getActivityId(), new Pilot(Duration.ofMillis(a.getDurationInMillis()), source));
          }
        }
      }
      return result;
    }

    Evidence.PlanUsed plan() {
      ProcessDefinition definition = repository.getProcessDefinition(instance.getProcessDefinitionId());
      String resource = Objects.requireNonNullElse(valueOf("planResource"),
          LoadPlanDelegate.planResourceOf(definition.getResourceName()));
      String deployed = null;
      String sha = null;
      if (repository.getDeploymentResourceNames(definition.getDeploymentId()).contains(resource)) {
        try (InputStream in = repository.getResourceAsStream(definition.getDeploymentId(), resource)) {
          byte[] bytes = in.readAllBytes();
          deployed = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
          sha = sha256(bytes);
        } catch (IOException e) {
          deployed = "(cannot be read: " + e.getMessage() + ")";
        }
      }
      String used = valueOf("plan");
      return deployed == null && used == null ? null
          : new Evidence.PlanUsed(resource, definition.getDeploymentId(), sha, deployed, used);
    }

    DiagramSvg.Drawing diagram() {
      Map<String, DiagramSvg.Mark> marks = new HashMap<>();
      Map<String, Instant> firstStart = new HashMap<>();
      Map<String, Instant> lastEnd = new HashMap<>();
      for (HistoricActivityInstance a : activities) {
        String id = a.getActivityId();
        firstStart.putIfAbsent(id, instant(a.getStartTime()));
        if (a.getEndTime() != null) {
          lastEnd.merge(id, instant(a.getEndTime()), (x, y) -> x.isAfter(y) ? x : y);
        }
        DiagramSvg.Mark mark = a.getEndTime() == null ? DiagramSvg.Mark.ACTIVE
            : a.isCanceled() && isTask(id) ? DiagramSvg.Mark.INCIDENT
            : undoneBy.containsKey(id) ? DiagramSvg.Mark.UNDONE : DiagramSvg.Mark.PASSED;
        marks.merge(id, mark, (x, y) -> x.ordinal() > y.ordinal() ? y : x);
        if (undoneBy.containsKey(id) && a.getEndTime() != null) {
          marks.put(undoneBy.get(id), DiagramSvg.Mark.UNDONE);
        }
      }
      incidents.stream().filter(HistoricIncident::isOpen).forEach(i -> marks.put(i.getActivityId(), DiagramSvg.Mark.INCIDENT));
      return DiagramSvg.draw(model, marks, flowsTaken(firstStart, lastEnd));
    }

    /**
     * Sequence flows whose both ends ran (history does not record flows). Into a joining gateway
     * only the flow from the source that finished last before the gateway started counts.
     */
    Set<String> flowsTaken(Map<String, Instant> firstStart, Map<String, Instant> lastEnd) {
      Set<String> taken = new LinkedHashSet<>();
      for (FlowNode target : model.getModelElementsByType(FlowNode.class)) {
        Instant reached = firstStart.get(target.getId());
        if (reached == null) {
          continue;
        }
        List<SequenceFlow> candidates = target.getIncoming().isEmpty() ? incomingByRef(target) : new ArrayList<>(target.getIncoming());
        candidates.removeIf(f -> !lastEnd.containsKey(f.getSource().getId()));
        if (target instanceof Gateway && candidates.size() > 1) {
          candidates.stream().filter(f -> !lastEnd.get(f.getSource().getId()).isAfter(reached))
              .max(Comparator.comparing(f -> lastEnd.get(f.getSource().getId()))).ifPresent(f -> taken.add(f.getId()));
        } else {
          candidates.forEach(f -> taken.add(f.getId()));
        }
      }
      return taken;
    }

    /** Flows into the node by their targetRef (diagrams may leave out the optional incoming references). */
    List<SequenceFlow> incomingByRef(FlowNode target) {
      return model.getModelElementsByType(SequenceFlow.class).stream().filter(f -> f.getTarget() == target)
          .collect(Collectors.toCollection(ArrayList::new));
    }

    /** Compensation handler id to the activity it undoes (boundary event + association). */
    Map<String, String> compensationHandlers() {
      Map<String, String> handlers = new HashMap<>();
      for (Association association : model.getModelElementsByType(Association.class)) {
        if (association.getSource() instanceof BoundaryEvent boundary
            && !boundary.getChildElementsByType(CompensateEventDefinition.class).isEmpty()) {
          handlers.put(association.getTarget().getId(), boundary.getAttachedTo().getId());
        }
      }
      return handlers;
    }

    /** The variable's final value, whole. */
    String valueOf(String variable) {
      HistoricVariableInstance v = variable == null ? null : variables.get(variable);
      return v == null ? null : text(v.getTypedValue(), Integer.MAX_VALUE);
    }

    String nameOf(String activityId) {
      FlowElement element = model.getModelElementById(activityId);
      return element == null || element.getName() == null ? activityId : element.getName();
    }

    boolean isTask(String activityId) {
      return model.getModelElementById(activityId) instanceof Activity a && !(a instanceof SubProcess);
    }
  }

  /** The SHA-256 checksums in one recorded value: per line of text, or per object of JSON. */
  static List<Evidence.Checksum> checksumsIn(String step, Evidence.Value value) {
    List<Evidence.Checksum> result = new ArrayList<>();
    String text = value.text();
    if (text.startsWith("{") || text.startsWith("[")) {
      try {
        jsonChecksums(step, value.name(), JSON.readTree(text), result);
        return result;
      } catch (IOException notJson) {
        // read as text
      }
    }
    for (String line : text.split("\n")) {
      Matcher m = SHA256.matcher(line);
      while (m.find()) {
        int colon = line.indexOf(':');
        String item = colon > 0 && colon < m.start() ? line.substring(0, colon).trim() : value.name();
        result.add(new Evidence.Checksum(step, value.name(), item, size(line), m.group().toLowerCase()));
      }
    }
    return result;
  }

  private static void jsonChecksums(String step, String variable, JsonNode node, List<Evidence.Checksum> result) {
    if (node.isArray()) {
      node.forEach(n -> jsonChecksums(step, variable, n, result));
      return;
    }
    if (!node.isObject()) {
      return;
    }
    var fields = node.fields();
    while (fields.hasNext()) {
      var field = fields.next();
      JsonNode v = field.getValue();
      if (v.isTextual() && SHA256.matcher(v.asText()).matches()) {
        String item = first(node, "location", "file", "name", "database", "key");
        String size = node.has("size") ? node.get("size").asText() + " bytes" : node.has("bytes") ? node.get("bytes").asText()
            + " bytes" : node.has("objects") ? node.get("objects").asText() + " objects" : null;
        result.add(new Evidence.Checksum(step, variable, item == null ? variable : item, size, v.asText().toLowerCase()));
      } else if (v.isContainerNode()) {
        jsonChecksums(step, variable, v, result);
      }
    }
  }

  private static String first(JsonNode node, String... names) {
    for (String name : names) {
      if (node.hasNonNull(name) && node.get(name).isValueNode()) {
        return node.get(name).asText();
      }
    }
    return null;
  }

  private static String size(String line) {
    Matcher m = SIZE.matcher(line);
    if (!m.find()) {
      return null;
    }
    return m.group(1) != null ? m.group(1) + " bytes" : m.group(2);
  }

  /** An undo is a compensation handler, or a task inside a compensation subprocess (not the subprocess itself). */
  static String kind(FlowElement element) {
    boolean inUndo = element != null && element.getParentElement() instanceof SubProcess parent && parent.isForCompensation();
    if (element instanceof Task && (inUndo || ((Activity) element).isForCompensation())) {
      return "undo";
    }
    if (element instanceof UserTask) {
      return "manual";
    }
    if (element instanceof ServiceTask) {
      return "automated";
    }
    if (element instanceof SubProcess) {
      return "subprocess";
    }
    if (element instanceof Gateway) {
      return "decision";
    }
    return element instanceof Event ? "event" : "step";
  }

  static Set<String> inputNames(BaseElement element) {
    Set<String> names = new java.util.HashSet<>();
    if (element != null && element.getExtensionElements() != null) {
      for (CamundaInputOutput io : element.getExtensionElements().getChildElementsByType(CamundaInputOutput.class)) {
        for (CamundaInputParameter p : io.getCamundaInputParameters()) {
          names.add(p.getCamundaName());
        }
      }
    }
    return names;
  }

  static List<CamundaProperty> properties(BaseElement element) {
    if (element == null || element.getExtensionElements() == null) {
      return List.of();
    }
    return element.getExtensionElements().getChildElementsByType(CamundaProperties.class).stream()
        .flatMap(p -> p.getCamundaProperties().stream()).toList();
  }

  /** A recorded value as text (serialized form for objects and JSON), at most {@value #VALUE_LIMIT} characters. */
  static String text(TypedValue value) {
    return text(value, VALUE_LIMIT);
  }

  static String text(TypedValue value, int limit) {
    if (value == null) {
      return "";
    }
    String text;
    if (value instanceof SerializableValue serializable && !serializable.isDeserialized()) {
      text = serializable.getValueSerialized();
    } else if (value.getValue() instanceof byte[] bytes) {
      text = "(" + bytes.length + " bytes of binary data)";
    } else {
      text = String.valueOf(value.getValue());
    }
    if (text == null) {
      return "";
    }
    return text.length() <= limit ? text : text.substring(0, limit) + " ... (cut)";
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Instant instant(Date date) {
    return date == null ? null : date.toInstant();
  }
}
