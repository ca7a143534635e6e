package org.dpi.upgrade.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;

/** When a run is a sandbox run: only when nothing real is configured. */
class SandboxModeTest {

  static final String PACKAGED = "Config resource '" + SandboxMode.PACKAGED_CONFIG + "' via location 'optional:classpath:/'";

  @Test
  void withNothingConfiguredTheRunIsASandboxRunAndEveryLogLineSaysSo() {
    StandardEnvironment environment = environment(Map.of());
    new SandboxMode().postProcessEnvironment(environment, new SpringApplication());
    assertThat(SandboxMode.active(environment)).isTrue();
    assertThat(environment.getProperty("logging.pattern.level")).contains("[SANDBOX]");
  }

  @Test
  void thePostgresProfileAnyTargetOrAnEngineDatabaseMeansNoSandbox() {
    for (Map<String, Object> real : java.util.List.<Map<String, Object>>of(
        Map.of("spring.profiles.active", "postgres"),
        Map.of("orchestrator.kubernetes.kubeconfig", "/etc/kube/config"),
        Map.of("orchestrator.kubernetes.backup-store.endpoint", "https://s3.example.org"),
        Map.of("orchestrator.helm.repositories.mosip", "/charts"),
        Map.of("orchestrator.database.server.host", "db.example.org"),
        Map.of("orchestrator.objectstore.target.endpoint", "https://minio.example.org"),
        Map.of("sandbox.enabled", "false"))) {
      StandardEnvironment environment = environment(real);
      new SandboxMode().postProcessEnvironment(environment, new SpringApplication());
      assertThat(SandboxMode.active(environment)).as("%s", real).isFalse();
    }
    StandardEnvironment database = environment(Map.of());
    database.getPropertySources().addFirst(new MapPropertySource("commandLineArgs",
        Map.of("spring.datasource.url", "jdbc:postgresql://db/orchestrator")));
    assertThat(SandboxMode.reasonsAgainst(database)).containsExactly("spring.datasource.url (the engine's database) is set");
  }

  @Test
  void askingForTheSandboxBesideARealTargetIsAnError() {
    StandardEnvironment environment = environment(Map.of("sandbox.enabled", "true", "orchestrator.database.server.host", "db",
        "spring.profiles.active", "postgres"));
    assertThatThrownBy(() -> new SandboxMode().postProcessEnvironment(environment, new SpringApplication()))
        .hasMessageContaining("the 'postgres' profile is active").hasMessageContaining("orchestrator.database.server.host is set")
        .hasMessageContaining("never runs beside real systems");
    assertThat(SandboxMode.active(environment)).isFalse();
  }

  /**
   * An environment as the packaged application.yaml leaves it (its engine database), plus
   * {@code settings}; without this JVM's system properties and environment (the build switches the
   * sandbox off for tests there).
   */
  private static StandardEnvironment environment(Map<String, Object> settings) {
    StandardEnvironment environment = new StandardEnvironment() {
      @Override
      protected void customizePropertySources(MutablePropertySources sources) {
      }
    };
    environment.getPropertySources().addLast(new MapPropertySource(PACKAGED,
        Map.of("spring.datasource.url", "jdbc:h2:file:./data/orchestrator", "orchestrator.kubernetes.kubeconfig", "")));
    environment.getPropertySources().addFirst(new MapPropertySource("test", settings));
    if (settings.containsKey("spring.profiles.active")) {
      environment.setActiveProfiles(settings.get("spring.profiles.active").toString());
    }
    return environment;
  }
}
