package org.dpi.upgrade.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.dpi.upgrade.testing.Browser;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * A config reviewer in a real browser: Tasklist refuses the review while rows are undecided, with the plain
 * sentence; the adjudication page filters, decides in bulk, keeps the decisions across a reload, shows a
 * file as it will be pushed; then the task completes in Tasklist. Screenshots in target/browser/.
 */
class AdjudicationBrowserTest extends ReviewAppTest {

  @Test
  void aReviewerFiltersDecidesInBulkReloadsAndCompletesTheTask() throws Exception {
    ProcessInstance instance = atReview();
    String task = engine.getTaskService().createTaskQuery().processInstanceId(instance.getId()).singleResult().getId();
    try (Browser browser = Browser.start()) {
      browser.open(url("/camunda/app/tasklist/default/"), ".form-signin input[type=text]").sendKeys(REVIEWER);
      browser.find(".form-signin input[type=password]").sendKeys(PASSWORD);
      browser.find(".form-signin button[type=submit]").click();
      browser.awaitText("My group's tasks");
      browser.open(url("/camunda/app/tasklist/default/#/?task=" + task), ".task-details");
      browser.awaitText("Adjudicate the config migration");
      browser.click(button(browser, "Claim"));
      WebElement link = browser.find("a[href*='/config-adjudication/']");
      assertThat(link.getAttribute("href")).endsWith("/config-adjudication/" + instance.getId());
      String sentence = "0 of 15 rows are decided: decide the other 15 on the adjudication page, then complete the task.";
      complete(browser);
      browser.awaitText(sentence);
      assertThat(browser.text()).doesNotContain("ENGINE-", "Cannot complete", "Cannot submit");
      browser.screenshot("tasklist-refusal");

      browser.open(link.getAttribute("href"));
      browser.awaitText("0 of 15 decided");
      new Select(browser.find("#f-action")).selectByValue(PropMigrator.UPDATE_IF_OLD_VALUE_TAKES_PRIORITY);
      browser.awaitText("6 shown");
      browser.click(browser.find("#select-all"));
      new Select(browser.find("#b-decision")).selectByValue(Adjudication.TAKE_LATEST);
      browser.click(browser.find("#b-apply"));
      browser.awaitText("6 of 15 decided");

      browser.driver.navigate().refresh();
      browser.awaitText("6 of 15 decided");
      WebElement comma = browser.find("tr[data-id='update-if-old-value-takes-priority|app-default.properties|a.comma']");
      assertThat(comma.getText()).contains("take-latest").contains(REVIEWER);
      browser.screenshot("adjudication-table");

      new Select(browser.find("#f-action")).selectByValue("");
      browser.click(browser.find("#f-undecided"));
      browser.awaitText("9 shown");
      browser.click(browser.find("#select-all"));
      new Select(browser.find("#b-decision")).selectByValue(Adjudication.TAKE_LATEST);
      browser.click(browser.find("#b-apply"));
      browser.awaitText("15 of 15 decided");
      browser.click(browser.find("#f-undecided"));
      browser.click(browser.find("td.file button"));
      browser.awaitText("As it will be pushed: app-default.properties");
      assertThat(browser.driver.findElements(By.cssSelector("#preview-table tr.changed"))).isNotEmpty();
      browser.screenshot("adjudication-page");

      browser.open(url("/camunda/app/tasklist/default/#/?task=" + task), ".task-details");
      browser.awaitText("Adjudicate the config migration");
      complete(browser);
      browser.await(d -> engine.getTaskService().createTaskQuery().taskId(task).count() == 0);
    }
    assertThat(engine.getExternalTaskService().createExternalTaskQuery().processInstanceId(instance.getId()).singleResult()
        .getActivityId()).isEqualTo("Task_ApplyAdjudication");
  }

  /** Ticks the form's confirmation (once) and presses Complete. */
  private static void complete(Browser browser) {
    WebElement confirmation = browser.find(".fjs-form input[type=checkbox]");
    if (!confirmation.isSelected()) {
      browser.click(confirmation);
    }
    browser.click(button(browser, "Complete"));
  }

  private static WebElement button(Browser browser, String text) {
    return browser.await(d -> {
      List<WebElement> buttons = d.findElements(By.xpath("//button[normalize-space()='" + text + "']"));
      return buttons.stream().filter(WebElement::isDisplayed).filter(WebElement::isEnabled).findFirst().orElse(null);
    });
  }
}
