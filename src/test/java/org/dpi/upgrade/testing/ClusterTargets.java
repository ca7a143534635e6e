package org.dpi.upgrade.testing;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.dpi.upgrade.sandbox.FakeCluster;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What the application's Kubernetes and Helm workers act on in a Spring test: the fake cluster (real
 * Helm works against it) with the config backup key, an S3 server for the config backups, a free
 * server port, and the settings that point the workers at them.
 */
public record ClusterTargets(Path temp, FakeCluster cluster, S3Server s3) implements AutoCloseable {

  /** Starts the targets under a new temporary directory named {@code name} and registers their settings. */
  public static ClusterTargets start(DynamicPropertyRegistry registry, String name) throws Exception {
    Path temp = Files.createTempDirectory(name);
    FakeCluster cluster = FakeCluster.start();
    String secret = name + "-secret";
    S3Server s3 = S3Server.start(Files.createDirectories(temp.resolve("s3")), name, secret);
    Path kubeconfig = Files.writeString(temp.resolve("kubeconfig"), cluster.kubeconfig());
    try (ServerSocket socket = new ServerSocket(0)) {
      int port = socket.getLocalPort();
      registry.add("server.port", () -> port);
    }
    registry.add("orchestrator.kubernetes.kubeconfig", kubeconfig::toString);
    registry.add("orchestrator.kubernetes.backup-store.endpoint", s3::endpoint);
    registry.add("orchestrator.kubernetes.backup-store.access-key", () -> name);
    registry.add("orchestrator.kubernetes.backup-store.secret-key", () -> secret);
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    cluster.client().secrets().inNamespace("upgrade-orchestrator").resource(new SecretBuilder().withNewMetadata()
        .withName("config-backup-key").endMetadata().addToData("aes256", Base64.getEncoder().encodeToString(key)).build()).create();
    return new ClusterTargets(temp, cluster, s3);
  }

  @Override
  public void close() throws Exception {
    s3.close();
    cluster.close();
  }
}
