package org.dpi.upgrade.sandbox;

import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * In a sandbox run ({@link SandboxMode}), starts the {@link Sandbox} before any bean exists, puts its
 * settings first among the application's settings (so the engine and every capability use its parts
 * and every capability's workers run), and registers it as bean {@code sandbox}, closed with the
 * application. Options: {@code sandbox.directory} (default {@code ./data/sandbox}),
 * {@code sandbox.reset} (rebuild it; {@code --sandbox.reset} on the command line),
 * {@code sandbox.vendor-defect} (plant the vendor defect).
 */
public class SandboxStarter implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  private static final Logger log = LoggerFactory.getLogger(SandboxStarter.class);

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    ConfigurableEnvironment environment = context.getEnvironment();
    if (!SandboxMode.active(environment)) {
      return;
    }
    Sandbox sandbox;
    try {
      sandbox = Sandbox.open(new Sandbox.Options(Path.of(environment.getProperty("sandbox.directory", "./data/sandbox")),
          flag(environment, "sandbox.reset"), flag(environment, "sandbox.vendor-defect")));
    } catch (Exception e) {
      throw new IllegalStateException("The sandbox could not start: " + e.getMessage(), e);
    }
    Map<String, Object> settings = sandbox.settings();
    String workers = environment.getProperty("orchestrator.workers", "");
    if (workers.isBlank()) {
      settings.put("orchestrator.workers", String.join(",", Sandbox.CAPABILITIES));
    } else {
      log.warn("{}: only the workers of ORCHESTRATOR_WORKERS={} run", Sandbox.NOTICE, workers);
    }
    environment.getPropertySources().addFirst(new MapPropertySource("sandbox", settings));
    DefaultListableBeanFactory beans = (DefaultListableBeanFactory) context.getBeanFactory();
    beans.registerSingleton("sandbox", sandbox);
    beans.registerDisposableBean("sandbox", sandbox::close);
  }

  /** A flag given as {@code --name}, {@code --name=true} or {@code name=true}. */
  static boolean flag(ConfigurableEnvironment environment, String name) {
    String value = environment.getProperty(name);
    return value != null && !value.equalsIgnoreCase("false");
  }
}
