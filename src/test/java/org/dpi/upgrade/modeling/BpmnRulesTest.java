package org.dpi.upgrade.modeling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.Activity;
import org.camunda.bpm.model.bpmn.instance.Artifact;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.CompensateEventDefinition;
import org.camunda.bpm.model.bpmn.instance.Documentation;
import org.camunda.bpm.model.bpmn.instance.Event;
import org.camunda.bpm.model.bpmn.instance.ExclusiveGateway;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.IntermediateThrowEvent;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnEdge;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.junit.jupiter.api.Test;

/**
 * Our own modeling rules, beside bpmnlint (.ci/lint): every user task has a Camunda Form that
 * exists and a candidate group; every compensable step has its compensation throw event in the
 * rollback chain, and the chain undoes steps strictly in reverse of the order they can run; every
 * element has layout (DI); every activity and event has documentation (the runbook's words) and a
 * name, as do deciding gateways and the flows out of them. Compensation boundary events are
 * markers and need neither.
 */
class BpmnRulesTest {

  static final Path PROCESSES = Path.of("processes");

  @Test
  void everyDiagramFollowsTheRules() throws IOException {
    List<Path> diagrams = diagrams();
    assertThat(diagrams).isNotEmpty();
    Set<String> forms = formIds();
    for (Path diagram : diagrams) {
      assertThat(problems(Bpmn.readModelFromFile(diagram.toFile()), forms)).as(diagram.toString()).isEmpty();
    }
  }

  @Test
  void eachRuleFindsItsDefect() throws IOException {
    Path mosip = diagrams().stream().filter(p -> p.toString().contains("mosip")).findFirst().orElseThrow();
    BpmnModelInstance model = Bpmn.readModelFromFile(mosip.toFile());
    UserTask gate = model.getModelElementById("Task_GoNoGo");
    gate.setCamundaFormRef("no-such-form");
    gate.setCamundaCandidateGroups(null);
    // the first two undos swapped: the artifactory would be undone before the services deployed after it
    IntermediateThrowEvent first = model.getModelElementById("Compensate_DeployServices");
    IntermediateThrowEvent second = model.getModelElementById("Compensate_InstallArtifactory1202");
    CompensateEventDefinition a = first.getChildElementsByType(CompensateEventDefinition.class).iterator().next();
    CompensateEventDefinition b = second.getChildElementsByType(CompensateEventDefinition.class).iterator().next();
    var deployed = a.getActivity();
    a.setActivity(b.getActivity());
    b.setActivity(deployed);
    // a compensable step whose throw event is gone
    IntermediateThrowEvent keycloak = model.getModelElementById("Compensate_RerunKeycloakInit");
    keycloak.getChildElementsByType(CompensateEventDefinition.class).forEach(keycloak::removeChildElement);
    BpmnShape shape = model.getModelElementById("Task_LoadPlan_di");
    shape.getParentElement().removeChildElement(shape);
    model.<Activity>getModelElementById("Task_VerifySchema").getDocumentations().forEach(d -> d.setTextContent(" "));
    model.<Activity>getModelElementById("Task_PostUpgradeChecks").setName(null);

    assertThat(problems(model, formIds())).containsExactlyInAnyOrder(
        "Task_GoNoGo: form 'no-such-form' is not in forms/",
        "Task_GoNoGo: user task without candidate group",
        "rollback chain: 'Task_InstallArtifactory1202' is undone before 'Task_DeployServices', which can run after it",
        "Task_RerunKeycloakInit: compensable, but no compensation throw event in the rollback chain undoes it",
        "Task_LoadPlan: no layout (DI)",
        "Task_VerifySchema: no documentation",
        "Task_PostUpgradeChecks: no name");
  }

  static List<String> problems(BpmnModelInstance model, Set<String> forms) {
    List<String> problems = new ArrayList<>();
    for (UserTask task : model.getModelElementsByType(UserTask.class)) {
      String form = task.getCamundaFormRef() != null ? task.getCamundaFormRef() : task.getCamundaFormKey();
      if (form == null || form.isBlank()) {
        problems.add(task.getId() + ": user task without form");
      } else if (task.getCamundaFormRef() != null && !forms.contains(form)) {
        problems.add(task.getId() + ": form '" + form + "' is not in forms/");
      }
      if (task.getCamundaCandidateGroups() == null || task.getCamundaCandidateGroups().isBlank()) {
        problems.add(task.getId() + ": user task without candidate group");
      }
    }
    problems.addAll(rollbackChain(model));
    Set<String> drawn = new HashSet<>();
    model.getModelElementsByType(BpmnShape.class).forEach(s -> drawn.add(s.getBpmnElement().getId()));
    model.getModelElementsByType(BpmnEdge.class).forEach(e -> drawn.add(e.getBpmnElement().getId()));
    List<BaseElement> elements = new ArrayList<>(model.getModelElementsByType(FlowElement.class).stream()
        .filter(e -> e instanceof FlowNode || e instanceof SequenceFlow).toList());
    elements.addAll(model.getModelElementsByType(Artifact.class));
    for (BaseElement element : elements) {
      if (!drawn.contains(element.getId())) {
        problems.add(element.getId() + ": no layout (DI)");
      }
    }
    for (Process process : model.getModelElementsByType(Process.class)) {
      if (!documented(process)) {
        problems.add(process.getId() + ": no documentation");
      }
    }
    for (FlowNode node : model.getModelElementsByType(FlowNode.class)) {
      boolean marker = node instanceof BoundaryEvent && !node.getChildElementsByType(CompensateEventDefinition.class).isEmpty();
      if ((node instanceof Activity || node instanceof Event) && !marker) {
        if (!documented(node)) {
          problems.add(node.getId() + ": no documentation");
        }
        if (node.getName() == null || node.getName().isBlank()) {
          problems.add(node.getId() + ": no name");
        }
      }
      if (node instanceof ExclusiveGateway gateway && outgoing(model, gateway).size() > 1) {
        if (gateway.getName() == null || gateway.getName().isBlank()) {
          problems.add(gateway.getId() + ": deciding gateway without a question as name");
        }
        for (SequenceFlow flow : outgoing(model, gateway)) {
          if (flow != gateway.getDefault() && (flow.getName() == null || flow.getName().isBlank())) {
            problems.add(flow.getId() + ": flow out of '" + gateway.getName() + "' without the answer as name");
          }
        }
      }
    }
    return problems;
  }

