package org.dpi.upgrade.objectstore;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration
@EnableConfigurationProperties(ObjectStoreProperties.class)
class ObjectStoreConfiguration {
}
