package org.dpi.upgrade.testing;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.TimeoutError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The Camunda webapps in a real browser for tests: headless Chromium of the Debian package
 * ({@code /usr/bin/chromium}, {@code apt-get install chromium}; Playwright downloads no browser),
 * one browser context (own cookies) per user, logged in once through the login page. Register it
 * as a JUnit extension ({@code @RegisterExtension static}): when a test fails, every page is saved as
 * a screenshot under {@code target/browser-screenshots/}; after the class, the browser is closed.
 */
public final class CamundaBrowser implements TestWatcher, AfterAllCallback {

  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path SCREENSHOTS = Path.of("target/browser-screenshots");

  private Playwright playwright;
  private Browser browser;
  private final Map<String, Page> pages = new LinkedHashMap<>();

  /**
   * The page of {@code user} on the application at {@code url} (e.g. {@code http://localhost:8080}),
   * logged in to Tasklist with {@code password} on first use.
   */
  public Page as(String url, String user, String password) {
    if (browser == null) {
      if (!Files.isExecutable(CHROMIUM)) {
        throw new IllegalStateException("the browser tests need Chromium at " + CHROMIUM + ": apt-get install chromium");
      }
      playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
      browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
          .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync")));
    }
    return pages.computeIfAbsent(url + " " + user, key -> {
      BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 1000));
      context.setDefaultTimeout(30_000);
      Page page = context.newPage();
      open(page, url + "/camunda/app/tasklist/default/", p -> p.getByPlaceholder("Username"));
      page.getByPlaceholder("Username").fill(user);
      page.getByPlaceholder("Password").fill(password);
      page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
          new Page.GetByRoleOptions().setName("Log in")).click();
      page.getByText("Start process").first().waitFor();
      return page;
    });
  }

  /**
   * Opens {@code url} in {@code page} until {@code shown} is visible, loading it again up to four times:
   * the Camunda webapps give up for good (an endless spinner) when their modules take too long to load
   * on a busy machine, and a second load finds them in the browser's cache.
   */
  public static void open(Page page, String url, Function<Page, Locator> shown) {
    page.navigate(url);
    for (int attempt = 1; ; attempt++) {
      try {
        shown.apply(page).first().waitFor(new Locator.WaitForOptions().setTimeout(45_000));
        return;
      } catch (TimeoutError e) {
        if (attempt == 4) {
          throw e;
        }
        page.reload();
      }
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    try {
      Files.createDirectories(SCREENSHOTS);
      pages.forEach((user, page) -> page.screenshot(new Page.ScreenshotOptions().setFullPage(true)
          .setPath(SCREENSHOTS.resolve((context.getRequiredTestClass().getSimpleName() + "-" + context.getDisplayName() + "-"
              + user.substring(user.indexOf(' ') + 1)).replaceAll("[^\\w.-]+", "_") + ".png"))));
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (playwright != null) {
      playwright.close();
      playwright = null;
      browser = null;
      pages.clear();
    }
  }
}
