package org.dpi.upgrade.security;

import static java.util.Map.entry;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.impl.AbstractQuery;
import org.camunda.bpm.engine.impl.ProcessInstanceModificationBuilderImpl;
import org.camunda.bpm.engine.impl.ProcessInstantiationBuilderImpl;
import org.camunda.bpm.engine.impl.cmd.AbstractPatchVariablesCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractRemoveVariableCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractSetVariableCmd;
import org.camunda.bpm.engine.impl.cmd.AddCommentCmd;
import org.camunda.bpm.engine.impl.cmd.AssignTaskCmd;
import org.camunda.bpm.engine.impl.cmd.ClaimTaskCmd;
import org.camunda.bpm.engine.impl.cmd.CompleteExternalTaskCmd;
import org.camunda.bpm.engine.impl.cmd.CompleteTaskCmd;
import org.camunda.bpm.engine.impl.cmd.ExtendLockOnExternalTaskCmd;
import org.camunda.bpm.engine.impl.cmd.FetchExternalTasksCmd;
import org.camunda.bpm.engine.impl.cmd.HandleExternalTaskBpmnErrorCmd;
import org.camunda.bpm.engine.impl.cmd.HandleExternalTaskFailureCmd;
import org.camunda.bpm.engine.impl.cmd.LockExternalTaskCmd;
import org.camunda.bpm.engine.impl.cmd.PatchExecutionVariablesCmd;
import org.camunda.bpm.engine.impl.cmd.StartProcessInstanceAtActivitiesCmd;
import org.camunda.bpm.engine.impl.cmd.StartProcessInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.SubmitStartFormCmd;
import org.camunda.bpm.engine.impl.cmd.SubmitTaskFormCmd;
import org.camunda.bpm.engine.impl.cmd.batch.variables.SetVariablesToProcessInstancesBatchCmd;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ExternalTaskEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.TaskEntity;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.variable.VariableMap;
import org.camunda.bpm.engine.variable.Variables;
import org.dpi.upgrade.process.BreakGlass;
import org.dpi.upgrade.process.DeployedForms;
import org.dpi.upgrade.process.FormSchema;
import org.dpi.upgrade.process.InputPaths;
import org.dpi.upgrade.process.Refusal;
import org.dpi.upgrade.worker.StepWorker;

/**
 * The engine's gate: every command an authenticated user sends (REST API, webapps, Java API) passes
 * here before it runs, whatever client sent it. Commands without an authenticated user are the
 * engine's own work (job executor, deployment at start-up) or the application's in-process code,
 * and pass, as in Camunda's authorization model; so do the commands a permitted command runs inside.
 * <ul>
 *   <li>Users may read (authorizations then apply), start an instance at its start event with the
 *       start form's fields only, complete a task with its form's answer fields only, claim and
 *       unclaim for themselves, and comment. Nothing else: no start at an activity, skip flags,
 *       modification, restart, migration, suspension, cancellation, variable writes, messages,
 *       signals, task errors or timer changes.</li>
 *   <li>The worker account ({@code workers}) may only fetch, lock, extend, complete, fail and raise
 *       BPMN errors of external tasks, and publish progress variables of a step it holds; never a
 *       protected variable.</li>
 *   <li>Admins ({@code camunda-admin}) may do all of it; each use of an exception to these rules is
 *       recorded ({@link BreakGlass}).</li>
 * </ul>
 * Refusals answer 400 (invalid input) or 403 (forbidden action) with one sentence naming each
 * problem, and nothing changes; a refusal thrown by a listener inside a command (answers, four-eyes)
 * leaves the engine as itself, not wrapped.
 */
public class CommandGate extends CommandInterceptor {

  /** Variables the process and its steps set; no client sets them (admins: recorded break-glass). */
  public static final Set<String> RESERVED = Set.of("plan", "planResource", "skippedReleases", "inMaintenance",
      "initiator", StepWorker.ROLLBACK_REQUESTED, "rollbackCause", "rollbackMessage", "rollbackMismatchDecision");

  /** Simple names of commands that are reads (authorizations decide what they return). */
  private static final Pattern READ = Pattern.compile(
      "(Get|Find|Is|Check|Determine|ExecuteFilter|Optimize|AuthorizationCheck).*|.*(Query|Report).*");

