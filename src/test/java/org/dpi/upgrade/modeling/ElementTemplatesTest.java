package org.dpi.upgrade.modeling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputOutput;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputParameter;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.classreading.MetadataReader;

/**
 * The Camunda Modeler element templates (processes/.camunda/element-templates, checked against
 * Camunda's schema by .ci/lint) cover every external-task topic of every diagram and every gate
 * kind, give the inputs the diagrams give, and match the workers: one template per worker topic,
 * and every input a template offers is a name its worker reads.
 */
class ElementTemplatesTest {

  static final Path TEMPLATES = Path.of("processes", ".camunda", "element-templates");
  static final Path CLASSES = Path.of("target", "classes");

  /** One template: what it sets on the element. */
  record Template(String id, String elementType, String topic, Set<String> inputs, Set<String> requiredInputs,
                  Set<String> properties, Set<String> groups) {
  }

  @Test
  void everyTopicOfEveryDiagramHasItsTemplateWithTheInputsTheDiagramGives() throws IOException {
    Map<String, Template> byTopic = topics(templates());
    for (Path diagram : BpmnRulesTest.diagrams()) {
      BpmnModelInstance model = Bpmn.readModelFromFile(diagram.toFile());
      for (ServiceTask task : model.getModelElementsByType(ServiceTask.class)) {
        if (!"external".equals(task.getCamundaType())) {
          continue;
        }
        String where = diagram + " " + task.getId();
        Template template = byTopic.get(task.getCamundaTopic());
        assertThat(template).as("%s: a template for topic %s", where, task.getCamundaTopic()).isNotNull();
        Set<String> inputs = inputs(task);
        assertThat(template.inputs()).as("%s: the template offers every input the diagram gives", where).containsAll(inputs);
        assertThat(inputs).as("%s: the diagram gives every input the template requires", where)
            .containsAll(template.requiredInputs());
      }
    }
  }

  @Test
  void everyWorkerTopicHasOneTemplateAndTheWorkerReadsEveryInputOfIt() throws Exception {
    Map<String, Template> byTopic = topics(templates());
    Map<String, Class<?>> workers = workers();
    assertThat(byTopic.keySet()).as("template topics = worker topics").containsExactlyInAnyOrderElementsOf(workers.keySet());
    for (Map.Entry<String, Class<?>> worker : workers.entrySet()) {
      Set<String> constants = constantsReadBy(worker.getValue());
      for (String input : byTopic.get(worker.getKey()).inputs()) {
        assertThat(constants).as("%s (%s) reads the input '%s'", worker.getValue().getSimpleName(), worker.getKey(), input)
            .contains(input);
      }
    }
  }

  @Test
  void everyUserTaskOfEveryDiagramMatchesTheTemplateOfItsGateKind() throws IOException {
    Map<String, Template> byId = templates().stream().collect(Collectors.toMap(Template::id, t -> t));
    assertThat(byId).containsKeys("org.dpi.upgrade.gate.decision", "org.dpi.upgrade.gate.confirmation",
        "org.dpi.upgrade.gate.review");
    for (Path diagram : BpmnRulesTest.diagrams()) {
      for (UserTask task : Bpmn.readModelFromFile(diagram.toFile()).getModelElementsByType(UserTask.class)) {
        Set<String> rules = properties(task);
        String kind = rules.contains("requireValue") ? "decision" : rules.contains("requireTrue") ? "confirmation" : "review";
        Template template = byId.get("org.dpi.upgrade.gate." + kind);
        assertThat(template.properties()).as("%s %s: the %s gate's template offers its properties", diagram, task.getId(), kind)
            .containsAll(rules);
        assertThat(template.groups()).as("%s %s: candidate group", diagram, task.getId()).contains(task.getCamundaCandidateGroups());
      }
    }
  }

