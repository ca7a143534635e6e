package org.dpi.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.ProcessEngine;
import org.dpi.upgrade.process.ProcessDeployment;
import org.dpi.upgrade.security.IdentitySetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The default without the sandbox (as with a real target configured): H2 file database, demo users
 * whose passwords are shown once, on the first screen.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "camunda.bpm.client.disable-auto-fetching=true")
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DefaultProfileTest {

  @TempDir static Path data;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + data.resolve("orchestrator") + ";DB_CLOSE_ON_EXIT=FALSE");
  }

  @Autowired ProcessEngine engine;
  @Autowired TestRestTemplate rest;
  @Autowired IdentitySetup identitySetup;
  @Autowired ProcessDeployment deployment;

  @Test
  void printedDemoPasswordsLogInAndASecondStartChangesNothing(CapturedOutput startup) {
    // the start-up output was printed before this test; the users exist and the printed passwords work
    assertThat(engine.getIdentityService().createUserQuery().memberOfGroup("operators").list())
        .extracting(u -> u.getId()).containsExactly("demo-operator");
    String printed = startup.getAll();
    for (String user : new String[] {"admin", "demo-operator", "demo-dba", "demo-reviewer", "demo-manager"}) {
      Matcher m = Pattern.compile("  " + user + " / (\\S+)").matcher(printed);
      assertThat(m.find()).as("password of %s printed at start-up", user).isTrue();
      assertThat(rest.withBasicAuth(user, m.group(1)).getForEntity("/engine-rest/user/" + user + "/profile", String.class)
          .getStatusCode()).as(user).isEqualTo(HttpStatus.OK);
    }

    assertThat(engine.getRepositoryService().createProcessDefinitionQuery().latestVersion().list())
        .extracting(d -> d.getKey()).contains("mosip-1.2.0.1-to-1.2.1.0", "alfresco-identity-1.1-to-1.2");

    long authorizations = engine.getAuthorizationService().createAuthorizationQuery().count();
    long deployments = engine.getRepositoryService().createDeploymentQuery().count();
    identitySetup.postProcessEngineBuild(engine);
    deployment.postProcessEngineBuild(engine);
    assertThat(engine.getAuthorizationService().createAuthorizationQuery().count()).isEqualTo(authorizations);
    assertThat(engine.getRepositoryService().createDeploymentQuery().count()).isEqualTo(deployments).isEqualTo(1);
    assertThat(startup.getAll().split("Users created now", -1)).as("passwords are printed once, at creation").hasSize(2);
    String screen = startup.getAll().substring(startup.getAll().indexOf(FirstScreen.READY));
    assertThat(screen).contains("/camunda/app/").contains("1. Log in as demo-operator; in Tasklist, Start process: ")
        .contains("\"MOSIP upgrade 1.2.0.1 → 1.2.1.0\"", "\"Alfresco Identity Service upgrade 1.1 → 1.2 (Kubernetes)\"")
        .doesNotContain("SANDBOX");
  }

  @Test
  void theDatabaseFilesAreReadableOnlyByTheOrchestratorsUser() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("orchestrator.mv.db"))))
        .isEqualTo("rw-------");
  }
}
