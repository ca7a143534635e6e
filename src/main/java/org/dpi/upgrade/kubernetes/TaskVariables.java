package org.dpi.upgrade.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.camunda.bpm.client.task.ExternalTask;
import org.camunda.bpm.engine.variable.value.SerializableValue;
import org.camunda.bpm.engine.variable.value.TypedValue;

/**
 * Reads an external task's input variable as JSON, whatever form it arrives in (Spin JSON, JSON text,
 * list, map); any other string is a text node.
 */
public final class TaskVariables {

  public static final ObjectMapper JSON = new ObjectMapper();
  private static final String JAVA_SERIALIZED = "application/x-java-serialized-object";

  private TaskVariables() {
  }

  /** The variable as JSON; {@link NullNode} when absent. */
  public static JsonNode json(ExternalTask task, String name) {
    TypedValue typed = task.getVariableTyped(name, false);
    try {
      if (typed instanceof SerializableValue s && s.getValueSerialized() != null) {
        return JAVA_SERIALIZED.equals(s.getSerializationDataFormat()) ? JSON.valueToTree(javaList(s.getValueSerialized()))
            : JSON.readTree(s.getValueSerialized());
      }
      Object value = typed == null ? null : typed.getValue();
      if (value == null) {
        return NullNode.getInstance();
      }
      if (value instanceof String text) {
        String trimmed = text.trim();
        return trimmed.startsWith("{") || trimmed.startsWith("[") || trimmed.startsWith("\"")
            ? JSON.readTree(text) : TextNode.valueOf(text);
      }
      return JSON.valueToTree(value);
    } catch (Exception e) {
      throw new IllegalArgumentException("input variable '" + name + "' is not JSON: " + e.getMessage(), e);
    }
  }

  /**
   * A {@code camunda:list} input arrives Java-serialized; only java.util collections of strings are
   * read (deserialization filter), anything else is rejected.
   */
  private static Object javaList(String base64) throws Exception {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(base64)))) {
      in.setObjectInputFilter(ObjectInputFilter.Config.createFilter(
          "java.util.*;java.lang.String;java.lang.Object;maxdepth=4;!*"));
      return in.readObject();
    }
  }

  /** The texts of a JSON list: the variable itself ({@code path} empty) or a list field of it. */
  public static List<String> strings(ExternalTask task, String name, String... path) {
    JsonNode node = json(task, name);
    for (String field : path) {
      node = node.path(field);
    }
    List<String> values = new ArrayList<>();
    node.forEach(v -> values.add(v.asText()));
    return values;
  }

  public static <T> T json(ExternalTask task, String name, Class<T> type) {
    try {
      return JSON.treeToValue(json(task, name), type);
    } catch (Exception e) {
      throw new IllegalArgumentException("input variable '" + name + "' does not have the expected shape: "
          + e.getMessage(), e);
    }
  }
}
