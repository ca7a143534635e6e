package org.dpi.upgrade.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.minio.MinioClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The cluster connection and the backup services, from {@code orchestrator.kubernetes}. */
@Configuration
@EnableConfigurationProperties(KubernetesProperties.class)
public class KubernetesConfiguration {

  /** The kubeconfig file if one is configured, else in-cluster / fabric8 auto-configuration. Created lazily. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  KubernetesClient kubernetesClient(KubernetesProperties properties) throws Exception {
    String kubeconfig = properties.kubeconfig();
    if (kubeconfig == null || kubeconfig.isBlank()) {
      return new KubernetesClientBuilder().withConfig(Config.autoConfigure(null)).build();
    }
    Path file = Path.of(kubeconfig);
    if (!Files.isReadable(file)) {
      throw new IllegalStateException("orchestrator.kubernetes.kubeconfig: cannot read " + file);
    }
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(file))).build();
  }

  @Bean
  BackupStore backupStore(KubernetesProperties properties) {
    KubernetesProperties.BackupStore s = properties.backupStore();
    if (s == null || s.endpoint() == null || s.endpoint().isBlank()) {
      return new BackupStore(null, null);
    }
    MinioClient client = MinioClient.builder().endpoint(s.endpoint()).credentials(s.accessKey(), s.secretKey()).build();
    return new BackupStore(client, s.directory() == null || s.directory().isBlank() ? null : Path.of(s.directory()));
  }

  @Bean
  BackupKeys backupKeys(KubernetesClient client, Environment environment) {
    return new BackupKeys(client, environment);
  }

  @Bean
  Scaler scaler(KubernetesClient client) {
    return new Scaler(client);
  }

  @Bean
  SealedRecords sealedRecords(BackupKeys keys, BackupStore store) {
    return new SealedRecords(keys, store);
  }

  @Bean
  ConfigBackup configBackup(KubernetesClient client, BackupKeys keys, BackupStore store) {
    return new ConfigBackup(client, keys, store);
  }
}
