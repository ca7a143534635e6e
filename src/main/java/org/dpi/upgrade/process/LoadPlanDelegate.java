package org.dpi.upgrade.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.spin.plugin.variable.SpinValues;
import org.dpi.upgrade.plan.InvalidPlanException;
import org.dpi.upgrade.plan.PlanReader;

/**
 * "Load and check the upgrade plan": reads the plan deployed beside the diagram
 * ({@code <diagram>.plan.yaml}), applies the start form's overrides and stores it as the JSON
 * variable {@code plan}, from which each external task takes its section as input.
 */
public class LoadPlanDelegate implements JavaDelegate {

  /** Start-form variable to plan path. */
  static final Map<String, String> OVERRIDES = Map.of(
      "upgradeCsvPath", "postgres.upgradeCsv",
      "dbScriptsRoot", "postgres.scriptsRoot");

  @Override
  public void execute(DelegateExecution execution) {
    RepositoryService repository = execution.getProcessEngineServices().getRepositoryService();
    ProcessDefinition definition = repository.getProcessDefinition(execution.getProcessDefinitionId());
    String resource = planResourceOf(definition.getResourceName());
    Map<String, String> overrides = new LinkedHashMap<>();
    OVERRIDES.forEach((variable, path) -> {
      Object value = execution.getVariable(variable);
      if (value != null) {
        overrides.put(path, value.toString());
      }
    });
    ObjectNode plan;
    try (InputStream in = repository.getResourceAsStream(definition.getDeploymentId(), resource)) {
      plan = PlanReader.read(in, resource, overrides);
    } catch (InvalidPlanException e) {
      throw e;
    } catch (Exception e) {
      throw new InvalidPlanException(resource, List.of(
          "not found in deployment " + definition.getDeploymentId() + " (" + e.getMessage() + ")"));
    }
    execution.setVariable("plan", SpinValues.jsonValue(plan.toString()).create());
    execution.setVariable("planResource", resource);
    execution.setVariable("skippedReleases", lines(PlanReader.at(plan, "helm.skip")));
    execution.setVariable("inMaintenance", false);
    // the change ticket finds the instance in Cockpit and Tasklist
    Object ticket = execution.getVariable("changeTicket");
    if (execution.getProcessBusinessKey() == null && ticket != null && !ticket.toString().isBlank()) {
      execution.setProcessBusinessKey(ticket.toString().trim());
    }
  }

  public static String planResourceOf(String bpmnResource) {
    return bpmnResource.replaceFirst("\\.bpmn(20\\.xml)?$", "") + ".plan.yaml";
  }

  private static String lines(JsonNode array) {
    return array == null ? "" : StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).collect(Collectors.joining("\n"));
  }
}