  /** What a command does, in the words of a refusal or a break-glass record. */
  private static final Map<String, String> GATE_ACTIONS = Map.ofEntries(
      entry("StartProcessInstanceAtActivitiesCmd", "start an instance at an activity instead of its start event"),
      entry("ModifyProcessInstanceCmd", "modify a process instance (cancel or start activities)"),
      entry("ModifyProcessInstanceAsyncCmd", "modify a process instance (cancel or start activities)"),
      entry("ProcessInstanceModificationBatchCmd", "modify process instances (cancel or start activities)"),
      entry("RestartProcessInstancesCmd", "restart process instances"),
      entry("RestartProcessInstancesBatchCmd", "restart process instances"),
      entry("MigrateProcessInstanceCmd", "migrate process instances"),
      entry("MigrateProcessInstanceBatchCmd", "migrate process instances"),
      entry("SetProcessDefinitionVersionCmd", "move a process instance to another version"),
      entry("SuspendProcessInstanceCmd", "suspend process instances"),
      entry("ActivateProcessInstanceCmd", "activate process instances"),
      entry("UpdateProcessInstancesSuspendStateCmd", "suspend or activate process instances"),
      entry("UpdateProcessInstancesSuspendStateBatchCmd", "suspend or activate process instances"),
      entry("SuspendProcessDefinitionCmd", "suspend a process definition"),
      entry("ActivateProcessDefinitionCmd", "activate a process definition"),
      entry("SuspendJobCmd", "suspend jobs"),
      entry("ActivateJobCmd", "activate jobs"),
      entry("SuspendJobDefinitionCmd", "suspend jobs"),
      entry("ActivateJobDefinitionCmd", "activate jobs"),
      entry("SetJobDuedateCmd", "move a timer"),
      entry("RecalculateJobDuedateCmd", "move a timer"),
      entry("DeleteJobCmd", "delete a timer or job"),
      entry("DeleteProcessInstanceCmd", "cancel a process instance"),
      entry("DeleteProcessInstancesCmd", "cancel process instances"),
      entry("DeleteProcessInstanceBatchCmd", "cancel process instances"),
      entry("HandleTaskBpmnErrorCmd", "raise a BPMN error from a user task"),
      entry("HandleTaskEscalationCmd", "raise an escalation from a user task"),
      entry("CorrelateMessageCmd", "send a message to process instances"),
      entry("CorrelateAllMessageCmd", "send a message to process instances"),
      entry("CorrelateAllMessageBatchCmd", "send a message to process instances"),
      entry("MessageEventReceivedCmd", "send a message to process instances"),
      entry("SignalCmd", "signal process instances"),
      entry("SignalEventReceivedCmd", "signal process instances"));

  private static final ThreadLocal<Boolean> INSIDE = new ThreadLocal<>();

  private final InputPaths inputs;

  public CommandGate(InputPaths inputs) {
    this.inputs = inputs;
  }

  @Override
  public <T> T execute(Command<T> command) {
    if (INSIDE.get() != null) {
      return next.execute(command);
    }
    INSIDE.set(Boolean.TRUE);
    try {
      CommandContext context = Context.getCommandContext();
      Authentication authentication = context == null ? null : context.getAuthentication();
      if (authentication != null && authentication.getUserId() != null) {
        check(command, context, Caller.of(authentication));
      }
      return next.execute(command);
    } catch (ProcessEngineException e) {
      throw refusalIn(e);
    } finally {
      INSIDE.remove();
    }
  }

