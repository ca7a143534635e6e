package org.dpi.upgrade.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.authorization.Groups;
import org.dpi.upgrade.evidence.EvidenceAttachment;
import org.dpi.upgrade.security.IdentitySetup;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The upgrade history and the evidence packs over HTTP, as the app serves them: managers and
 * admins read them (HTTP Basic or their Cockpit session), everyone else is refused; the PDF is
 * attached to an instance when it ends; the webapps link to the history, without the Camunda 8
 * banner and without the dead /camunda-welcome box.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "camunda.bpm.client.disable-auto-fetching=true")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class UpgradeHistoryWebTest {

  static final String PASSWORD = "history-test-password";
  static final Map<String, String> USERS = Map.of("mara.manager", IdentitySetup.MANAGERS, "ada.admin", Groups.CAMUNDA_ADMIN,
      "otto.operator", IdentitySetup.OPERATORS, "dora.dba", IdentitySetup.DBA);

  @TempDir static Path data;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + data.resolve("orchestrator") + ";DB_CLOSE_ON_EXIT=FALSE");
  }

  @Autowired ProcessEngine engine;
  @Autowired TestRestTemplate rest;
  @LocalServerPort int port;

  @BeforeEach
  void users() {
    var identity = engine.getIdentityService();
    USERS.forEach((id, group) -> {
      if (identity.createUserQuery().userId(id).count() == 0) {
        var user = identity.newUser(id);
        user.setPassword(PASSWORD);
        identity.saveUser(user);
        identity.createMembership(id, group);
      }
    });
  }

  @Test
  void managersAndAdminsReadTheHistoryAndEvidencePacksOthersAreRefused() throws Exception {
    MosipUpgradeDriver done = new MosipUpgradeDriver(engine);
    done.start();
    done.runToEnd();
    MosipUpgradeDriver rolledBack = new MosipUpgradeDriver(engine)
        .answer("Task_GoNoGo", Map.of("goNoGo", "no-go", "goNoGoReason", "IDA authentication fails"));
    rolledBack.start();
    rolledBack.runToEnd();
    MosipUpgradeDriver running = new MosipUpgradeDriver(engine);
    running.start();
    running.runUntil("Task_ApproveSchemaUpgrade");

    // who may read
    ResponseEntity<String> anonymous = rest.getForEntity("/history/", String.class);
    assertThat(anonymous.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(anonymous.getHeaders().getFirst("WWW-Authenticate")).startsWith("Basic realm=");
    assertThat(anonymous.getBody()).isEqualTo("Log in to Cockpit or Tasklist first, or send the HTTP Basic credentials of a manager.");
    // (a wrong password of a real user would delay that user's next login: Camunda's login throttling)
    assertThat(as("nobody", "wrong password").getForEntity("/history/", String.class).getStatusCode())
        .isEqualTo(HttpStatus.UNAUTHORIZED);
    for (String refused : new String[] {"otto.operator", "dora.dba"}) {
      for (String path : new String[] {"/history/", "/history/" + done.instance.getId() + "/evidence.pdf", "/history/access"}) {
        ResponseEntity<String> response = as(refused, PASSWORD).getForEntity(path, String.class);
        assertThat(response.getStatusCode()).as("%s %s", refused, path).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(response.getBody()).isEqualTo("Only managers and administrators can read the upgrade history and evidence packs.");
      }
    }
    assertThat(as("mara.manager", PASSWORD).getForEntity("/history/access", String.class).getStatusCode())
        .isEqualTo(HttpStatus.NO_CONTENT);

    // the list: every upgrade with its outcome, nothing that writes
    for (String reader : new String[] {"mara.manager", "ada.admin"}) {
      ResponseEntity<String> list = as(reader, PASSWORD).getForEntity("/history/", String.class);
      assertThat(list.getStatusCode()).isEqualTo(HttpStatus.OK);
      assertThat(list.getBody()).contains("/history/" + done.instance.getId(), "/history/" + rolledBack.instance.getId(),
          "/history/" + running.instance.getId(), "MOSIP runs 1.2.1.0", "rolled back", "waiting at DBA approval: schema upgrade");
      assertNoWriteAction(list.getBody());
    }

    // one upgrade: its evidence pack as a page, HTML and PDF
    ResponseEntity<String> page = as("mara.manager", PASSWORD).getForEntity("/history/" + rolledBack.instance.getId(), String.class);
    assertThat(page.getBody()).contains("Rollback, in the order it ran", "IDA authentication fails", "The path taken", "<svg",
        "/evidence.pdf");
    assertNoWriteAction(page.getBody());
    assertThat(as("mara.manager", PASSWORD).getForEntity("/history/" + running.instance.getId(), String.class).getBody())
        .contains("Open in Cockpit", "waiting at DBA approval: schema upgrade");
    ResponseEntity<String> html = as("ada.admin", PASSWORD).getForEntity("/history/" + done.instance.getId() + "/evidence.html",
        String.class);
    assertThat(html.getHeaders().getContentDisposition().getFilename()).isEqualTo("evidence-" + done.instance.getId() + ".html");
    ResponseEntity<byte[]> pdf = as("mara.manager", PASSWORD).getForEntity("/history/" + done.instance.getId() + "/evidence.pdf",
        byte[].class);
    assertThat(pdf.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PDF);
    assertThat(pdfText(pdf.getBody())).contains("MOSIP runs 1.2.1.0", "Timeline of every step");

    // the PDF attached when each finished instance ended; the running one has none yet
    await().atMost(Duration.ofSeconds(60)).until(() -> EvidenceAttachment.find(engine.getTaskService(), done.instance.getId()) != null
        && EvidenceAttachment.find(engine.getTaskService(), rolledBack.instance.getId()) != null);
    ResponseEntity<byte[]> attached = as("mara.manager", PASSWORD)
        .getForEntity("/history/" + rolledBack.instance.getId() + "/attached.pdf", byte[].class);
    assertThat(attached.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(pdfText(attached.getBody())).contains("Rollback, in the order it ran", "IDA authentication fails");
    assertThat(as("mara.manager", PASSWORD).getForEntity("/history/" + running.instance.getId() + "/attached.pdf", String.class)
        .getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);

    // bad ids: one sentence, no stack trace
    ResponseEntity<String> unknown = as("mara.manager", PASSWORD).getForEntity("/history/no-such-upgrade", String.class);
    assertThat(unknown.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(unknown.getBody()).isEqualTo("No upgrade with the id 'no-such-upgrade' in the history.");
    ResponseEntity<String> bad = as("mara.manager", PASSWORD).getForEntity("/history/a*b", String.class);
    assertThat(bad.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(bad.getBody()).doesNotContain("Exception").startsWith("That is not an upgrade id");
  }

  @Test
  void aManagerLoggedInToCockpitOpensTheHistoryWithItsSession() throws Exception {
    CookieManager cookies = new CookieManager();
    HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();
    assertThat(browser.send(get("/history/"), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    // the webapps' CSRF protection: the token cookie comes with the first page, the login sends it back
    browser.send(get("/camunda/app/cockpit/default/"), HttpResponse.BodyHandlers.discarding());
    String token = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN")).findFirst()
        .orElseThrow().getValue();
    HttpResponse<String> login = browser.send(HttpRequest.newBuilder(uri("/camunda/api/admin/auth/user/default/login/cockpit"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("X-XSRF-TOKEN", token)
        .POST(HttpRequest.BodyPublishers.ofString("username=mara.manager&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    assertThat(browser.send(get("/history/"), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    assertThat(browser.send(get("/history/access"), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(204);
  }

  @Test
  void theWebappsLinkTheHistoryWithoutTheCamunda8BannerOrTheDeadWelcomeLink() {
    for (String app : new String[] {"cockpit", "tasklist", "admin", "welcome"}) {
      String config = rest.getForObject("/camunda/app/" + app + "/scripts/config.js", String.class);
      assertThat(config).as(app).contains("disableWelcomeMessage: true");
      assertThat(rest.getForObject("/camunda/app/" + app + "/styles/user-styles.css", String.class)).as(app)
          .contains(".ce-eol-banner").contains("display: none");
    }
    for (String app : new String[] {"cockpit", "tasklist"}) {
      assertThat(rest.getForObject("/camunda/app/" + app + "/scripts/config.js", String.class))
          .contains("customScripts: ['custom/upgrade-history']");
      assertThat(rest.getForObject("/camunda/app/" + app + "/custom/upgrade-history.js", String.class))
          .contains("pluginPoint", "/history/access", "'/history/");
    }
  }

  private TestRestTemplate as(String user, String password) {
    return rest.withBasicAuth(user, password);
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(uri(path)).GET().build();
  }

  private URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }

  private static void assertNoWriteAction(String html) {
    assertThat(html.toLowerCase()).doesNotContain("<form", "<button", "method=\"post\"", "<input");
  }

  private static String pdfText(byte[] pdf) throws Exception {
    try (PDDocument document = Loader.loadPDF(pdf)) {
      assertThat(document.getNumberOfPages()).isGreaterThan(5);
      return new PDFTextStripper().getText(document).replaceAll("\\s+", " ");
    }
  }
}
