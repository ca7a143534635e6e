package org.dpi.upgrade.config;

import java.nio.file.Path;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code orchestrator.config}: the working directory of the config steps and the git credentials,
 * which come from the environment and never enter the engine.
 */
@ConfigurationProperties("orchestrator.config")
record ConfigSettings(String workDir, Git git) {

  record Git(String username, String token) { }

  @Configuration
  @EnableConfigurationProperties(ConfigSettings.class)
  static class Beans {
    @Bean
    ConfigMigration configMigration(ConfigSettings settings) {
      String workDir = settings.workDir() == null ? "./data/config-migration" : settings.workDir();
      boolean token = settings.git() != null && settings.git().token() != null && !settings.git().token().isBlank();
      return new ConfigMigration(Path.of(workDir), token
          ? new UsernamePasswordCredentialsProvider(settings.git().username() == null ? "" : settings.git().username(),
              settings.git().token())
          : null);
    }
  }
}
