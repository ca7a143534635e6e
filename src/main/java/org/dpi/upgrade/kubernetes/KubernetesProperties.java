package org.dpi.upgrade.kubernetes;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code orchestrator.kubernetes}: how to reach the target cluster and where the encrypted backups go.
 * Credentials are read from files or the environment, never from the plan or process variables.
 *
 * @param kubeconfig path of a kubeconfig file; empty: in-cluster service account (or the usual
 *     fabric8 auto-configuration: KUBECONFIG, ~/.kube/config)
 * @param backupStore S3 store of the backup archives
 */
@ConfigurationProperties("orchestrator.kubernetes")
public record KubernetesProperties(String kubeconfig, BackupStore backupStore) {

  /**
   * @param endpoint S3 endpoint URL
   * @param accessKey access key (from the environment)
   * @param secretKey secret key (from the environment)
   * @param directory optional local directory that receives a copy of every archive
   */
  public record BackupStore(String endpoint, String accessKey, String secretKey, String directory) {
  }
}
