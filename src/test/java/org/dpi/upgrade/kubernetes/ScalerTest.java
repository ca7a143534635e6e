package org.dpi.upgrade.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import org.dpi.upgrade.sandbox.FakeCluster;
import org.junit.jupiter.api.Test;

class ScalerTest {

  @Test
  void scalesToNAndBackReportingThePreviousCount() throws Exception {
    try (FakeCluster cluster = FakeCluster.start()) {
      var client = cluster.client();
      client.apps().deployments().inNamespace("regproc").resource(new DeploymentBuilder().withNewMetadata()
          .withName("regproc-group1").endMetadata().withNewSpec().withReplicas(3).endSpec().build()).create();
      client.apps().statefulSets().inNamespace("activemq").resource(new StatefulSetBuilder().withNewMetadata()
          .withName("activemq-artemis").endMetadata().withNewSpec().withReplicas(1).endSpec().build()).create();
      Scaler scaler = new Scaler(client);

      int previous = scaler.scale("Deployment", "regproc", "regproc-group1", 0);
      assertThat(previous).isEqualTo(3);
      assertThat(client.apps().deployments().inNamespace("regproc").withName("regproc-group1").get().getSpec().getReplicas()).isZero();
      assertThat(scaler.scale("Deployment", "regproc", "regproc-group1", previous)).isZero();
      assertThat(client.apps().deployments().inNamespace("regproc").withName("regproc-group1").get().getSpec().getReplicas()).isEqualTo(3);
      assertThat(scaler.scale("StatefulSet", "activemq", "activemq-artemis", 0)).isEqualTo(1);

      assertThatThrownBy(() -> scaler.scale("Deployment", "regproc", "missing", 1)).hasMessage("Deployment regproc/missing does not exist");
      assertThatThrownBy(() -> scaler.scale("Job", "regproc", "x", 1)).hasMessageContaining("only a Deployment or a StatefulSet");
    }
  }
}
