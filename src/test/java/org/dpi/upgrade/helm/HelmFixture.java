package org.dpi.upgrade.helm;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.dpi.upgrade.kubernetes.BackupKeys;
import org.dpi.upgrade.kubernetes.BackupSpec;
import org.dpi.upgrade.kubernetes.BackupStore;
import org.dpi.upgrade.sandbox.Charts;
import org.dpi.upgrade.kubernetes.SealedRecords;
import org.dpi.upgrade.sandbox.FakeCluster;
import org.dpi.upgrade.sandbox.S3Server;
import org.springframework.mock.env.MockEnvironment;

/** The Helm services wired on a fake cluster, a real S3 server and local charts of repository {@code mosip}. */
final class HelmFixture implements AutoCloseable {

  static final String KEY_PROPERTY = "test.backup-key";
  static final String RUN = "run-7";

  final FakeCluster cluster = FakeCluster.start();
  final S3Server s3;
  final Path charts;
  final HelmClient helm;
  final ReleaseRecords records;
  final HelmDeployer deployer;
  final HelmReleases releases;
  final BackupSpec store = new BackupSpec(List.of(), List.of(), List.of(), new BackupSpec.KeyRef(null, KEY_PROPERTY),
      new BackupSpec.Store("upgrade-backups", "mosip/config"));

  HelmFixture(Path temp) throws Exception {
    s3 = S3Server.start(Files.createDirectories(temp.resolve("s3")), "helm-test", "helm-test-secret");
    charts = temp.resolve("charts");
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    MockEnvironment environment = new MockEnvironment().withProperty(KEY_PROPERTY, Base64.getEncoder().encodeToString(key));
    HelmProperties properties = new HelmProperties(Map.of("mosip", charts.toString(), "alfresco-incubator", charts.toString()), "mosip", false,
        Duration.ofSeconds(10), Duration.ofMillis(100));
    helm = new HelmClient(cluster::kubeconfig, properties, cluster.client());
    Readiness readiness = new Readiness(cluster.client(), properties.pollInterval());
    records = new ReleaseRecords(new SealedRecords(new BackupKeys(cluster.client(), environment),
        new BackupStore(s3.client(), null)));
    deployer = new HelmDeployer(helm, readiness, records, properties.readinessTimeout());
    releases = new HelmReleases(helm, readiness, records, deployer, cluster.client(), properties);
    cluster.kubelet();
  }

  void chart(String name, String... versions) throws Exception {
    for (String version : versions) {
      Charts.packaged(charts.getParent(), name, version);
    }
  }

  /** Helm release revisions (their storage Secrets) created since {@code before}, oldest first: "name vN". */
  List<String> revisionsSince(Set<String> before) {
    return cluster.client().secrets().inAnyNamespace().withLabel("owner", "helm").list().getItems().stream()
        .filter(s -> !before.contains(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()))
        .sorted(Comparator.comparingLong(HelmFixture::resourceVersion))
        .map(s -> s.getMetadata().getLabels().get("name") + " v" + s.getMetadata().getLabels().get("version")).toList();
  }

  Set<String> revisions() {
    return cluster.client().secrets().inAnyNamespace().withLabel("owner", "helm").list().getItems().stream()
        .map(s -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()).collect(Collectors.toSet());
  }

  private static long resourceVersion(Secret s) {
    return Long.parseLong(s.getMetadata().getResourceVersion());
  }

  @Override
  public void close() throws Exception {
    s3.close();
    cluster.close();
  }
}
