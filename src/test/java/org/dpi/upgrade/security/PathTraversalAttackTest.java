package org.dpi.upgrade.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.camunda.spin.plugin.variable.value.JsonValue;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;

/**
 * Attack: start-form paths that point outside the configured inputs root: a system file, a path
 * with "..", a symbolic link out of the root, {@code /proc/self/environ} (every secret of the app),
 * a device. Each start is refused with 400 naming the field and the reason, nothing is created, and
 * nothing of those files appears in any place managers can read over REST. A file inside the root
 * is accepted, in its canonical form.
 */
class PathTraversalAttackTest extends AttackTest {

  @Test
  void pathsOutsideTheInputsRootAreRefusedBeforeAnythingHappens() throws Exception {
    Path inside = Files.writeString(INPUTS.resolve("upgrade.csv"), "mosip_kernel,1.2.0.1,1.2.1.0,upgrade\n");
    Path escape = INPUTS.resolve("escape.csv");
    Files.deleteIfExists(escape);
    Files.createSymbolicLink(escape, Path.of("/etc/passwd"));
    long instances = instances();

    Map<String, String> refused = Map.of(
        "/etc/passwd", "it is not under the inputs root",
        INPUTS + "/../../../etc/passwd", "it must not contain '..'",
        "../../x", "it must be an absolute path",
        escape.toString(), "it is not under the inputs root",
        "/proc/self/environ", "it is not under the inputs root",
        "/dev/zero", "it is not under the inputs root");
    refused.forEach((path, reason) -> {
      ResponseEntity<Map> answer = start("upgradeCsvPath", path);
      assertThat(answer.getStatusCode().value()).as(path).isEqualTo(400);
      assertThat((String) answer.getBody().get("message")).as(path).contains("'upgradeCsvPath' is refused: " + reason);
    });
    ResponseEntity<Map> scripts = start("dbScriptsRoot", "/proc/self");
    assertThat((String) scripts.getBody().get("message")).contains("'dbScriptsRoot' is refused: it is not under the inputs root");
    assertThat(start("dbScriptsRoot", inside.toString()).getBody().get("message").toString())
        .contains("'dbScriptsRoot' is refused: it is not a directory");
    assertThat(instances()).isEqualTo(instances);

    // nothing of the environment or of /etc/passwd in what managers can read
    String readable = String.join("\n",
        as("demo-manager").getForObject("/engine-rest/history/variable-instance", String.class),
        as("demo-manager").getForObject("/engine-rest/history/incident", String.class),
        as("demo-manager").getForObject("/engine-rest/history/user-operation", String.class));
    String environ = new String(Files.readAllBytes(Path.of("/proc/self/environ")), StandardCharsets.UTF_8);
    Arrays.stream(environ.split("\0")).filter(e -> e.contains("=") && e.length() > 20)
        .forEach(e -> assertThat(readable).doesNotContain(e));
    assertThat(readable).doesNotContain("root:x:0:0").doesNotContain(workerPassword);

    ResponseEntity<Map> accepted = start("upgradeCsvPath", INPUTS + "/./upgrade.csv");
    assertThat(accepted.getStatusCode().value()).isEqualTo(200);
    String instance = (String) accepted.getBody().get("id");
    var plan = new ObjectMapper().readTree(((JsonValue) engine.getRuntimeService().getVariableTyped(instance, "plan")).getValueSerialized());
    assertThat(plan.at("/postgres/upgradeCsv").asText()).isEqualTo(inside.toRealPath().toString());
    engine.getRuntimeService().deleteProcessInstance(instance, "test done");
  }

  private ResponseEntity<Map> start(String field, String path) {
    Map<String, Object> form = startForm();
    form.put(field, Map.of("value", path));
    return as("demo-operator").postForEntity("/engine-rest/process-definition/key/" + KEY + "/submit-form",
        Map.of("variables", form), Map.class);
  }
}
