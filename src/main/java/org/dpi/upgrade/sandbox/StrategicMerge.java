package org.dpi.upgrade.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' strategic merge patch, as far as Helm uses it on the kinds the fake cluster serves:
 * objects merged field by field ({@code null} deletes a field), lists of objects merged by their
 * merge key ({@code containers}, {@code env}, {@code volumes}, ... by {@code name}; container ports
 * by {@code containerPort}, service ports by {@code port}, {@code volumeMounts} by {@code mountPath}),
 * other lists replaced, and the directives {@code $patch} (delete, replace, merge),
 * {@code $setElementOrder/<list>}, {@code $deleteFromPrimitiveList/<list>} and {@code $retainKeys}.
 * A JSON merge patch in its place would keep an old container beside the new one on every
 * {@code helm upgrade} that changes an image.
 */
final class StrategicMerge {

  /** Merge keys of the lists whose elements are not merged by {@code name}. */
  private static final Map<String, List<String>> KEYS = Map.of("ports", List.of("containerPort", "port"),
      "volumeMounts", List.of("mountPath"), "volumeDevices", List.of("devicePath"), "hostAliases", List.of("ip"),
      "topologySpreadConstraints", List.of("topologyKey"));
  private static final String ORDER = "$setElementOrder/";
  private static final String DELETE_PRIMITIVES = "$deleteFromPrimitiveList/";

  private StrategicMerge() {
  }

  /** {@code original} with {@code patch} applied (neither is changed); null when the patch deletes it. */
  static JsonNode apply(JsonNode original, JsonNode patch) {
    if (!(patch instanceof ObjectNode patchObject)) {
      return patch;
    }
    String directive = patchObject.path("$patch").asText("merge");
    if (directive.equals("delete")) {
      return null;
    }
    if (directive.equals("replace") || !(original instanceof ObjectNode)) {
      ObjectNode replaced = JsonNodeFactory.instance.objectNode();
      patchObject.fields().forEachRemaining(e -> {
        if (!e.getKey().startsWith("$") && !e.getValue().isNull()) {
          replaced.set(e.getKey(), apply(null, e.getValue()));
        }
      });
      return replaced;
    }
    ObjectNode result = ((ObjectNode) original).deepCopy();
    for (Iterator<Map.Entry<String, JsonNode>> fields = patchObject.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> e = fields.next();
      String name = e.getKey();
      JsonNode value = e.getValue();
      if (name.startsWith(DELETE_PRIMITIVES)) {
        String list = name.substring(DELETE_PRIMITIVES.length());
        if (result.get(list) instanceof ArrayNode items) {
          List<JsonNode> remove = new ArrayList<>();
          value.forEach(remove::add);
          for (int i = items.size() - 1; i >= 0; i--) {
            if (remove.contains(items.get(i))) {
              items.remove(i);
            }
          }
        }
      } else if (name.startsWith("$")) {
        continue;
      } else if (value.isNull()) {
        result.remove(name);
      } else if (value.isObject()) {
        JsonNode merged = apply(result.get(name), value);
        if (merged == null) {
          result.remove(name);
        } else {
          result.set(name, merged);
        }
      } else if (value.isArray()) {
        result.set(name, mergeList(name, result.get(name), (ArrayNode) value));
      } else {
        result.set(name, value);
      }
    }
    patchObject.fields().forEachRemaining(e -> {
      if (e.getKey().startsWith(ORDER) && result.get(e.getKey().substring(ORDER.length())) instanceof ArrayNode list) {
        order(list, e.getValue());
      }
    });
    if (patchObject.get("$retainKeys") instanceof ArrayNode retain) {
      List<String> keep = new ArrayList<>();
      retain.forEach(k -> keep.add(k.asText()));
      result.retain(keep);
    }
    return result;
  }

  private static ArrayNode mergeList(String name, JsonNode original, ArrayNode patch) {
    String key = mergeKey(name, patch);
    if (key == null || !(original instanceof ArrayNode originalList)) {
      ArrayNode replaced = JsonNodeFactory.instance.arrayNode();
      patch.forEach(item -> {
        if (!"delete".equals(item.path("$patch").asText())) {
          replaced.add(item.isObject() ? apply(null, item) : item);
        }
      });
      return replaced;
    }
    for (JsonNode item : patch) {
      if ("replace".equals(item.path("$patch").asText()) && item.size() == 1) {
        ArrayNode replaced = JsonNodeFactory.instance.arrayNode();
        patch.forEach(other -> {
          if (other != item) {
            replaced.add(apply(null, other));
          }
        });
        return replaced;
      }
    }
    ArrayNode result = originalList.deepCopy();
    for (JsonNode item : patch) {
      int at = indexOf(result, key, item.path(key));
      JsonNode merged = apply(at >= 0 ? result.get(at) : null, item);
      if (at >= 0 && merged == null) {
        result.remove(at);
      } else if (at >= 0) {
        result.set(at, merged);
      } else if (merged != null) {
        result.add(merged);
      }
    }
    return result;
  }

  /** The merge key of a list of objects, or null: a list of plain values, or one replaced as a whole. */
  private static String mergeKey(String name, ArrayNode patch) {
    if (patch.isEmpty() || !patch.get(0).isObject()) {
      return null;
    }
    for (String key : KEYS.getOrDefault(name, List.of("name"))) {
      boolean all = true;
      for (JsonNode item : patch) {
        all &= item.has(key) || "replace".equals(item.path("$patch").asText());
      }
      if (all) {
        return key;
      }
    }
    return null;
  }

  private static int indexOf(ArrayNode list, String key, JsonNode value) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).path(key).equals(value)) {
        return i;
      }
    }
    return -1;
  }

  /** Puts the list's elements in the order {@code $setElementOrder} gives; elements it does not name stay last. */
  private static void order(ArrayNode list, JsonNode order) {
    List<JsonNode> wanted = new ArrayList<>();
    order.forEach(wanted::add);
    String key = order.isEmpty() || !order.get(0).isObject() ? null : order.get(0).fieldNames().next();
    List<JsonNode> sorted = new ArrayList<>();
    list.forEach(sorted::add);
    sorted.sort((a, b) -> Integer.compare(rank(wanted, key, a), rank(wanted, key, b)));
    list.removeAll();
    sorted.forEach(list::add);
  }

  private static int rank(List<JsonNode> order, String key, JsonNode item) {
    for (int i = 0; i < order.size(); i++) {
      if (key == null ? order.get(i).equals(item) : order.get(i).path(key).equals(item.path(key))) {
        return i;
      }
    }
    return order.size();
  }
}
