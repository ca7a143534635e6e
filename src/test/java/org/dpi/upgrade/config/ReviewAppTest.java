package org.dpi.upgrade.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngines;
import org.camunda.bpm.engine.externaltask.LockedExternalTask;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.dpi.upgrade.security.IdentitySetup;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The application running on a random port (H2 in memory, no workers) with a config reviewer, a manager
 * and an operator, and MOSIP upgrades brought to the config review by a real migration of the fixture
 * (a bare repository on disk). Subclasses share one application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.datasource.url=jdbc:h2:mem:config-review;DB_CLOSE_DELAY=-1", "orchestrator.demo-users=false"})
abstract class ReviewAppTest {

  static final String REVIEWER = "rita-reviewer";
  static final String MANAGER = "max-manager";
  static final String OPERATOR = "otto-operator";
  static final String PASSWORD = "Review-test-9";
  static final Path DIR = temporary();

  @DynamicPropertySource
  static void workDir(DynamicPropertyRegistry registry) {
    registry.add("orchestrator.config.work-dir", () -> DIR.resolve("work").toString());
  }

  @Autowired ProcessEngine engine;
  @Autowired ConfigMigration migration;
  @LocalServerPort int port;

  /**
   * The application's engine as the webapps' and REST API's engine "default": a test class that built its
   * own engine earlier in this JVM (ProcessEngineExtension) registered that one under the same name, or
   * removed the name when it closed it.
   */
  @BeforeEach
  void users() {
    ProcessEngines.registerProcessEngine(engine);
    IdentityService identity = engine.getIdentityService();
    for (var user : Map.of(REVIEWER, IdentitySetup.CONFIG_REVIEWERS, MANAGER, IdentitySetup.MANAGERS,
        OPERATOR, IdentitySetup.OPERATORS).entrySet()) {
      if (identity.createUserQuery().userId(user.getKey()).count() == 0) {
        User u = identity.newUser(user.getKey());
        u.setPassword(PASSWORD);
        u.setFirstName(user.getKey());
        u.setLastName("test");
        identity.saveUser(u);
        identity.createMembership(user.getKey(), user.getValue());
      }
    }
  }

  /** A MOSIP upgrade moved to the config migration, migrated from a fresh remote, waiting at the review. */
  ProcessInstance atReview() throws Exception {
    ProcessInstance instance = engine.getRuntimeService().startProcessInstanceByKey("mosip-1.2.0.1-to-1.2.1.0", "CHG-7",
        Map.of("environment", "staging", "changeTicket", "CHG-7", "maintenanceWindow", "Sat 22:00-06:00 UTC"));
    engine.getRuntimeService().createProcessInstanceModification(instance.getId())
        .cancelAllForActivity("Task_RehearseSchemaUpgrade").startBeforeActivity("Task_MigrateConfig")
        .setVariable("inMaintenance", false).execute();
    LockedExternalTask task = engine.getExternalTaskService().fetchAndLock(50, "review-test").topic("config.migrate", 60_000)
        .execute().stream().filter(t -> t.getProcessInstanceId().equals(instance.getId())).findFirst().orElseThrow();
    ConfigRemote remote = new ConfigRemote(Files.createTempDirectory(DIR, "remote-"));
    Map<String, Object> variables = migration.migrate(ConfigFixture.plan(remote, ConfigRemote.OLD, ConfigRemote.NEW,
        PropMigratorTest.FIXTURE.resolve("kb").toAbsolutePath().toString()), instance.getId());
    engine.getExternalTaskService().complete(task.getId(), "review-test", variables);
    return instance;
  }

  String url(String path) {
    return "http://localhost:" + port + path;
  }

  private static Path temporary() {
    try {
      return Files.createTempDirectory("config-review");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
