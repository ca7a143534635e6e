package org.dpi.upgrade.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.util.FileSystemUtils;

/**
 * A headless Chromium for browser tests: the system's {@code /usr/bin/chromium} driven through its own
 * {@code /usr/bin/chromedriver} (Debian packages {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs), nothing downloaded, a fresh profile under {@code target/browser/}.
 * Screenshots go to {@code target/browser/<name>.png}.
 */
public final class Browser implements AutoCloseable {

  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final Path DIR = Path.of("target/browser");

  public final WebDriver driver;
  private final Path profile;

  private Browser(WebDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Starts the browser; fails naming the packages to install when it is missing. */
  public static Browser start() {
    if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
      throw new IllegalStateException("Browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
          + ": apt-get install chromium chromium-driver (.ci/run does)");
    }
    try {
      Files.createDirectories(DIR);
      Path profile = Files.createTempDirectory(DIR.toAbsolutePath(), "profile-");
      ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless", "--no-sandbox",
          "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1600,1200",
          "--user-data-dir=" + profile);
      options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
      ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
          .usingAnyFreePort().build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
      return new Browser(driver, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void open(String url) {
    driver.get(url);
  }

  /**
   * Opens {@code url} until an element matching {@code css} shows, loading it again up to four times: the
   * Camunda webapps give up for good when their RequireJS modules take more than seven seconds (a busy
   * machine), and a second load finds them in the browser's cache.
   */
  public WebElement open(String url, String css) {
    for (int attempt = 1; ; attempt++) {
      driver.get(url);
      try {
        return new WebDriverWait(driver, Duration.ofSeconds(45)).until(d -> d.findElements(By.cssSelector(css)).stream()
            .filter(WebElement::isDisplayed).findFirst().orElse(null));
      } catch (TimeoutException e) {
        if (attempt == 4) {
          return find(css);
        }
      }
    }
  }

  /**
   * Waits up to three minutes (the machine may be busy) for {@code condition} to give a non-null, non-false
   * value; on time-out, the page's screenshot and HTML are kept as {@code target/browser/timeout.png/.html}.
   */
  public <T> T await(Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, Duration.ofSeconds(180)).until(condition);
    } catch (TimeoutException e) {
      screenshot("timeout");
      try {
        Files.writeString(DIR.resolve("timeout.html"), driver.getPageSource());
        Files.write(DIR.resolve("timeout-console.log"), driver.manage().logs().get("browser").getAll().stream()
            .map(String::valueOf).toList());
      } catch (IOException io) {
        e.addSuppressed(io);
      }
      throw e;
    }
  }

  /** The first visible element matching {@code css}, once there is one. */
  public WebElement find(String css) {
    return await(d -> d.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
  }

  /** Clicks {@code element} after scrolling it to the middle of the window (away from fixed headers and footers). */
  /** Clicks once the element is in view and nothing covers it (a page still laying out covers it for a moment). */
  public void click(WebElement element) {
    await(d -> {
      ((org.openqa.selenium.JavascriptExecutor) d).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
      try {
        element.click();
        return true;
      } catch (org.openqa.selenium.ElementClickInterceptedException covered) {
        return false;
      }
    });
  }

  /** Waits until the page's text contains {@code text}. */
  public void awaitText(String text) {
    await(d -> d.findElement(By.tagName("body")).getText().contains(text));
  }

  public String text() {
    return driver.findElement(By.tagName("body")).getText();
  }

  /** Saves a screenshot as {@code target/browser/<name>.png} and returns its path. */
  public Path screenshot(String name) {
    try {
      Path file = DIR.resolve(name + ".png");
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      FileSystemUtils.deleteRecursively(profile.toFile());
    }
  }
}