  /**
   * Every compensable step (an activity with a compensation boundary event) is undone by exactly one
   * compensation throw event of an event subprocess; along that subprocess's flow, a step is undone
   * before every step that can run before it.
   */
  static List<String> rollbackChain(BpmnModelInstance model) {
    List<String> problems = new ArrayList<>();
    List<String> compensable = model.getModelElementsByType(BoundaryEvent.class).stream()
        .filter(b -> !b.getChildElementsByType(CompensateEventDefinition.class).isEmpty())
        .map(b -> b.getAttachedTo().getId()).toList();
    List<String> chain = new ArrayList<>();
    for (SubProcess sub : model.getModelElementsByType(SubProcess.class)) {
      if (!sub.triggeredByEvent()) {
        continue;
      }
      StartEvent start = sub.getChildElementsByType(StartEvent.class).iterator().next();
      FlowNode node = start;
      Set<FlowNode> seen = new HashSet<>();
      while (node != null && seen.add(node)) {
        for (CompensateEventDefinition c : node.getChildElementsByType(CompensateEventDefinition.class)) {
          if (node instanceof IntermediateThrowEvent && c.getActivity() != null) {
            chain.add(c.getActivity().getId());
            if (!c.isWaitForCompletion()) {
              problems.add(node.getId() + ": does not wait for its undo to finish (waitForCompletion)");
            }
          }
        }
        List<SequenceFlow> out = outgoing(model, node);
        node = out.size() == 1 ? out.get(0).getTarget() : null;
      }
    }
    for (String step : compensable) {
      long times = chain.stream().filter(step::equals).count();
      if (times == 0) {
        problems.add(step + ": compensable, but no compensation throw event in the rollback chain undoes it");
      } else if (times > 1) {
        problems.add(step + ": undone " + times + " times in the rollback chain");
      }
    }
    for (int i = 0; i < chain.size(); i++) {
      for (int j = i + 1; j < chain.size(); j++) {
        // chain[i] is undone first, so chain[j] must not be able to run after chain[i]
        if (reachable(model, chain.get(i), chain.get(j))) {
          problems.add("rollback chain: '" + chain.get(i) + "' is undone before '" + chain.get(j) + "', which can run after it");
        }
      }
    }
    return problems;
  }

  /** Whether {@code to} can run after {@code from} along sequence flows. */
  static boolean reachable(BpmnModelInstance model, String from, String to) {
    Deque<FlowNode> todo = new ArrayDeque<>(List.of(model.<FlowNode>getModelElementById(from)));
    Set<FlowNode> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      FlowNode node = todo.pop();
      for (SequenceFlow flow : outgoing(model, node)) {
        FlowNode next = flow.getTarget();
        if (next.getId().equals(to)) {
          return true;
        }
        if (seen.add(next)) {
          todo.push(next);
        }
      }
    }
    return false;
  }

  /** Flows out of the node by their sourceRef (diagrams may leave out the optional outgoing references). */
  static List<SequenceFlow> outgoing(BpmnModelInstance model, FlowNode node) {
    return model.getModelElementsByType(SequenceFlow.class).stream().filter(f -> f.getSource() == node).toList();
  }

  static boolean documented(BaseElement element) {
    Collection<Documentation> docs = element.getDocumentations();
    return docs.stream().anyMatch(d -> d.getTextContent() != null && !d.getTextContent().isBlank());
  }

  static List<Path> diagrams() throws IOException {
    try (Stream<Path> files = Files.walk(PROCESSES)) {
      return files.filter(p -> p.toString().endsWith(".bpmn")).sorted().toList();
    }
  }

  static Set<String> formIds() throws IOException {
    try (Stream<Path> forms = Files.list(Path.of("forms"))) {
      ObjectMapper json = new ObjectMapper();
      return forms.filter(p -> p.toString().endsWith(".form")).map(p -> {
        try {
          return json.readTree(p.toFile()).get("id").asText();
        } catch (IOException e) {
          throw new IllegalStateException(p + " is not JSON", e);
        }
      }).collect(Collectors.toSet());
    }
  }
}
