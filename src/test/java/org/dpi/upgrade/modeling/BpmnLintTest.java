package org.dpi.upgrade.modeling;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The lint that `mvn verify` runs on every diagram (.ci/lint: bpmnlint with the Camunda 7.24
 * compatibility rules) fails the build on a modeling error: here a step nobody reaches and nothing
 * follows, without layout, added to a copy of the MOSIP diagram.
 */
class BpmnLintTest {

  @Test
  void aDiagramWithAStepNobodyReachesFailsTheLint() throws Exception {
    Path mosip = BpmnRulesTest.diagrams().stream().filter(p -> p.toString().contains("mosip")).findFirst().orElseThrow();
    String xml = Files.readString(mosip);
    int flow = xml.indexOf("<bpmn:sequenceFlow ");
    Path broken = Path.of("target", "lint-test", "broken.bpmn").toAbsolutePath();
    Files.createDirectories(broken.getParent());
    Files.writeString(broken, xml.substring(0, flow) + "<bpmn:task id=\"Task_Orphan\" name=\"Forgotten step\" />" + xml.substring(flow));

    Process lint = new ProcessBuilder("bash", ".ci/lint", broken.toString()).redirectErrorStream(true).start();
    String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(lint.waitFor(10, TimeUnit.MINUTES)).as("the lint finished").isTrue();
    assertThat(lint.exitValue()).as(output).isEqualTo(1);
    assertThat(output).contains("Task_Orphan  error  Element is not connected  (no-disconnected)",
        "Task_Orphan  error  Element is missing bpmndi  (no-bpmndi)", "4 error(s)");
  }
}
