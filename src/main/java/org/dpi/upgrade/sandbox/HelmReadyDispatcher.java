package org.dpi.upgrade.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CRUD mock plus what Helm (client-go) needs to talk to it: version and discovery documents,
 * 404 on OpenAPI, protobuf Secret bodies decoded to JSON, strategic merge patches applied
 * ({@link StrategicMerge}), {@code Content-Type: application/json} on every answer and typed list kinds
 * ({@code SecretList}, ...) instead of {@code List}. With a {@link ClusterJournal}, every object
 * created, changed or deleted is written to it.
 */
class HelmReadyDispatcher extends KubernetesCrudDispatcher {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Group/version -> resources served: plural, kind, namespaced. */
  static final Map<String, List<String[]>> RESOURCES = new LinkedHashMap<>();

  static {
    RESOURCES.put("v1", List.of(r("namespaces", "Namespace", false), r("secrets", "Secret", true),
        r("configmaps", "ConfigMap", true), r("services", "Service", true), r("serviceaccounts", "ServiceAccount", true),
        r("pods", "Pod", true), r("persistentvolumeclaims", "PersistentVolumeClaim", true), r("events", "Event", true)));
    RESOURCES.put("apps/v1", List.of(r("deployments", "Deployment", true), r("statefulsets", "StatefulSet", true),
        r("replicasets", "ReplicaSet", true), r("daemonsets", "DaemonSet", true)));
    RESOURCES.put("batch/v1", List.of(r("jobs", "Job", true), r("cronjobs", "CronJob", true)));
    RESOURCES.put("networking.k8s.io/v1", List.<String[]>of(r("ingresses", "Ingress", true)));
    RESOURCES.put("autoscaling/v2", List.<String[]>of(r("horizontalpodautoscalers", "HorizontalPodAutoscaler", true)));
    RESOURCES.put("policy/v1", List.<String[]>of(r("poddisruptionbudgets", "PodDisruptionBudget", true)));
    RESOURCES.put("rbac.authorization.k8s.io/v1", List.of(r("roles", "Role", true), r("rolebindings", "RoleBinding", true)));
  }

  private static final Pattern COLLECTION = Pattern.compile("/apis?/(?:[^/]+/)?v[^/]+(?:/namespaces/[^/]+)?/([a-z]+)");
  private final ClusterJournal journal;

  /** @param journal where changes are written, or null (in memory only) */
  HelmReadyDispatcher(ClusterJournal journal) {
    this.journal = journal;
  }

