package org.dpi.upgrade.helm;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.dpi.upgrade.kubernetes.KubernetesProperties;
import org.dpi.upgrade.kubernetes.SealedRecords;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Helm on the cluster of {@code orchestrator.kubernetes}, charts from {@code orchestrator.helm.repositories}. */
@Configuration
@EnableConfigurationProperties(HelmProperties.class)
public class HelmConfiguration {

  /**
   * Helm's kubeconfig: the configured file, else one built in memory from the in-cluster service
   * account (server, token, CA file). Never written to disk or logged.
   */
  @Bean
  HelmClient helmClient(KubernetesProperties kubernetes, KubernetesClient client, HelmProperties properties) {
    Supplier<String> kubeconfig = () -> {
      try {
        if (kubernetes.kubeconfig() != null && !kubernetes.kubeconfig().isBlank()) {
          return Files.readString(Path.of(kubernetes.kubeconfig()));
        }
      } catch (Exception e) {
        throw new IllegalStateException("orchestrator.kubernetes.kubeconfig: cannot read " + kubernetes.kubeconfig(), e);
      }
      return inCluster(client.getConfiguration());
    };
    return new HelmClient(kubeconfig, properties, client);
  }

  static String inCluster(Config config) {
    String cluster = config.getCaCertFile() != null ? "certificate-authority: \"" + config.getCaCertFile() + "\""
        : "insecure-skip-tls-verify: " + config.isTrustCerts();
    return """
        apiVersion: v1
        kind: Config
        clusters: [{name: target, cluster: {server: "%s", %s}}]
        users: [{name: orchestrator, user: {token: "%s"}}]
        contexts: [{name: target, context: {cluster: target, user: orchestrator}}]
        current-context: target
        """.formatted(config.getMasterUrl(), cluster, config.getAutoOAuthToken());
  }

  @Bean
  Readiness readiness(KubernetesClient client, HelmProperties properties) {
    return new Readiness(client, properties.pollInterval());
  }

  @Bean
  ReleaseRecords releaseRecords(SealedRecords sealed) {
    return new ReleaseRecords(sealed);
  }

  @Bean
  HelmDeployer helmDeployer(HelmClient helm, Readiness readiness, ReleaseRecords records, HelmProperties properties) {
    return new HelmDeployer(helm, readiness, records, properties.readinessTimeout());
  }

  @Bean
  HelmReleases helmReleases(HelmClient helm, Readiness readiness, ReleaseRecords records, HelmDeployer deployer,
      KubernetesClient client, HelmProperties properties) {
    return new HelmReleases(helm, readiness, records, deployer, client, properties);
  }
}
