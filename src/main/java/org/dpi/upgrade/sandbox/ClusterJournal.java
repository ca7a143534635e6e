package org.dpi.upgrade.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects of a {@link FakeCluster}, kept in a file: every object the server creates, changes or
 * deletes is appended as one JSON line ({@code {"put": object}}, {@code {"delete": id}}), written
 * before the server answers. The file is read back and compacted when the cluster starts; a line
 * cut by a kill is ignored.
 */
final class ClusterJournal {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  /** The objects read from the file, by id, until they are restored into the server. */
  private final Map<String, JsonNode> saved;
  private volatile boolean restoring = true;

  private ClusterJournal(Path file, Map<String, JsonNode> saved) {
    this.file = file;
    this.saved = saved;
  }

  static ClusterJournal open(Path file) throws IOException {
    Map<String, JsonNode> objects = new LinkedHashMap<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        JsonNode entry;
        try {
          entry = JSON.readTree(line);
        } catch (IOException torn) {
          continue;
        }
        if (entry != null && entry.has("put")) {
          objects.put(id(entry.get("put")), entry.get("put"));
        } else if (entry != null && entry.has("delete")) {
          objects.remove(entry.get("delete").asText());
        }
      }
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    return new ClusterJournal(file, objects);
  }

  /**
   * Creates the saved objects through the API (namespaces first; the server assigns new uids and
   * resource versions), then rewrites the file with them. Run before anyone else uses the server.
   */
  void restoreInto(KubernetesClient client) throws IOException {
    List<JsonNode> objects = new ArrayList<>(saved.values());
    objects.sort(Comparator.comparing(o -> "Namespace".equals(o.path("kind").asText()) ? 0 : 1));
    StringBuilder compacted = new StringBuilder();
    for (JsonNode object : objects) {
      ObjectNode copy = object.deepCopy();
      ((ObjectNode) copy.path("metadata")).remove(List.of("resourceVersion", "managedFields"));
      client.resource(JSON.writeValueAsString(copy)).create();
      compacted.append(put(object)).append('\n');
    }
    saved.clear();
    synchronized (this) {
      Files.writeString(file, compacted, StandardCharsets.UTF_8);
      restoring = false;
    }
  }

  /** Records one change of the server's store: {@code after} null means the object was deleted. */
  void changed(String before, String after) {
    if (restoring || (before == null && after == null)) {
      return;
    }
    String line = after != null ? put(parse(after))
        : JSON.createObjectNode().put("delete", id(parse(before))).toString();
    synchronized (this) {
      try {
        Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the cluster journal " + file, e);
      }
    }
  }

  private static String put(JsonNode object) {
    ObjectNode line = JSON.createObjectNode();
    line.set("put", object);
    return line.toString();
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String id(JsonNode object) {
    JsonNode meta = object.path("metadata");
    return object.path("apiVersion").asText() + "/" + object.path("kind").asText() + "/"
        + meta.path("namespace").asText() + "/" + meta.path("name").asText();
  }
}
