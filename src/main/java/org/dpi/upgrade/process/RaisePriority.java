package org.dpi.upgrade.process;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.Expression;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.persistence.entity.TaskEntity;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;

/**
 * Execution listener of an approval's reminder and escalation timers: raises the priority of the
 * approval's open tasks to the field {@code priority}, so that Tasklist lists the overdue approval
 * first. The approval itself stays open.
 */
public class RaisePriority implements ExecutionListener {

  private Expression priority;

  @Override
  public void notify(DelegateExecution execution) {
    String approval = ((BoundaryEvent) execution.getBpmnModelElementInstance()).getAttachedTo().getId();
    int value = Integer.parseInt(priority.getValue(execution).toString());
    for (TaskEntity task : Context.getCommandContext().getTaskManager().findTasksByProcessInstanceId(execution.getProcessInstanceId())) {
      if (task.getTaskDefinitionKey().equals(approval) && task.getPriority() < value) {
        task.setPriority(value);
      }
    }
  }
}
