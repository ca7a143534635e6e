package org.dpi.upgrade.process;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.deploy.cache.DeploymentCache;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ResourceEntity;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;

/**
 * The Camunda Forms a process definition's start event and user tasks reference ({@code camunda:formRef},
 * binding {@code deployment}), read from the definition's own deployment. Deployments never change,
 * so the parsed forms are kept per deployment.
 */
public final class DeployedForms {

  private static final Map<String, Map<String, FormSchema>> BY_DEPLOYMENT = new ConcurrentHashMap<>();

  private DeployedForms() {}

  /** The form of the activity (start event or user task), or null when it has none. */
  public static FormSchema of(CommandContext context, String processDefinitionId, String activityId) {
    ProcessDefinitionEntity definition = cache(context).findDeployedProcessDefinitionById(processDefinitionId);
    ModelElementInstance element = model(context, processDefinitionId).getModelElementById(activityId);
    String ref = element instanceof UserTask task ? task.getCamundaFormRef()
        : element instanceof StartEvent start ? start.getCamundaFormRef() : null;
    return ref == null ? null : forms(context, definition.getDeploymentId()).get(ref);
  }

  /** The form of the definition's start event (the one an instance starts at), or null. */
  public static FormSchema ofStart(CommandContext context, String processDefinitionId) {
    ProcessDefinitionEntity definition = cache(context).findDeployedProcessDefinitionById(processDefinitionId);
    return of(context, processDefinitionId, definition.getInitial().getId());
  }

  /** The answer fields of every form the definition uses, which only their own start or task sets. */
  public static Set<String> answersOf(CommandContext context, String processDefinitionId) {
    ProcessDefinitionEntity definition = cache(context).findDeployedProcessDefinitionById(processDefinitionId);
    Map<String, FormSchema> forms = forms(context, definition.getDeploymentId());
    BpmnModelInstance model = model(context, processDefinitionId);
    Set<String> answers = new LinkedHashSet<>();
    for (UserTask task : model.getModelElementsByType(UserTask.class)) {
      FormSchema form = forms.get(task.getCamundaFormRef());
      if (form != null) {
        answers.addAll(form.answers());
      }
    }
    for (StartEvent start : model.getModelElementsByType(StartEvent.class)) {
      FormSchema form = forms.get(start.getCamundaFormRef());
      if (form != null) {
        answers.addAll(form.answers());
      }
    }
    return answers;
  }

  /** Forms by id, parsed from the resources given (e.g. a deployment being parsed). */
  public static Map<String, FormSchema> parse(Map<String, ResourceEntity> resources) {
    Map<String, FormSchema> forms = new LinkedHashMap<>();
    resources.values().stream().filter(r -> r.getName().endsWith(".form")).forEach(r -> {
      FormSchema form = FormSchema.parse(r.getBytes());
      forms.put(form.id(), form);
    });
    return forms;
  }

  private static Map<String, FormSchema> forms(CommandContext context, String deploymentId) {
    return BY_DEPLOYMENT.computeIfAbsent(deploymentId, id -> {
      Map<String, ResourceEntity> resources = new LinkedHashMap<>();
      context.getResourceManager().findResourcesByDeploymentId(id).forEach(r -> resources.put(r.getName(), r));
      return parse(resources);
    });
  }

  private static BpmnModelInstance model(CommandContext context, String processDefinitionId) {
    return cache(context).findBpmnModelInstanceForProcessDefinition(processDefinitionId);
  }

  private static DeploymentCache cache(CommandContext context) {
    return context.getProcessEngineConfiguration().getDeploymentCache();
  }
}
