package org.dpi.upgrade.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The strategic merge patch of the fake cluster, on the shapes Helm sends. */
class StrategicMergeTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void containersAreMergedByNameInTheGivenOrderAndNullDeletesAField() throws Exception {
    JsonNode original = json("""
        {"spec": {"replicas": 1, "paused": false, "template": {"spec": {"containers": [
          {"name": "app", "image": "nginx:1.16.0", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
          {"name": "sidecar", "image": "proxy:1"}]}}}}""");
    JsonNode patch = json("""
        {"spec": {"paused": null, "template": {"spec": {
          "$setElementOrder/containers": [{"name": "sidecar"}, {"name": "app"}],
          "containers": [{"name": "app", "image": "mosipid/kernel:1.2.0.1",
            "$setElementOrder/env": [{"name": "A"}], "env": [{"name": "B", "$patch": "delete"}]}]}}}}""");
    assertThat(StrategicMerge.apply(original, patch)).isEqualTo(json("""
        {"spec": {"replicas": 1, "template": {"spec": {"containers": [
          {"name": "sidecar", "image": "proxy:1"},
          {"name": "app", "image": "mosipid/kernel:1.2.0.1", "env": [{"name": "A", "value": "1"}]}]}}}}"""));
    assertThat(original.at("/spec/template/spec/containers/0/image").asText()).as("the original is not changed").isEqualTo("nginx:1.16.0");
  }

  @Test
  void portsMergeByTheirNumberListsOfValuesAreReplacedAndTheDirectivesWork() throws Exception {
    JsonNode original = json("""
        {"ports": [{"port": 80, "name": "http"}, {"port": 443, "name": "https"}], "args": ["a", "b"],
         "finalizers": ["x", "y"], "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}},
         "labels": {"keep": "1", "drop": "2"}}""");
    JsonNode patch = json("""
        {"ports": [{"port": 443, "name": "tls"}], "args": ["c"], "$deleteFromPrimitiveList/finalizers": ["x"],
         "strategy": {"$retainKeys": ["type"], "type": "Recreate"}, "labels": {"$patch": "replace", "new": "3"}}""");
    assertThat(StrategicMerge.apply(original, patch)).isEqualTo(json("""
        {"ports": [{"port": 80, "name": "http"}, {"port": 443, "name": "tls"}], "args": ["c"], "finalizers": ["y"],
         "strategy": {"type": "Recreate"}, "labels": {"new": "3"}}"""));
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }
}
