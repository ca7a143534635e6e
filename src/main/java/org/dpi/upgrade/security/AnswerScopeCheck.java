package org.dpi.upgrade.security;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.impl.persistence.deploy.Deployer;
import org.camunda.bpm.engine.impl.persistence.entity.DeploymentEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ResourceEntity;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputOutput;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputParameter;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;
import org.dpi.upgrade.process.DeployedForms;
import org.dpi.upgrade.process.FormSchema;

/**
 * Refuses a new deployment whose user tasks would take answers from outside: every answer field of
 * a user task's form, and every variable its completion rules check, must be an input parameter of
 * the task, so that it exists only in the task's own scope and only the task's own completion sets
 * it. Deployments already in the database are not checked again.
 */
public class AnswerScopeCheck implements Deployer {

  private static final Set<String> RULES = Set.of("requireValue", "requireTrue", "requireText");

  @Override
  public void deploy(DeploymentEntity deployment) {
    if (!deployment.isNew()) {
      return;
    }
    Map<String, ResourceEntity> resources = deployment.getResources();
    Map<String, FormSchema> forms = DeployedForms.parse(resources);
    List<String> problems = new ArrayList<>();
    resources.values().stream().filter(r -> r.getName().endsWith(".bpmn") || r.getName().endsWith(".bpmn20.xml"))
        .forEach(resource -> {
          BpmnModelInstance model = Bpmn.readModelFromStream(new ByteArrayInputStream(resource.getBytes()));
          for (UserTask task : model.getModelElementsByType(UserTask.class)) {
            check(resource.getName(), task, forms.get(task.getCamundaFormRef()), problems);
          }
        });
    if (!problems.isEmpty()) {
      throw new ProcessEngineException("Deployment '" + deployment.getName() + "' refused, answers must be local to "
          + "their task (declare them as input parameters): " + String.join("; ", problems));
    }
  }

  private static void check(String resource, UserTask task, FormSchema form, List<String> problems) {
    Set<String> local = task.getExtensionElements() == null ? Set.of()
        : task.getExtensionElements().getElementsQuery().filterByType(CamundaInputOutput.class).list().stream()
            .flatMap(io -> io.getCamundaInputParameters().stream()).map(CamundaInputParameter::getCamundaName)
            .collect(Collectors.toSet());
    List<String> answers = new ArrayList<>(form == null ? Set.of() : form.answers());
    if (task.getExtensionElements() != null) {
      task.getExtensionElements().getElementsQuery().filterByType(CamundaProperties.class).list().stream()
          .flatMap(p -> p.getCamundaProperties().stream()).filter(p -> RULES.contains(p.getCamundaName()))
          .map(CamundaProperty::getCamundaValue).map(v -> v.contains("=") ? v.substring(0, v.indexOf('=')) : v)
          .forEach(answers::add);
    }
    answers.stream().distinct().filter(a -> !local.contains(a))
        .forEach(a -> problems.add(resource + " " + task.getId() + ": '" + a + "'"));
  }
}
