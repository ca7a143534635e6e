package org.dpi.upgrade.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;

/**
 * A "cluster" for tests: fabric8's KubernetesMockServer in CRUD mode, made usable by Helm
 * ({@link HelmReadyDispatcher}). {@code try (var cluster = TestCluster.start()) { cluster.client() ... cluster.kubeconfig() } }.
 */
public final class TestCluster implements AutoCloseable {

  /** Kept so that the level holds: the mock logs every request at INFO through java.util.logging. */
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private Kubelet kubelet;

  private TestCluster(KubernetesMockServer server) {
    this.server = server;
    this.client = server.createClient();
  }

  public static TestCluster start() {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new HelmReadyDispatcher(), false);
    server.init();
    return new TestCluster(server);
  }

  /** A kubeconfig for Helm (or any client) pointing at this cluster. */
  public String kubeconfig() {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster: {server: "%s"}
        users:
        - name: test
          user: {token: test-token}
        contexts:
        - name: test
          context: {cluster: test, user: test, namespace: default}
        current-context: test
        """.formatted(client.getMasterUrl().toString().replaceAll("/$", ""));
  }

  public KubernetesClient client() {
    return client;
  }

  /** Starts (once) the thread that makes workloads ready; see {@link Kubelet}. */
  public synchronized Kubelet kubelet() {
    if (kubelet == null) {
      kubelet = new Kubelet(server.createClient());
    }
    return kubelet;
  }

  @Override
  public void close() throws InterruptedException {
    if (kubelet != null) {
      kubelet.close();
    }
    client.close();
    server.destroy();
  }
}
