package org.dpi.upgrade.process;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;

/**
 * Checks a user task's answers on the server before it completes, whatever client submitted
 * them. The rules are the task's extension properties:
 * <ul>
 *   <li>{@code requireValue = variable=a|b|c}: the variable holds one of the listed values;</li>
 *   <li>{@code requireTrue = variable}: the variable is boolean true (a confirmation);</li>
 *   <li>{@code requireText = variable}: the variable is a non-blank text.</li>
 * </ul>
 * A broken rule rejects the completion with a message naming what to fill in; nothing changes.
 */
public class CompletionGuard implements TaskListener {

  @Override
  public void notify(DelegateTask task) {
    List<String> problems = new ArrayList<>();
    for (CamundaProperty rule : rules(task)) {
      String spec = rule.getCamundaValue();
      switch (rule.getCamundaName()) {
        case "requireValue" -> {
          String variable = spec.substring(0, spec.indexOf('='));
          List<String> allowed = Arrays.asList(spec.substring(spec.indexOf('=') + 1).split("\\|"));
          Object value = task.getVariable(variable);
          if (value == null || !allowed.contains(value.toString())) {
            problems.add("'" + variable + "' must be one of " + allowed + " (it is " + describe(value) + ")");
          }
        }
        case "requireTrue" -> {
          if (!Boolean.TRUE.equals(task.getVariable(spec))) {
            problems.add("'" + spec + "' must be confirmed (it is " + describe(task.getVariable(spec)) + ")");
          }
        }
        case "requireText" -> {
          Object value = task.getVariable(spec);
          if (value == null || value.toString().isBlank()) {
            problems.add("'" + spec + "' must be filled in");
          }
        }
        default -> { }
      }
    }
    if (!problems.isEmpty()) {
      throw new ProcessEngineException("'" + task.getName() + "' cannot be completed yet: "
          + String.join("; ", problems));
    }
  }

  private static List<CamundaProperty> rules(DelegateTask task) {
    var extensions = task.getBpmnModelElementInstance().getExtensionElements();
    if (extensions == null) {
      return List.of();
    }
    return extensions.getElementsQuery().filterByType(CamundaProperties.class).list().stream()
        .flatMap(p -> p.getCamundaProperties().stream()).toList();
  }

  private static String describe(Object value) {
    return value == null ? "not set" : "'" + value + "'";
  }
}
