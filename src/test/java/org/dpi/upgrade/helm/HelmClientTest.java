package org.dpi.upgrade.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.dpi.upgrade.sandbox.Charts;
import org.dpi.upgrade.sandbox.FakeCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A release installed into a namespace that did not exist leaves nothing behind when it is uninstalled. */
class HelmClientTest {

  @TempDir Path temp;

  @Test
  void theNamespaceCreatedForAReleaseGoesWithItAnExistingNamespaceStays() throws Exception {
    try (FakeCluster cluster = FakeCluster.start()) {
      Charts.packaged(temp, "minio", "15.0.6");
      HelmClient helm = new HelmClient(cluster::kubeconfig, new HelmProperties(Map.of("bitnami", temp.resolve("charts").toString()),
          "bitnami", false, Duration.ofSeconds(10), Duration.ofMillis(100)), cluster.client());
      cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("minio").endMetadata().build()).create();

      helm.deploy(new ReleaseState("minio", "minio-2025", "bitnami/minio", "15.0.6", ""));
      helm.deploy(new ReleaseState("minio", "minio", "bitnami/minio", "15.0.6", ""));
      assertThat(cluster.client().namespaces().withName("minio-2025").get().getMetadata().getAnnotations())
          .containsEntry(HelmClient.CREATED_FOR, "minio");

      helm.uninstall("minio", "minio-2025");
      helm.uninstall("minio", "minio");
      assertThat(cluster.client().namespaces().withName("minio-2025").get()).isNull();
      assertThat(cluster.client().namespaces().withName("minio").get()).isNotNull();
    }
  }
}
