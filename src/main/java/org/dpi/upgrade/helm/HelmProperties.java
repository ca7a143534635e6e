package org.dpi.upgrade.helm;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code orchestrator.helm}.
 *
 * @param repositories chart repository alias (the {@code mosip} of {@code mosip/kernel}) to a directory of
 *     packaged charts {@code <name>-<version>.tgz} (e.g. filled with {@code helm pull})
 * @param recordedRepository alias used to find again the charts of releases recorded from the cluster
 * @param openapiValidation validate manifests against the cluster's OpenAPI schema
 * @param readinessTimeout readiness wait of single releases (reinstall, install-release, keycloak-init)
 * @param pollInterval how often readiness is checked
 */
@ConfigurationProperties("orchestrator.helm")
public record HelmProperties(Map<String, String> repositories, String recordedRepository, Boolean openapiValidation,
    Duration readinessTimeout, Duration pollInterval) {

  public HelmProperties {
    repositories = repositories == null ? Map.of() : repositories;
    recordedRepository = recordedRepository == null ? "mosip" : recordedRepository;
    openapiValidation = openapiValidation == null || openapiValidation;
    readinessTimeout = readinessTimeout == null ? Duration.ofMinutes(15) : readinessTimeout;
    pollInterval = pollInterval == null ? Duration.ofSeconds(2) : pollInterval;
  }
}
