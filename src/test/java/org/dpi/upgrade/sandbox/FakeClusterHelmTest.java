package org.dpi.upgrade.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real Helm (helm-java) against the fake cluster: install, upgrade, history, values, list, uninstall. */
class FakeClusterHelmTest {

  @TempDir Path temp;

  @Test
  @Timeout(120)
  void helmRunsItsReleaseLifecycleAgainstTheFakeCluster() throws Exception {
    try (FakeCluster cluster = FakeCluster.start()) {
      Path chart = Charts.packaged(temp, "websub", "1.3.0");
      String kubeconfig = cluster.kubeconfig();
      assertThat(new Helm(chart).install().disableOpenApiValidation().withName("websub").withNamespace("websub")
          .withKubeConfigContents(kubeconfig).call().getStatus()).isEqualTo("deployed");
      assertThat(cluster.client().apps().deployments().inNamespace("websub").withName("websub").get()).isNotNull();
      assertThat(new Helm(chart).upgrade().disableOpenApiValidation().withName("websub").withNamespace("websub")
          .set("replicaCount", 2).set("image.tag", "1.2.1.0").withKubeConfigContents(kubeconfig).call().getRevision()).isEqualTo("2");
      var deployment = cluster.client().apps().deployments().inNamespace("websub").withName("websub").get();
      assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
      // Helm's strategic merge patch changed the one container (merged by name), it did not add a second
      assertThat(deployment.getSpec().getTemplate().getSpec().getContainers()).extracting(c -> c.getName() + " " + c.getImage())
          .containsExactly("websub nginx:1.2.1.0");
      assertThat(deployment.getSpec().getTemplate().getSpec().getAdditionalProperties()).isEmpty();
      assertThat(Helm.history("websub").withNamespace("websub").withKubeConfigContents(kubeconfig).call()).hasSize(2);
      assertThat(Helm.get("websub").values().withNamespace("websub").withKubeConfigContents(kubeconfig).call())
          .contains("replicaCount: 2");
      assertThat(Helm.list().withNamespace("websub").withKubeConfigContents(kubeconfig).call())
          .extracting(r -> r.getName() + " " + r.getChart()).containsExactly("websub websub-1.3.0");
      Helm.uninstall("websub").withNamespace("websub").withKubeConfigContents(kubeconfig).call();
      assertThat(cluster.client().apps().deployments().inNamespace("websub").list().getItems()).isEmpty();
      assertThat(cluster.client().secrets().inNamespace("websub").list().getItems()).isEmpty();
    }
  }

  @Test
  void chartsArePackagedWithTheirVersion() throws Exception {
    assertThat(Charts.packaged(temp, "kernel", "12.0.1")).hasFileName("kernel-12.0.1.tgz").exists();
    assertThat(Files.exists(temp.resolve("charts/kernel-12.0.1.tgz"))).isTrue();
  }
}
