package org.dpi.upgrade.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;
import org.springframework.core.env.PropertySource;

/**
 * Decides, before anything starts, whether this run is a sandbox run: the default when nothing
 * real is configured. The sandbox never runs with the {@code postgres} profile, with any target
 * (cluster, backup store, chart repository, database server, object store) or with an engine
 * database configured, nor with {@code sandbox.enabled=false}; asking for it explicitly
 * ({@code sandbox.enabled=true}) together with one of those is an error. In a sandbox run every log
 * line carries {@code [SANDBOX]} and {@link SandboxStarter} starts the sandbox.
 */
public class SandboxMode implements EnvironmentPostProcessor, Ordered {

  /** Set (to true) when this run is a sandbox run. */
  public static final String ACTIVE = "sandbox.active";

  /** Settings that name a real target; any of them set means no sandbox. */
  static final List<String> TARGETS = List.of("orchestrator.kubernetes.kubeconfig", "orchestrator.kubernetes.backup-store.endpoint",
      "orchestrator.database.server.host", "orchestrator.database.new-server.host", "orchestrator.database.scratch.host",
      "orchestrator.objectstore.source.endpoint", "orchestrator.objectstore.target.endpoint");
  static final String PACKAGED_CONFIG = "class path resource [application.yaml]";
  private static final String ALL_SOURCES = "configurationProperties";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    List<String> reasons = reasonsAgainst(environment);
    String enabled = environment.getProperty("sandbox.enabled");
    if ("true".equalsIgnoreCase(enabled) && !reasons.isEmpty()) {
      throw new IllegalStateException("sandbox.enabled=true, but the sandbox never runs beside real systems: "
          + String.join("; ", reasons) + ". Remove those settings, or sandbox.enabled.");
    }
    if (!reasons.isEmpty() || "false".equalsIgnoreCase(enabled)) {
      return;
    }
    Map<String, Object> mode = new LinkedHashMap<>();
    mode.put(ACTIVE, "true");
    mode.put("logging.pattern.level", "%5p [SANDBOX]");
    for (String quiet : List.of("io.zonky.test.db.postgres", "org.gaul", "org.eclipse.jetty", "org.jclouds",
        "io.fabric8.kubernetes.client.server.mock")) {
      mode.put("logging.level." + quiet, "WARN");
    }
    // lowest precedence: explicit logging settings win
    environment.getPropertySources().addLast(new MapPropertySource("sandbox-mode", mode));
  }

  /** Why this run must not be a sandbox run (empty: it may). */
  static List<String> reasonsAgainst(ConfigurableEnvironment environment) {
    List<String> reasons = new ArrayList<>();
    if (environment.acceptsProfiles(Profiles.of("postgres"))) {
      reasons.add("the 'postgres' profile is active");
    }
    for (String target : TARGETS) {
      String value = environment.getProperty(target);
      if (value != null && !value.isBlank()) {
        reasons.add(target + " is set");
      }
    }
    if (!Binder.get(environment).bind("orchestrator.helm.repositories", Bindable.mapOf(String.class, String.class))
        .orElse(Map.of()).isEmpty()) {
      reasons.add("orchestrator.helm.repositories is set");
    }
    for (PropertySource<?> source : environment.getPropertySources()) {
      // the first real source that has it (not the view of all sources that Spring Boot puts first)
      if (!source.getName().equals(ALL_SOURCES) && source.containsProperty("spring.datasource.url")) {
        if (!source.getName().contains(PACKAGED_CONFIG)) {
          reasons.add("spring.datasource.url (the engine's database) is set");
        }
        break;
      }
    }
    return reasons;
  }

  static boolean active(Environment environment) {
    return environment.getProperty(ACTIVE, Boolean.class, false);
  }

  /** After the config files and profiles are read. */
  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