  static List<Template> templates() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Template> templates = new ArrayList<>();
    try (Stream<Path> files = Files.list(TEMPLATES)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        for (JsonNode t : json.readTree(file.toFile())) {
          String topic = null;
          Set<String> inputs = new LinkedHashSet<>();
          Set<String> required = new HashSet<>();
          Set<String> properties = new HashSet<>();
          Set<String> groups = new HashSet<>();
          for (JsonNode p : t.get("properties")) {
            JsonNode binding = p.get("binding");
            String name = binding.path("name").asText();
            switch (binding.get("type").asText()) {
              case "property" -> {
                if (name.equals("camunda:topic")) {
                  topic = p.get("value").asText();
                } else if (name.equals("camunda:candidateGroups")) {
                  p.path("choices").forEach(c -> groups.add(c.get("value").asText()));
                }
              }
              case "camunda:inputParameter" -> {
                inputs.add(name);
                if (p.path("constraints").path("notEmpty").asBoolean()) {
                  required.add(name);
                }
              }
              case "camunda:property" -> properties.add(name);
              default -> { }
            }
          }
          templates.add(new Template(t.get("id").asText(), t.path("elementType").path("value").asText(), topic, inputs,
              required, properties, groups));
        }
      }
    }
    assertThat(templates).extracting(Template::id).doesNotHaveDuplicates();
    return templates;
  }

  static Map<String, Template> topics(List<Template> templates) {
    Map<String, Template> byTopic = new TreeMap<>();
    for (Template t : templates) {
      if (t.topic() != null) {
        assertThat(byTopic.put(t.topic(), t)).as("one template for topic %s", t.topic()).isNull();
      }
    }
    return byTopic;
  }

  static Set<String> inputs(ServiceTask task) {
    Set<String> names = new HashSet<>();
    if (task.getExtensionElements() != null) {
      for (CamundaInputOutput io : task.getExtensionElements().getChildElementsByType(CamundaInputOutput.class)) {
        io.getCamundaInputParameters().stream().map(CamundaInputParameter::getCamundaName).forEach(names::add);
      }
    }
    return names;
  }

  static Set<String> properties(UserTask task) {
    if (task.getExtensionElements() == null) {
      return Set.of();
    }
    return task.getExtensionElements().getChildElementsByType(CamundaProperties.class).stream()
        .flatMap(p -> p.getCamundaProperties().stream()).map(CamundaProperty::getCamundaName).collect(Collectors.toSet());
  }

  /** Topic to worker class, from the {@code @ExternalTaskSubscription} of every worker of the application. */
  static Map<String, Class<?>> workers() throws ClassNotFoundException {
    // every worker, whatever its @ConditionalOnWorkers says
    var scanner = new ClassPathScanningCandidateComponentProvider(false) {
      @Override
      protected boolean isCandidateComponent(MetadataReader reader) {
        return reader.getAnnotationMetadata().hasAnnotation(ExternalTaskSubscription.class.getName());
      }
    };
    Map<String, Class<?>> workers = new TreeMap<>();
    for (var candidate : scanner.findCandidateComponents("org.dpi.upgrade")) {
      Class<?> type = Class.forName(candidate.getBeanClassName());
      ExternalTaskSubscription subscription = type.getAnnotation(ExternalTaskSubscription.class);
      workers.put(subscription.value().isEmpty() ? subscription.topicName() : subscription.value(), type);
    }
    return workers;
  }

  /**
   * The string constants of the worker, of its superclasses and of the classes of the application
   * they use directly: the variable names the worker can read.
   */
  static Set<String> constantsReadBy(Class<?> worker) throws IOException {
    Set<String> constants = new HashSet<>();
    Set<String> classes = new LinkedHashSet<>();
    for (Class<?> c = worker; c != null && c.getName().startsWith("org.dpi.upgrade"); c = c.getSuperclass()) {
      classes.add(c.getName().replace('.', '/'));
    }
    for (String type : List.copyOf(classes)) {
      for (String constant : utf8Constants(type)) {
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("org/dpi/upgrade/[\\w/$]+").matcher(constant);
        while (used.find()) {
          classes.add(used.group());
        }
      }
    }
    for (String type : classes) {
      constants.addAll(utf8Constants(type));
    }
    return constants;
  }

  /** The UTF-8 entries of a compiled class's constant pool (string literals, names, descriptors). */
  static List<String> utf8Constants(String internalName) throws IOException {
    Path file = CLASSES.resolve(internalName + ".class");
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String> values = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
      in.readInt();
      in.readUnsignedShort();
      in.readUnsignedShort();
      int count = in.readUnsignedShort();
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> values.add(in.readUTF());
          case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
          case 5, 6 -> {
            in.skipNBytes(8);
            i++;
          }
          case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
          case 15 -> in.skipNBytes(3);
          default -> throw new IOException(file + ": unknown constant pool tag " + tag);
        }
      }
    }
    return values;
  }
}