  /** Every create, change and delete of an object passes here; the journal records it. */
  @Override
  public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
      GenericKubernetesResource resource, String newState) {
    String before = oldAttributes == null ? null : map.get(oldAttributes);
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    if (journal != null) {
      journal.changed(before, newState);
    }
  }

  private static String[] r(String plural, String kind, boolean namespaced) {
    return new String[] {plural, kind, Boolean.toString(namespaced)};
  }

  @Override
  public synchronized MockResponse dispatch(RecordedRequest request) {
    try {
      return answer(request);
    } catch (RuntimeException e) {
      return json(500, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":500,\"message\":"
          + JSON.valueToTree(request.getMethod() + " " + request.getPath() + ": " + e) + "}");
    }
  }

  private MockResponse answer(RecordedRequest request) {
    String path = request.getPath().split("\\?", 2)[0];
    if (path.startsWith("/openapi")) {
      return json(404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":404}");
    }
    String discovery = discovery(path);
    if (discovery != null) {
      return json(200, discovery);
    }
    MockResponse response = super.dispatch(jsonRequest(request));
    response.setHeader("Content-Type", "application/json");
    if ("GET".equals(request.getMethod()) && response.code() == 200) {
      Matcher collection = COLLECTION.matcher(path);
      if (collection.matches()) {
        typedList(response, collection.group(1));
      }
    }
    return response;
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
  }

  /**
   * Protobuf Secrets become JSON; a strategic merge patch becomes the update (PUT) of the object with
   * the patch applied ({@link StrategicMerge}).
   */
  private RecordedRequest jsonRequest(RecordedRequest request) {
    String type = request.getHeader("Content-Type");
    if (type == null) {
      return request;
    }
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
    HttpMethod method = request.method();
    if (type.startsWith("application/vnd.kubernetes.protobuf")) {
      body = Protobuf.secret(body).toString().getBytes(StandardCharsets.UTF_8);
    } else if (type.startsWith("application/strategic-merge-patch+json")) {
      var current = findResource(getKey(request.getPath().split("\\?", 2)[0]));
      if (current == null) {
        return request;
      }
      try {
        body = JSON.writeValueAsBytes(StrategicMerge.apply(JSON.readTree(current.getValue()), JSON.readTree(body)));
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("not a JSON patch: " + e.getMessage(), e);
      }
      method = HttpMethod.PUT;
    } else {
      return request;
    }
    Headers headers = request.getHeaders().newBuilder().set("Content-Type", "application/json")
        .set("Content-Length", Integer.toString(body.length)).build();
    return new RecordedRequest(request.getHttpVersion(), method, request.getPath(), headers, new Buffer(body));
  }

  private static void typedList(MockResponse response, String plural) {
    try {
      JsonNode body = JSON.readTree(response.getBody().getBytes());
      if (body instanceof ObjectNode list && "List".equals(list.path("kind").asText())) {
        RESOURCES.forEach((groupVersion, resources) -> resources.stream().filter(r -> r[0].equals(plural)).findFirst()
            .ifPresent(r -> list.put("kind", r[1] + "List").put("apiVersion", groupVersion)));
        response.setBody(JSON.writeValueAsString(list));
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot type the list of " + plural, e);
    }
  }

  private static String discovery(String path) {
    ObjectNode doc = JSON.createObjectNode();
    if (path.equals("/version")) {
      return "{\"major\":\"1\",\"minor\":\"30\",\"gitVersion\":\"v1.30.0\",\"platform\":\"linux/amd64\"}";
    } else if (path.equals("/api")) {
      doc.put("kind", "APIVersions").putArray("versions").add("v1");
      doc.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", "127.0.0.1");
    } else if (path.equals("/apis")) {
      doc.put("kind", "APIGroupList").put("apiVersion", "v1");
      ArrayNode groups = doc.putArray("groups");
      RESOURCES.keySet().stream().filter(gv -> gv.contains("/")).forEach(gv -> {
        ObjectNode group = groups.addObject().put("name", gv.split("/")[0]);
        group.putArray("versions").addObject().put("groupVersion", gv).put("version", gv.split("/")[1]);
        group.putObject("preferredVersion").put("groupVersion", gv).put("version", gv.split("/")[1]);
      });
    } else if (path.equals("/api/v1") || (path.startsWith("/apis/") && RESOURCES.containsKey(path.substring(6)))) {
      String groupVersion = path.equals("/api/v1") ? "v1" : path.substring(6);
      doc.put("kind", "APIResourceList").put("apiVersion", "v1").put("groupVersion", groupVersion);
      ArrayNode list = doc.putArray("resources");
      for (String[] r : RESOURCES.get(groupVersion)) {
        ObjectNode resource = list.addObject().put("name", r[0]).put("singularName", r[1].toLowerCase())
            .put("namespaced", Boolean.parseBoolean(r[2])).put("kind", r[1]);
        resource.putArray("verbs").add("create").add("delete").add("get").add("list").add("patch").add("update").add("watch");
        list.addObject().put("name", r[0] + "/status").put("singularName", "").put("namespaced", Boolean.parseBoolean(r[2]))
            .put("kind", r[1]).putArray("verbs").add("get").add("patch").add("update");
      }
    } else {
      return null;
    }
    return doc.toString();
  }
}
