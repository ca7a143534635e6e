package org.dpi.upgrade.process;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.history.HistoricTaskInstance;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.history.event.HistoricProcessInstanceEventEntity;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.TaskEntity;

/**
 * Who may answer a gate, and how several approvals make one decision. Declared per user task as
 * extension properties, checked by {@link CompletionGuard} at every completion:
 * <ul>
 *   <li>{@code notStarter = true}: the user who started the instance (its history's start user,
 *       never a variable) cannot complete it;</li>
 *   <li>{@code distinctFrom = Task_A,Task_B}: a user who completed one of those tasks in this
 *       instance cannot complete this one;</li>
 *   <li>on a multi-instance task, nobody completes two of its instances;</li>
 *   <li>{@code approvals = decision=approve} on a parallel multi-instance task: N of M approvals.
 *       Each completion counts {@code nrOfApprovals} or {@code nrOfRejections} on the multi-instance
 *       body (its completion condition reads them), adds a line "user: answer (comment)" to the
 *       process variable {@code approvalRecord} (comment: the answer named by {@code approvalComment}),
 *       and tells the open instances in their description who approved and how many approvals are
 *       still needed. The decision variable is set on the process once decided: the approving value
 *       after the last approval, the rejecting value at the first rejection.</li>
 * </ul>
 * The user who completes a task becomes its assignee, so history and Tasklist show who answered.
 * Completions without an authenticated user (the application's own code) are not restricted; admins
 * may complete any gate, each exception to these rules recorded as break-glass.
 */
final class Approvers {

  static final String APPROVALS = "nrOfApprovals";
  static final String REJECTIONS = "nrOfRejections";

  private Approvers() {}

  /** Refuses the completion when the user may not answer this task; records the user as the one who did. */
  static void check(DelegateTask task, Map<String, String> rules) {
    CommandContext context = Context.getCommandContext();
    String user = context.getAuthenticatedUserId();
    if (user == null) {
      return;
    }
    List<String> broken = new ArrayList<>();
    if (Boolean.parseBoolean(rules.get("notStarter")) && user.equals(starter(context, task))) {
      broken.add("the user who started this upgrade cannot approve it");
    }
    for (String other : list(rules.get("distinctFrom"))) {
      if (completers(task, other).contains(user)) {
        broken.add(user + " already completed '" + other + "' in this upgrade, and this gate needs someone else");
      }
    }
    if (multiInstanceBody(task) != null && completers(task, task.getTaskDefinitionKey()).contains(user)) {
      broken.add(user + " already gave one of the approvals this gate needs; the next one must come from someone else");
    }
    if (!broken.isEmpty()) {
      String message = "complete '" + task.getName() + "': " + String.join("; ", broken) + " (four-eyes rule)";
      List<String> groups = context.getAuthenticatedGroupIds();
      if (groups != null && groups.contains(Groups.CAMUNDA_ADMIN)) {
        BreakGlass.record(context, user, task.getProcessInstanceId(), message, null);
      } else {
        throw Refusal.forbidden(user, user + " may not " + message);
      }
    }
    task.setAssignee(user);
  }

  /** Counts the answer of an N-of-M approval, records it, and decides the gate when it can. */
  static void count(DelegateTask task, Map<String, String> rules) {
    String spec = rules.get("approvals");
    ExecutionEntity body = multiInstanceBody(task);
    if (spec == null || body == null) {
      return;
    }
    String variable = spec.substring(0, spec.indexOf('='));
    String approving = spec.substring(spec.indexOf('=') + 1);
    Object answer = task.getExecution().getVariableLocal(variable);
    boolean approved = approving.equals(String.valueOf(answer));
    int approvals = count(body, APPROVALS) + (approved ? 1 : 0);
    int rejections = count(body, REJECTIONS) + (approved ? 0 : 1);
    int needed = ((Number) body.getVariableLocal("nrOfInstances")).intValue();
    body.setVariableLocal(APPROVALS, approvals);
    body.setVariableLocal(REJECTIONS, rejections);

    ExecutionEntity instance = body.getProcessInstance();
    String user = task.getAssignee() == null ? "(system)" : task.getAssignee();
    Object comment = rules.containsKey("approvalComment") ? task.getExecution().getVariableLocal(rules.get("approvalComment")) : null;
    String record = rules.getOrDefault("approvalRecord", variable + "Record");
    Object before = instance.getVariableLocal(record);
    instance.setVariableLocal(record, (before == null ? "" : before + "\n") + user + ": " + answer
        + (comment == null || comment.toString().isBlank() ? "" : " (" + comment + ")"));
    if (rejections > 0 || approvals >= needed) {
      instance.setVariableLocal(variable, answer);
      return;
    }
    String status = "Approved so far by " + String.join(", ", approvers(task, user)) + ". " + (needed - approvals)
        + " more approval(s) needed, each from someone who has not approved yet and did not start this upgrade.";
    for (TaskEntity open : Context.getCommandContext().getTaskManager().findTasksByProcessInstanceId(task.getProcessInstanceId())) {
      if (open.getTaskDefinitionKey().equals(task.getTaskDefinitionKey()) && !open.getId().equals(task.getId())) {
        String documentation = open.getDescription() == null ? "" : open.getDescription().replaceFirst("(?s)^Approved so far by .*?\\n\\n", "");
        open.setDescription(status + "\n\n" + documentation);
      }
    }
  }

  /** The multi-instance body the task belongs to (where nrOfInstances lives), or null. */
  private static ExecutionEntity multiInstanceBody(DelegateTask task) {
    for (ExecutionEntity e = (ExecutionEntity) task.getExecution(); e != null; e = e.getParent()) {
      if (e.hasVariableLocal("nrOfInstances")) {
        return e;
      }
    }
    return null;
  }

  private static int count(ExecutionEntity body, String name) {
    Object value = body.getVariableLocal(name);
    return value == null ? 0 : ((Number) value).intValue();
  }

  private static String starter(CommandContext context, DelegateTask task) {
    HistoricProcessInstanceEventEntity history = context.getHistoricProcessInstanceManager()
        .findHistoricProcessInstance(task.getProcessInstanceId());
    return history == null ? null : history.getStartUserId();
  }

  /** Users who completed tasks of {@code activity} in the task's instance (other than this task). */
  private static Set<String> completers(DelegateTask task, String activity) {
    List<HistoricTaskInstance> done = Context.getCommandContext().runWithoutAuthorization(() ->
        task.getProcessEngineServices().getHistoryService().createHistoricTaskInstanceQuery()
            .processInstanceId(task.getProcessInstanceId()).taskDefinitionKey(activity).finished()
            .taskDeleteReason("completed").list());
    Set<String> users = new LinkedHashSet<>();
    done.stream().filter(t -> !t.getId().equals(task.getId()) && t.getAssignee() != null).forEach(t -> users.add(t.getAssignee()));
    return users;
  }

  private static List<String> approvers(DelegateTask task, String current) {
    List<String> users = new ArrayList<>(completers(task, task.getTaskDefinitionKey()));
    users.add(current);
    return users;
  }

  private static List<String> list(String csv) {
    return csv == null || csv.isBlank() ? List.of() : Arrays.stream(csv.split(",")).map(String::trim).toList();
  }
}
