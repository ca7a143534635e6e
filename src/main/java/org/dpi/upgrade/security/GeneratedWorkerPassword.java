package org.dpi.upgrade.security;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives the in-process workers a fresh random password at each start when none is configured, so
 * that no worker password has to be written anywhere. {@link IdentitySetup} sets it on the user.
 */
public class GeneratedWorkerPassword implements EnvironmentPostProcessor {

  static final String PROPERTY = "orchestrator.worker.password";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    String configured = environment.getProperty(PROPERTY);
    if (configured == null || configured.isBlank()) {
      environment.getPropertySources().addFirst(
          new MapPropertySource("generatedWorkerPassword", Map.of(PROPERTY, randomPassword())));
    }
  }

  static String randomPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