  /**
   * The engine wraps what a listener throws (e.g. {@code CompletionGuard}'s refusal) into a generic
   * exception, answered 500 and logged with its stack trace; a refusal inside is thrown as itself.
   */
  private static ProcessEngineException refusalIn(ProcessEngineException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof Refusal.InvalidInputException || cause instanceof Refusal.ForbiddenActionException) {
        return (ProcessEngineException) cause;
      }
    }
    return e;
  }

  void check(Command<?> command, CommandContext context, Caller caller) {
    if (caller.worker()) {
      checkWorker(command, context, caller);
      return;
    }
    Breach breach = breach(command, context, caller);
    if (breach != null) {
      if (caller.admin()) {
        BreakGlass.record(context, caller.userId(), breach.processInstanceId(), breach.message(), breach.reason());
        return;
      }
      throw breach.invalidInput() ? Refusal.invalid(caller.userId(), breach.message())
          : Refusal.forbidden(caller.userId(), caller + " may not " + breach.message());
    }
    if (caller.admin() || isRead(command) || userCommand(command)) {
      return;
    }
    throw Refusal.forbidden(caller.userId(), caller + " may not " + describe(command)
        + ": users only start upgrades from their start form and complete their own tasks");
  }

  /** A rule the command breaks, or null. */
  private Breach breach(Command<?> command, CommandContext context, Caller caller) {
    String name = command.getClass().getSimpleName();
    if (command instanceof StartProcessInstanceCmd start) {
      return start(context, field(start, "instantiationBuilder"));
    }
    if (command instanceof SubmitStartFormCmd submit) {
      String definitionId = field(submit, "processDefinitionId");
      VariableMap variables = field(submit, "variables");
      return startVariables(context, definitionId, variables);
    }
    if (command instanceof CompleteTaskCmd complete) {
      return completion(context, complete, "variables", field(complete, "taskId"));
    }
    if (command instanceof SubmitTaskFormCmd submit) {
      return completion(context, submit, "properties", field(submit, "taskId"));
    }
    if (command instanceof ClaimTaskCmd claim) {
      String user = field(claim, "userId");
      return Objects.equals(user, caller.userId()) ? null
          : new Breach("claim a task for someone else", false, null, null);
    }
    if (command instanceof AssignTaskCmd assign) {
      TaskEntity task = context.getTaskManager().findTaskById(field(assign, "taskId"));
      boolean unclaimOwn = field(assign, "userId") == null && task != null && caller.userId().equals(task.getAssignee());
      return unclaimOwn ? null : new Breach("assign a task", false, null, task == null ? null : task.getProcessInstanceId());
    }
    if (GATE_ACTIONS.containsKey(name)) {
      return new Breach(GATE_ACTIONS.get(name), false, reasonOf(command), null);
    }
    Collection<String> written = writtenVariables(command);
    if (written != null) {
      Scope scope = scopeOfVariableWrite(context, command);
      Set<String> protectedNames = written.stream().filter(n -> isProtected(context, scope.definitionId(), n))
          .collect(Collectors.toCollection(LinkedHashSet::new));
      return protectedNames.isEmpty() ? null
          : new Breach("change the protected variables " + protectedNames + " (answers are given only by completing their task)",
              false, null, scope.processInstanceId());
    }
    return null;
  }

  private Breach start(CommandContext context, ProcessInstantiationBuilderImpl builder) {
    ProcessInstanceModificationBuilderImpl modification = builder.getModificationBuilder();
    if (modification != null && (modification.isSkipCustomListeners() || modification.isSkipIoMappings())) {
      return new Breach("start an instance skipping its listeners or input/output mappings", false, null, null);
    }
    ProcessDefinitionEntity definition = builder.getProcessDefinitionId() != null
        ? context.getProcessEngineConfiguration().getDeploymentCache().findDeployedProcessDefinitionById(builder.getProcessDefinitionId())
        : context.getProcessEngineConfiguration().getDeploymentCache().findDeployedLatestProcessDefinitionByKey(builder.getProcessDefinitionKey());
    return startVariables(context, definition.getId(), (VariableMap) builder.getVariables());
  }

  /** Start variables: exactly the start form's answers, valid; path fields made canonical in place. */
  private Breach startVariables(CommandContext context, String definitionId, VariableMap variables) {
    ProcessDefinitionEntity definition = context.getProcessEngineConfiguration().getDeploymentCache()
        .findDeployedProcessDefinitionById(definitionId);
    FormSchema form = DeployedForms.ofStart(context, definitionId);
    List<String> problems = new ArrayList<>();
    if (form == null) {
      variables.keySet().forEach(n -> problems.add("'" + n + "' is not a start field (this process has no start form)"));
    } else {
      problems.addAll(form.problems(variables));
      for (FormSchema.Field field : form.fields()) {
        Object value = variables.get(field.key());
        if (field.inputPath() != null && value instanceof String path && !path.isBlank()) {
          try {
            Path canonical = inputs.check(field.key(), field.inputPath(), path);
            variables.putValue(field.key(), canonical.toString());
          } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
          }
        }
      }
    }
    return problems.isEmpty() ? null : new Breach("'" + name(definition) + "' cannot be started: "
        + String.join("; ", problems), true, null, null);
  }

  /**
   * Task completion: only the answer fields of the task's own form, valid; read-only fields sent back
   * unchanged (as Tasklist does) are dropped, changed ones refused.
   */
  private Breach completion(CommandContext context, Command<?> command, String variablesField, String taskId) {
    TaskEntity task = context.getTaskManager().findTaskById(taskId);
    if (task == null) {
      return null;
    }
    Map<String, Object> sent = field(command, variablesField);
    Map<String, Object> variables = sent == null ? Map.of() : sent;
    FormSchema form = task.getProcessDefinitionId() == null ? null
        : DeployedForms.of(context, task.getProcessDefinitionId(), task.getTaskDefinitionKey());
    List<String> problems = new ArrayList<>();
    VariableMap answers = Variables.createVariables();
    if (form == null) {
      variables.keySet().forEach(n -> problems.add("'" + n + "' is not a field of this task (it has no form)"));
    } else {
      VariableMap typed = Variables.fromMap(variables);
      for (String name : typed.keySet()) {
        FormSchema.Field field = form.field(name);
        if (field != null && field.readonly()) {
          if (!Objects.equals(shown(typed.getValueTyped(name)), shown(task.getVariableTyped(name)))) {
            problems.add("'" + name + "' is shown read-only and cannot be changed");
          }
        } else {
          answers.putValueTyped(name, typed.getValueTyped(name));
        }
      }
      problems.addAll(form.problems(answers));
    }
    if (!problems.isEmpty()) {
      return new Breach("'" + task.getName() + "' cannot be completed yet: " + String.join("; ", problems), true,
          null, task.getProcessInstanceId());
    }
    if (answers.size() != variables.size()) {
      setField(command, variablesField, answers);
    }
    return null;
  }

  private void checkWorker(Command<?> command, CommandContext context, Caller caller) {
    if (command instanceof FetchExternalTasksCmd || command instanceof LockExternalTaskCmd
        || command instanceof ExtendLockOnExternalTaskCmd) {
      return;
    }
    if (command instanceof CompleteExternalTaskCmd || command instanceof HandleExternalTaskFailureCmd
        || command instanceof HandleExternalTaskBpmnErrorCmd) {
      ExternalTaskEntity task = context.getExternalTaskManager().findExternalTaskById(field(command, "externalTaskId"));
      if (task != null) {
        Map<String, Object> all = new LinkedHashMap<>();
        putAll(all, field(command, "variables"));
        if (!(command instanceof HandleExternalTaskBpmnErrorCmd)) {
          putAll(all, field(command, "localVariables"));
        }
        refuseProtected(context, caller, task.getProcessDefinitionId(), all);
      }
      return;
    }
    if (command instanceof PatchExecutionVariablesCmd patch) {
      String instanceId = field(patch, "entityId");
      Collection<String> deletions = field(patch, "deletions");
      ExecutionEntity instance = context.getExecutionManager().findExecutionById(instanceId);
      boolean stepRunning = instance != null && context.getExternalTaskManager().findExternalTasksByProcessInstanceId(instanceId)
          .stream().anyMatch(t -> t.getLockExpirationTime() != null && t.getLockExpirationTime().after(ClockUtil.getCurrentTime()));
      if (!stepRunning || (deletions != null && !deletions.isEmpty())) {
        throw Refusal.forbidden(caller.userId(), caller + " may only publish progress variables of a step it is running");
      }
      refuseProtected(context, caller, instance.getProcessDefinitionId(), field(patch, "variables"));
      return;
    }
    throw Refusal.forbidden(caller.userId(), caller + " may not " + describe(command)
        + ": the worker account may only fetch, lock, extend, complete and fail external tasks");
  }

  private void refuseProtected(CommandContext context, Caller caller, String definitionId, Map<String, ?> variables) {
    if (variables == null) {
      return;
    }
    List<String> refused = variables.entrySet().stream()
        .filter(e -> !(e.getKey().equals(StepWorker.ROLLBACK_REQUESTED) && Boolean.FALSE.equals(FormSchema.plain(e.getValue()))))
        .map(Map.Entry::getKey).filter(n -> isProtected(context, definitionId, n)).toList();
    if (!refused.isEmpty()) {
      throw Refusal.forbidden(caller.userId(), caller + " may not set the protected variables " + refused
          + " (decisions, answers, the plan and rollback requests are set only by the process and its users)");
    }
  }

  private static boolean isProtected(CommandContext context, String definitionId, String name) {
    return RESERVED.contains(name) || (definitionId != null && DeployedForms.answersOf(context, definitionId).contains(name));
  }

  /** Names a variable-writing command sets or removes, or null for other commands. */
  private static Collection<String> writtenVariables(Command<?> command) {
    Set<String> names = new LinkedHashSet<>();
    if (command instanceof AbstractSetVariableCmd || command instanceof SetVariablesToProcessInstancesBatchCmd) {
      Map<String, ?> variables = field(command, "variables");
      names.addAll(variables == null ? Set.of() : variables.keySet());
    } else if (command instanceof AbstractRemoveVariableCmd) {
      Collection<String> removed = field(command, "variableNames");
      names.addAll(removed == null ? Set.of() : removed);
    } else if (command instanceof AbstractPatchVariablesCmd) {
      Map<String, ?> variables = field(command, "variables");
      Collection<String> deletions = field(command, "deletions");
      names.addAll(variables == null ? Set.of() : variables.keySet());
      names.addAll(deletions == null ? Set.of() : deletions);
    } else {
      return null;
    }
    return names;
  }

  /** The instance whose variables a write touches (unknown for batches: every name is then checked as reserved). */
  private static Scope scopeOfVariableWrite(CommandContext context, Command<?> command) {
    String entityId = command instanceof SetVariablesToProcessInstancesBatchCmd ? null : field(command, "entityId");
    ExecutionEntity execution = entityId == null ? null : context.getExecutionManager().findExecutionById(entityId);
    if (execution != null) {
      return new Scope(execution.getProcessDefinitionId(), execution.getProcessInstanceId());
    }
    TaskEntity task = entityId == null ? null : context.getTaskManager().findTaskById(entityId);
    return task == null ? new Scope(null, null) : new Scope(task.getProcessDefinitionId(), task.getProcessInstanceId());
  }

  private record Scope(String definitionId, String processInstanceId) {}

  private static boolean userCommand(Command<?> command) {
    return command instanceof StartProcessInstanceCmd || command instanceof SubmitStartFormCmd
        || command instanceof CompleteTaskCmd || command instanceof SubmitTaskFormCmd
        || command instanceof ClaimTaskCmd || command instanceof AssignTaskCmd || command instanceof AddCommentCmd;
  }

  static boolean isRead(Command<?> command) {
    if (command instanceof AbstractQuery<?, ?>) {
      return true;
    }
    Class<?> type = command.getClass();
    // commands of the webapps' plugins are their read queries; every change goes through an engine command
    return !type.getName().startsWith("org.camunda.bpm.engine.impl.") || READ.matcher(type.getSimpleName()).matches();
  }

  private static String describe(Command<?> command) {
    String name = command.getClass().getSimpleName();
    if (GATE_ACTIONS.containsKey(name)) {
      return GATE_ACTIONS.get(name);
    }
    return writtenVariables(command) != null ? "change variables (answers are given only by completing their task)"
        : "run " + name.replaceFirst("Cmd$", "");
  }

  /** The annotation an admin gave a process-instance modification: the reason of the break-glass. */
  private static String reasonOf(Command<?> command) {
    Object builder = fieldOrNull(command, "builder");
    return builder != null && fieldOrNull(builder, "annotation") instanceof String annotation ? annotation : null;
  }

  private static String name(ProcessDefinitionEntity definition) {
    return definition.getName() != null ? definition.getName() : definition.getKey();
  }

  private static void putAll(Map<String, Object> into, Map<String, ?> from) {
    if (from != null) {
      into.putAll(from);
    }
  }

  /** A read-only field's value as the form shows it (an empty text is no value). */
  private static Object shown(Object value) {
    Object plain = FormSchema.plain(value);
    return plain instanceof String s && s.isEmpty() ? null : plain;
  }

  @SuppressWarnings("unchecked")
  private static <T> T field(Object target, String name) {
    try {
      return (T) find(target.getClass(), name).get(target);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Camunda changed " + target.getClass().getName() + "." + name, e);
    }
  }

  private static Object fieldOrNull(Object target, String name) {
    try {
      return find(target.getClass(), name).get(target);
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  private static void setField(Object target, String name, Object value) {
    try {
      find(target.getClass(), name).set(target, value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Camunda changed " + target.getClass().getName() + "." + name, e);
    }
  }

  private static Field find(Class<?> type, String name) throws NoSuchFieldException {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        Field field = c.getDeclaredField(name);
        field.setAccessible(true);
        return field;
      } catch (NoSuchFieldException e) {
        // look in the superclass
      }
    }
    throw new NoSuchFieldException(name);
  }

  /** A broken rule: what was attempted, whether the input (400) or the action (403) is at fault. */
  private record Breach(String message, boolean invalidInput, String reason, String processInstanceId) {}
}
