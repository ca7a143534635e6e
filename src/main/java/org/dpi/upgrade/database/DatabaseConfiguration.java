package org.dpi.upgrade.database;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds {@code orchestrator.database}. */
@Configuration
@EnableConfigurationProperties(DatabaseSettings.class)
class DatabaseConfiguration {
}
