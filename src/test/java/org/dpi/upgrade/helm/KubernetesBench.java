package org.dpi.upgrade.helm;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.dpi.upgrade.kubernetes.BackupKeys;
import org.dpi.upgrade.kubernetes.BackupSpec;
import org.dpi.upgrade.kubernetes.BackupStore;
import org.dpi.upgrade.kubernetes.ConfigBackup;
import org.springframework.mock.env.MockEnvironment;

/**
 * Benchmark (bench/kubernetes/run.sh, not a test): config backup and restore of 1,000 Secrets and
 * ConfigMaps over 20 namespaces, and the time per module of a plan-ordered deploy, on the test
 * cluster with the real S3 server.
 */
public final class KubernetesBench {

  public static void main(String[] args) throws Exception {
    Path temp = Files.createTempDirectory("kubernetes-bench");
    try (HelmFixture f = new HelmFixture(temp)) {
      backup(f, temp);
      deploy(f, Integer.parseInt(args.length > 0 ? args[0] : "10"));
    }
    System.exit(0);
  }

  static void backup(HelmFixture f, Path temp) throws Exception {
    KubernetesClient client = f.cluster.client();
    List<String> namespaces = new ArrayList<>();
    for (int n = 0; n < 20; n++) {
      String ns = "module-" + n;
      namespaces.add(ns);
      for (int i = 0; i < 25; i++) {
        String value = "x".repeat(800) + i;
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("cm-" + i).endMetadata()
            .addToData("application.properties", value).build()).create();
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("secret-" + i).endMetadata()
            .addToData("password", Base64.getEncoder().encodeToString(value.getBytes())).build()).create();
      }
    }
    MockEnvironment environment = new MockEnvironment();
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    environment.setProperty("bench.key", Base64.getEncoder().encodeToString(key));
    ConfigBackup backups = new ConfigBackup(client, new BackupKeys(client, environment),
        new BackupStore(f.s3.client(), Files.createDirectories(temp.resolve("local"))));
    BackupSpec spec = new BackupSpec(namespaces, List.of(), List.of(), new BackupSpec.KeyRef(null, "bench.key"),
        new BackupSpec.Store("bench", "config"));
    for (int run = 1; run <= 3; run++) {
      long start = System.nanoTime();
      ConfigBackup.Archive archive = backups.backup(spec, "run-" + run);
      long backedUp = System.nanoTime();
      int restored = backups.restore(spec, "run-" + run, archive.sha256(), List.of()).size();
      long end = System.nanoTime();
      System.out.printf("backup run %d: %d objects in 20 namespaces, archive %d KiB: backup %d ms, restore+verify of %d objects %d ms%n",
          run, archive.objects(), Files.size(temp.resolve("local/bench/config/run-" + run + "/config.zip")) / 1024,
          (backedUp - start) / 1_000_000, restored, (end - backedUp) / 1_000_000);
    }
  }

  static void deploy(HelmFixture f, int modules) throws Exception {
    List<DeploySpec.Module> list = new ArrayList<>();
    for (int i = 0; i < modules; i++) {
      f.chart("module-" + i, "1.3.0");
      list.add(new DeploySpec.Module("module-" + i, "module-" + i, "mosip/module-" + i, "1.3.0", null));
    }
    long start = System.nanoTime();
    f.deployer.deploy(new DeploySpec(60, list), List.of(), f.store, "bench", step -> { });
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("deploy-plan: %d modules (helm install + readiness via the test kubelet, 100 ms poll) in %d ms: %d ms per module%n",
        modules, ms, ms / modules);
  }
}
