package org.dpi.upgrade.process;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;

/**
 * Checks a user task's answers on the server before it completes, whatever client submitted
 * them. An answer counts only when it was sent with this task's own completion: it is read from the
 * task's own scope, where the task's input mapping creates it empty (the BPMN then copies it to the
 * process with an output mapping); a variable of the same name elsewhere in the process is ignored.
 * The rules are the task's extension properties:
 * <ul>
 *   <li>{@code requireValue = variable=a|b|c}: the variable holds one of the listed values;</li>
 *   <li>{@code requireTrue = variable}: the variable is boolean true (a confirmation);</li>
 *   <li>{@code requireText = variable}: the variable is a non-blank text.</li>
 * </ul>
 * A broken rule rejects the completion with a message naming what to fill in; nothing changes.
 * Then {@link Approvers} checks who may answer (four-eyes) and counts N-of-M approvals.
 */
public class CompletionGuard implements TaskListener {

  @Override
  public void notify(DelegateTask task) {
    List<String> problems = new ArrayList<>();
    var scope = task.getExecution();
    for (CamundaProperty rule : rules(task)) {
      String spec = rule.getCamundaValue();
      switch (rule.getCamundaName()) {
        case "requireValue" -> {
          String variable = spec.substring(0, spec.indexOf('='));
          List<String> allowed = Arrays.asList(spec.substring(spec.indexOf('=') + 1).split("\\|"));
          Object value = scope.getVariableLocal(variable);
          if (value == null || !allowed.contains(value.toString())) {
            problems.add("'" + variable + "' must be one of " + allowed + " (it is " + describe(value) + ")");
          }
        }
        case "requireTrue" -> {
          if (!Boolean.TRUE.equals(scope.getVariableLocal(spec))) {
            problems.add("'" + spec + "' must be confirmed (it is " + describe(scope.getVariableLocal(spec)) + ")");
          }
        }
        case "requireText" -> {
          Object value = scope.getVariableLocal(spec);
          if (value == null || value.toString().isBlank()) {
            problems.add("'" + spec + "' must be filled in");
          }
        }
        default -> { }
      }
    }
    if (!problems.isEmpty()) {
      throw Refusal.invalid(user(), "'" + task.getName() + "' cannot be completed yet: " + String.join("; ", problems));
    }
    Map<String, String> byName = new HashMap<>();
    rules(task).forEach(r -> byName.put(r.getCamundaName(), r.getCamundaValue()));
    Approvers.check(task, byName);
    Approvers.count(task, byName);
  }

  private static List<CamundaProperty> rules(DelegateTask task) {
    var extensions = task.getBpmnModelElementInstance().getExtensionElements();
    if (extensions == null) {
      return List.of();
    }
    return extensions.getElementsQuery().filterByType(CamundaProperties.class).list().stream()
        .flatMap(p -> p.getCamundaProperties().stream()).toList();
  }

  private static String user() {
    return Context.getCommandContext() == null ? null : Context.getCommandContext().getAuthenticatedUserId();
  }

  private static String describe(Object value) {
    return value == null ? "not set" : "'" + value + "'";
  }
}
