package org.dpi.upgrade.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.options.AriaRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.regex.Pattern;
import org.dpi.upgrade.testing.CamundaBrowser;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The upgrade in Tasklist and Cockpit, in headless Chromium, as its people work: demo-operator
 * starts it through the start form; every user task is claimed and completed through its form by
 * the demo user of its group; demo-manager follows the instance in Cockpit and decides a no-go; the
 * rollback brings every target back to where it was. Every page says it is the sandbox.
 */
@ExtendWith(SandboxRun.Extension.class)
@Order(2)
class SandboxBrowserIT {

  @RegisterExtension
  static final CamundaBrowser browser = new CamundaBrowser();

  static final String TICKET = "CHG-SBX-BROWSER";

  /** What each user task's form gets: label of a field to fill (key=value) or of a box or option to tick. */
  static final Map<String, List<String>> FORMS = Map.ofEntries(
      Map.entry("Task_ApprovePostgresUpgrade", List.of("Approve, and upgrade PostgreSQL 15 to 16")),
      Map.entry("Task_SwitchToMaintenance", List.of("The environment is in maintenance mode (or maintenance mode does not apply)")),
      Map.entry("Task_NotifyDowntime", List.of("All users were notified of the downtime", "Email")),
      Map.entry("Task_SwitchToNewMinio", List.of("New MinIO endpoint now in the s3 ConfigMap=http://minio.minio-2025:9000",
          "The s3 ConfigMap and Secret point at the new MinIO")),
      Map.entry("Task_DrainActiveMq", List.of("All queues are empty")),
      Map.entry("Task_ApproveSchemaUpgrade", List.of("Approve: run the schema upgrade")),
      Map.entry("Task_ConfirmOtpuserPassword", List.of("The otpuser password is set and the config-server secrets are updated")),
      Map.entry("Task_AdjudicateConfig", List.of("Every row of the adjudication table is decided")),
      Map.entry("Task_ReviewNonPropertiesFiles", List.of("*.json", "*.mvel", "*.jsonld", "*.xsd", "*.toml", "*.xml")),
      Map.entry("Task_AddPmpRevampHost", List.of("pmp-revamp host name=pmp-revamp.sandbox.example.org",
          "The host is in the global configmap")),
      Map.entry("Task_ConfirmSkippedReleases", List.of("The deployment must skip exactly these releases")),
      Map.entry("Task_PostUpgradeChecks", List.of("IDA Authentication API", "Passed")),
      Map.entry("Task_GoNoGo", List.of("No-go: roll back everything, in reverse order", "Reason for the decision=rehearsed in the browser")),
      Map.entry("Task_LeaveMaintenanceAfterRollback", List.of("The environment is out of maintenance mode",
          "Users were told the service is back")));

  @Test
  void eachGroupWorksItsTasksThroughTheirFormsToANoGoFollowedInCockpitAndEverythingIsBack(SandboxRun run) throws Exception {
    SortedMap<String, String> restorePoint = run.state();
    RestUpgradeDriver rest = run.driver();
    Page operator = page(run, "demo-operator");
    assertThat((String) operator.evaluate("getComputedStyle(document.body, '::before').content")).contains(Sandbox.NOTICE);

    operator.getByText("Start process").first().click();
    operator.getByText("MOSIP upgrade 1.2.0.1 → 1.2.1.0").click();
    field(operator, "Environment").fill("sandbox");
    field(operator, "Change ticket").fill(TICKET);
    field(operator, "Maintenance window").fill("Sat 22:00-06:00 UTC");
    operator.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Start").setExact(true)).click();
    String instance = waitForInstance(rest);

    List<String> completed = new ArrayList<>();
    boolean seenInCockpit = false;
    for (JsonNode task = rest.nextUserTask(instance, SandboxRun.UPGRADE); task != null;
        task = rest.nextUserTask(instance, SandboxRun.UPGRADE)) {
      String key = task.path("taskDefinitionKey").asText();
      String user = rest.userFor(task);
      Page page = page(run, user);
      if (key.equals("Task_GoNoGo")) {
        seenInCockpit = followInCockpit(page, run, instance);
      }
      CamundaBrowser.open(page, run.orchestrator.url() + "/camunda/app/tasklist/default/#/?task=" + task.path("id").asText(),
          p -> p.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Claim")));
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Claim")).click();
      if (key.equals("Task_AdjudicateConfig")) {
        // the rows are decided on the adjudication table (issue 12 has its own browser test), through its API
        rest.decideAdjudication(instance);
      }
      for (String answer : FORMS.get(key)) {
        int equals = answer.indexOf('=');
        if (equals > 0) {
          field(page, answer.substring(0, equals)).fill(answer.substring(equals + 1));
        } else {
          tick(field(page, answer));
        }
      }
      page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Complete")).click();
      waitUntilDone(rest, task.path("id").asText());
      completed.add(key);
    }

    assertThat(new java.util.TreeSet<>(completed)).isEqualTo(new java.util.TreeSet<>(FORMS.keySet()));
    assertThat(seenInCockpit).isTrue();
    assertThat(rest.finishedActivities(instance)).contains("End_RolledBack");
    assertThat(SandboxState.differences(restorePoint, run.state())).as("the targets against the restore point").isEmpty();
  }

  /**
   * The form field with exactly this label (a required field's label ends with '*'). The pattern goes
   * to the browser as a JavaScript regular expression: special characters escaped one by one.
   */
  private static Locator field(Page page, String label) {
    return page.getByLabel(Pattern.compile("^" + label.replaceAll("[\\\\^$.|?*+()\\[\\]{}/-]", "\\\\$0") + "\\s*\\*?$"));
  }

  /**
   * Ticks a box or option. The form may render again right after a field was filled (Tasklist
   * re-renders on change), swallowing a click: then it is clicked again, at most three times.
   */
  private static void tick(Locator box) {
    for (int attempt = 1; !box.isChecked(); attempt++) {
      try {
        box.check();
      } catch (PlaywrightException swallowed) {
        if (attempt == 3) {
          throw swallowed;
        }
      }
    }
  }

  private static Page page(SandboxRun run, String user) {
    return browser.as(run.orchestrator.url(), user, run.passwords.get(user));
  }

  /** Cockpit, as the manager: the instance with its business key and where it waits in the diagram. */
  private static boolean followInCockpit(Page manager, SandboxRun run, String instance) {
    CamundaBrowser.open(manager, run.orchestrator.url() + "/camunda/app/cockpit/default/#/process-instance/" + instance + "/runtime",
        p -> p.getByText(TICKET));
    manager.locator("[data-element-id='Task_GoNoGo']").first().waitFor();
    assertThat((String) manager.evaluate("getComputedStyle(document.body, '::before').content")).contains(Sandbox.NOTICE);
    return true;
  }

  private static String waitForInstance(RestUpgradeDriver rest) throws Exception {
    for (int i = 0; i < 300; i++) {
      JsonNode found = rest.get("/process-instance?businessKey=" + TICKET);
      if (!found.isEmpty()) {
        return found.get(0).path("id").asText();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no instance with business key " + TICKET + " after the start form was submitted");
  }

  /** Until the engine has the task completed (the form's submit returned). */
  private static void waitUntilDone(RestUpgradeDriver rest, String task) throws Exception {
    for (int i = 0; i < 300; i++) {
      if (rest.get("/task?taskId=" + task).isEmpty()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("task " + task + " was not completed through its form");
  }
}
