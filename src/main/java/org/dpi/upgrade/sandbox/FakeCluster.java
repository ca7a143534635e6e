package org.dpi.upgrade.sandbox;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * A Kubernetes API server that real Helm (helm-java) and fabric8 work against: fabric8's
 * KubernetesMockServer in CRUD mode, made usable by Helm ({@link HelmReadyDispatcher}), on a free
 * loopback port. In memory for tests ({@link #start()}); the sandbox keeps its objects in a journal
 * file ({@link #start(Path)}), so they survive a restart, also after a kill.
 */
public final class FakeCluster implements AutoCloseable {

  /** Kept so that the level holds: the mock logs every request at INFO through java.util.logging. */
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private Kubelet kubelet;

  private FakeCluster(KubernetesMockServer server) {
    this.server = server;
    this.client = server.createClient();
  }

  /** An empty cluster in memory. */
  public static FakeCluster start() {
    return start(new HelmReadyDispatcher(null));
  }

  /** A cluster holding the objects of {@code journal} (created if absent); every change is appended to it. */
  public static FakeCluster start(Path journal) throws IOException {
    ClusterJournal objects = ClusterJournal.open(journal);
    FakeCluster cluster = start(new HelmReadyDispatcher(objects));
    objects.restoreInto(cluster.client);
    return cluster;
  }

  private static FakeCluster start(HelmReadyDispatcher dispatcher) {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        dispatcher, false);
    server.init();
    return new FakeCluster(server);
  }

  /** A kubeconfig for Helm (or any client) pointing at this cluster. */
  public String kubeconfig() {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: fake
          cluster: {server: "%s"}
        users:
        - name: fake
          user: {token: fake-token}
        contexts:
        - name: fake
          context: {cluster: fake, user: fake, namespace: default}
        current-context: fake
        """.formatted(url());
  }

  /** The API server's address, e.g. {@code http://localhost:41234}. */
  public String url() {
    return client.getMasterUrl().toString().replaceAll("/$", "");
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
