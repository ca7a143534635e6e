package org.dpi.upgrade.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import org.camunda.bpm.client.task.ExternalTask;
import org.camunda.bpm.engine.variable.value.SerializableValue;
import org.camunda.bpm.engine.variable.value.TypedValue;

/** Reads an external task's input variable as JSON, whatever form it arrives in (Spin JSON, string, list, map). */
public final class TaskVariables {

  public static final ObjectMapper JSON = new ObjectMapper();

  private TaskVariables() {
  }

  /** The variable as JSON; {@link NullNode} when absent. */
  public static JsonNode json(ExternalTask task, String name) {
    TypedValue typed = task.getVariableTyped(name, false);
    try {
      if (typed == null || (typed.getValue() == null && !(typed instanceof SerializableValue))) {
        return NullNode.getInstance();
      }
      if (typed instanceof SerializableValue s && "application/json".equals(s.getSerializationDataFormat())) {
        return JSON.readTree(s.getValueSerialized());
      }
      Object value = typed instanceof SerializableValue ? task.getVariable(name) : typed.getValue();
      return value instanceof String text ? JSON.readTree(text) : JSON.valueToTree(value);
    } catch (Exception e) {
      throw new IllegalArgumentException("input variable '" + name + "' is not JSON: " + e.getMessage(), e);
    }
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
