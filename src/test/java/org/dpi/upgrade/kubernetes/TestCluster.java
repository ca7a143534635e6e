package org.dpi.upgrade.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;

/**
 * A "cluster" for tests: fabric8's KubernetesMockServer in CRUD mode. {@code try (var cluster = TestCluster.start()) }.
 */
public final class TestCluster implements AutoCloseable {

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private TestCluster(KubernetesMockServer server) {
    this.server = server;
    this.client = server.createClient();
  }

  public static TestCluster start() {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    return new TestCluster(server);
  }

  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
