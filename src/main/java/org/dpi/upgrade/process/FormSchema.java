package org.dpi.upgrade.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.variable.VariableMap;
import org.camunda.bpm.engine.variable.value.SerializableValue;
import org.camunda.bpm.engine.variable.value.TypedValue;

/**
 * The fields of a Camunda Form (form-js schema) with the rules the server checks when a start or a
 * task completion sends them: type, required, length ({@code validate.minLength/maxLength}),
 * enumeration ({@code values}), pattern ({@code validate.pattern}) and range. A field is an
 * <em>answer</em> when the user may edit it; read-only fields only show variables. A field with the
 * custom property {@code inputPath} ({@code file} or {@code directory}) names a file on the
 * orchestrator host and is checked by {@link InputPaths}.
 */
public final class FormSchema {

  /** Text longer than this is refused when the form sets no {@code maxLength} (the engine stores 4,000). */
  static final int DEFAULT_MAX_LENGTH = 4000;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One keyed form field and its rules. */
  public record Field(String key, String type, boolean readonly, boolean required, Integer minLength,
      Integer maxLength, Pattern pattern, Double min, Double max, Set<String> values, String inputPath) {

    boolean answer() {
      return !readonly;
    }

    /** What is wrong with {@code value} for this field, or null; {@code value} may be a {@link TypedValue}. */
    String problem(Object value) {
      Object plain = plain(value);
      if (plain == null || (plain instanceof String s && s.isEmpty())) {
        return required ? "'" + key + "' is required" : null;
      }
      return switch (type) {
        case "checkbox" -> plain instanceof Boolean b ? (required && !b ? "'" + key + "' must be checked" : null)
            : "'" + key + "' must be true or false";
        case "number" -> number(plain);
        case "checklist", "taglist" -> list(plain);
        case "datetime" -> plain instanceof Date || plain instanceof String ? text(plain.toString()) : "'" + key + "' must be a date";
        default -> plain instanceof String s ? text(s) : "'" + key + "' must be text";
      };
    }

    private String text(String s) {
      int limit = maxLength == null ? DEFAULT_MAX_LENGTH : maxLength;
      if (s.length() > limit) {
        return "'" + key + "' is too long (" + s.length() + " characters, at most " + limit + ")";
      }
      if (minLength != null && s.length() < minLength) {
        return "'" + key + "' is too short (at least " + minLength + " characters)";
      }
      if (!values.isEmpty() && !values.contains(s)) {
        return "'" + key + "' must be one of " + values;
      }
      if (pattern != null && !pattern.matcher(s).matches()) {
        return "'" + key + "' does not have the expected form (" + pattern.pattern() + ")";
      }
      return null;
    }

    private String number(Object plain) {
      if (!(plain instanceof Number n)) {
        return "'" + key + "' must be a number";
      }
      if ((min != null && n.doubleValue() < min) || (max != null && n.doubleValue() > max)) {
        return "'" + key + "' must be between " + min + " and " + max;
      }
      return null;
    }

    private String list(Object plain) {
      List<String> items = new ArrayList<>();
      if (plain instanceof Collection<?> c) {
        c.forEach(i -> items.add(String.valueOf(i)));
      } else if (plain instanceof String s && s.length() <= DEFAULT_MAX_LENGTH) {
        try {
          JsonNode array = JSON.readTree(s);
          if (array == null || !array.isArray()) {
            return "'" + key + "' must be a list of " + values;
          }
          array.forEach(i -> items.add(i.asText()));
        } catch (IOException e) {
          return "'" + key + "' must be a list of " + values;
        }
      } else {
        return "'" + key + "' must be a list of " + values;
      }
      if (required && items.isEmpty()) {
        return "'" + key + "' is required";
      }
      return values.containsAll(items) ? null : "'" + key + "' may only contain " + values;
    }
  }

  private final String id;
  private final Map<String, Field> fields;

  private FormSchema(String id, Map<String, Field> fields) {
    this.id = id;
    this.fields = fields;
  }

  public static FormSchema parse(byte[] json) {
    try {
      JsonNode root = JSON.readTree(json);
      Map<String, Field> fields = new LinkedHashMap<>();
      collect(root.path("components"), fields);
      return new FormSchema(root.path("id").asText(), fields);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a form-js schema: " + e.getMessage(), e);
    }
  }

  private static void collect(JsonNode components, Map<String, Field> fields) {
    for (JsonNode c : components) {
      collect(c.path("components"), fields);
      String key = c.path("key").asText("");
      if (key.isEmpty()) {
        continue;
      }
      JsonNode validate = c.path("validate");
      Set<String> values = new LinkedHashSet<>();
      c.path("values").forEach(v -> values.add(v.path("value").asText()));
      String pattern = validate.path("pattern").asText("");
      fields.put(key, new Field(key, c.path("type").asText(), c.path("readonly").asBoolean(false) || c.path("disabled").asBoolean(false),
          validate.path("required").asBoolean(false),
          validate.has("minLength") ? validate.get("minLength").asInt() : null,
          validate.has("maxLength") ? validate.get("maxLength").asInt() : null,
          pattern.isEmpty() ? null : Pattern.compile(pattern),
          validate.has("min") ? validate.get("min").asDouble() : null,
          validate.has("max") ? validate.get("max").asDouble() : null,
          values, c.path("properties").path("inputPath").asText(null)));
    }
  }

  public String id() {
    return id;
  }

  public Field field(String key) {
    return fields.get(key);
  }

  public Collection<Field> fields() {
    return fields.values();
  }

  /** Keys of the fields the user may edit. */
  public Set<String> answers() {
    Set<String> answers = new LinkedHashSet<>();
    fields.values().stream().filter(Field::answer).forEach(f -> answers.add(f.key()));
    return answers;
  }

  /**
   * Every problem of {@code variables} against the answer fields: unknown or read-only names, wrong
   * types, lengths, values, patterns, and missing required answers.
   */
  public List<String> problems(Map<String, ?> variables) {
    List<String> problems = new ArrayList<>();
    for (String name : variables.keySet()) {
      Field field = fields.get(name);
      if (field == null || !field.answer()) {
        problems.add("'" + name + "' is not " + (field == null ? "a field" : "an answer field") + " of form '" + id + "'");
      }
    }
    for (Field field : fields.values()) {
      if (field.answer()) {
        Object value = variables instanceof VariableMap typed ? typed.getValueTyped(field.key()) : variables.get(field.key());
        String problem = field.problem(value);
        if (problem != null) {
          problems.add(problem);
        }
      }
    }
    return problems;
  }

  /** The plain value of a variable given plainly or as a typed value (JSON values as their text). */
  public static Object plain(Object value) {
    if (value instanceof SerializableValue serializable) {
      return serializable.getValueSerialized();
    }
    return value instanceof TypedValue typed ? typed.getValue() : value;
  }
}
