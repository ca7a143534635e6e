package org.dpi.upgrade.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an upgrade plan (YAML) and checks the structure every step relies on. All problems are
 * collected, so the operator fixes the plan in one go.
 */
public final class PlanReader {

  /** Per platform, the sections that must be present, each with the fields a step reads. */
  private static final Map<String, Map<String, List<String>>> REQUIRED = Map.of(
      "mosip", Map.of(
          "gates", List.of("dueAfter", "remindAfter", "escalateAfter", "schemaUpgradeApprovers"),
          "kubernetes.backup", List.of("namespaces", "configMaps", "secrets", "encryptionKey", "store"),
          "helm", List.of("uninstall", "deploy", "skip"),
          "helm.deploy", List.of("modules", "readinessTimeout"),
          "postgres", List.of("upgradeCsv", "scriptsRoot", "databases", "backup", "onRollbackMismatch"),
          "objectstore", List.of("buckets"),
          "config", List.of("oldRepository", "newRepository", "migratedBranch", "knowledgeBase")),
      "alfresco-identity", Map.of(
          "gates", List.of("dueAfter"),
          "kubernetes.backup", List.of("namespaces", "configMaps", "secrets", "encryptionKey", "store"),
          "helm.identity", List.of("release", "namespace", "chart", "version", "oldVersion"),
          "postgres", List.of("databases", "backup", "onRollbackMismatch")));

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private PlanReader() {}

  /**
   * Parses and checks a plan, then applies the operator's overrides (dotted path to value; blank
   * values are ignored).
   *
   * @throws InvalidPlanException listing every problem found
   */
  public static ObjectNode read(InputStream yaml, String source, Map<String, String> overrides) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new InvalidPlanException(source, List.of("not valid YAML: " + e.getMessage()));
    }
    if (!(root instanceof ObjectNode plan)) {
      throw new InvalidPlanException(source, List.of("the plan must be a YAML mapping"));
    }
    overrides.forEach((path, value) -> {
      if (value != null && !value.isBlank()) {
        set(plan, path, value.trim());
      }
    });
    List<String> problems = check(plan);
    if (!problems.isEmpty()) {
      throw new InvalidPlanException(source, problems);
    }
    return plan;
  }

  static List<String> check(ObjectNode plan) {
    List<String> problems = new ArrayList<>();
    for (String field : List.of("planVersion", "platform", "from", "to")) {
      if (text(plan.get(field)).isEmpty()) {
        problems.add("'" + field + "' is missing");
      }
    }
    String platform = text(plan.get("platform"));
    Map<String, List<String>> required = REQUIRED.get(platform);
    if (required == null) {
      if (!platform.isEmpty()) {
        problems.add("platform '" + platform + "' is not known (known: " + REQUIRED.keySet().stream().sorted().toList() + ")");
      }
      required = Map.of();
    }
    required.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      JsonNode section = at(plan, e.getKey());
      if (section == null || !section.isObject()) {
        problems.add("section '" + e.getKey() + "' is missing");
        return;
      }
      for (String field : e.getValue()) {
        JsonNode v = section.get(field);
        if (v == null || v.isNull() || (v.isContainerNode() && v.isEmpty()) || (v.isTextual() && v.asText().isBlank())) {
          problems.add("'" + e.getKey() + "." + field + "' is missing or empty");
        }
      }
    });
    JsonNode modules = at(plan, "helm.deploy.modules");
    Set<String> names = new HashSet<>();
    if (modules != null && modules.isArray()) {
      for (int i = 0; i < modules.size(); i++) {
        JsonNode m = modules.get(i);
        for (String field : List.of("name", "namespace", "chart", "version")) {
          if (text(m.get(field)).isEmpty()) {
            problems.add("'helm.deploy.modules[" + i + "]." + field + "' is missing");
          }
        }
        String name = text(m.get("name"));
        if (!name.isEmpty() && !names.add(name)) {
          problems.add("module '" + name + "' is listed twice in helm.deploy.modules");
        }
      }
    }
    JsonNode skip = at(plan, "helm.skip");
    if (skip != null && skip.isArray()) {
      for (JsonNode s : skip) {
        if (names.contains(s.asText())) {
          problems.add("release '" + s.asText() + "' is both deployed and skipped");
        }
      }
    }
    for (String field : List.of("dueAfter", "remindAfter", "escalateAfter")) {
      String duration = text(at(plan, "gates." + field));
      try {
        if (!duration.isEmpty() && Duration.parse(duration).isNegative()) {
          problems.add("'gates." + field + "' must not be negative");
        }
      } catch (DateTimeParseException e) {
        problems.add("'gates." + field + "' must be an ISO-8601 duration such as PT4H, not '" + duration + "'");
      }
    }
    JsonNode approvers = at(plan, "gates.schemaUpgradeApprovers");
    if (approvers != null && !(approvers.isInt() && approvers.asInt() >= 1)) {
      problems.add("'gates.schemaUpgradeApprovers' must be a whole number of at least 1");
    }
    String mismatch = text(at(plan, "postgres.onRollbackMismatch"));
    if (!mismatch.isEmpty() && !List.of("restore", "ask-dba").contains(mismatch)) {
      problems.add("'postgres.onRollbackMismatch' must be 'restore' or 'ask-dba', not '" + mismatch + "'");
    }
    return problems;
  }

  /** The node at a dotted path, or null. */
  public static JsonNode at(JsonNode root, String path) {
    JsonNode node = root;
    for (String part : path.split("\\.")) {
      node = node == null ? null : node.get(part);
    }
    return node;
  }

  private static void set(ObjectNode root, String path, String value) {
    String[] parts = path.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      node = node.get(parts[i]) instanceof ObjectNode child ? child : node.putObject(parts[i]);
    }
    node.put(parts[parts.length - 1], value);
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() || node.isContainerNode() ? "" : node.asText().trim();
  }
}
