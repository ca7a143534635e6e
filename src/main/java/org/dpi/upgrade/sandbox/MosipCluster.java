package org.dpi.upgrade.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.dpi.upgrade.helm.HelmClient;
import org.dpi.upgrade.helm.HelmProperties;
import org.dpi.upgrade.helm.ReleaseState;
import org.dpi.upgrade.plan.PlanReader;
import org.springframework.util.FileSystemUtils;

/**
 * MOSIP 1.2.0.1 on the fake cluster: one namespace per module, the config-server copies of the
 * secrets and configmaps (and their originals), the backup key, and a Helm release of a small chart
 * (made with {@code helm create}) for every module, job and infrastructure service at its 1.2.0.1
 * chart version. The charts of the versions the plan deploys are packaged beside them.
 */
final class MosipCluster {

  static final String OLD_VERSION = "12.0.1";

  /** A release of MOSIP 1.2.0.1: name, namespace, chart (repository/name), chart version. */
  record Release(String name, String namespace, String chart, String version) {
  }

  /** Modules (their namespaces are uninstalled by the upgrade), with the jobs the upgrade skips. */
  static final List<Release> RELEASES = List.of(
      mosip("config-server", "config-server"), mosip("artifactory", "artifactory"), mosip("captcha", "captcha"),
      mosip("keymanager", "keymanager"), mosip("websub", "websub"), mosip("mock-smtp", "mock-smtp"),
      mosip("kernel", "kernel"), mosip("kernel-keygen", "kernel"), mosip("masterdata-loader", "masterdata-loader"),
      new Release("biosdk", "biosdk", "mosip/biosdk-service", OLD_VERSION), mosip("packetmanager", "packetmanager"),
      mosip("datashare", "datashare"), mosip("prereg", "prereg"), mosip("idrepo", "idrepo"),
      mosip("idrepo-saltgen", "idrepo"), mosip("pms", "pms"), mosip("mock-abis", "mock-abis"), mosip("mock-mv", "mock-mv"),
      mosip("regproc", "regproc"), mosip("regproc-salt", "regproc"), mosip("regproc-reprocess", "regproc"),
      mosip("admin", "admin"), mosip("ida", "ida"), mosip("ida-keygen", "ida"), mosip("print", "print"),
      mosip("digitalcard", "digitalcard"), mosip("resident", "resident"), mosip("partner-onboarder", "partner-onboarder"),
      mosip("mosip-file-server", "mosip-file-server"), mosip("regclient", "regclient"),
      // infrastructure the upgrade keeps, or changes with its own steps
      mosip("conf-secrets", "conf-secrets"), mosip("activemq-artemis", "activemq"), mosip("keycloak", "keycloak"),
      mosip("keycloak-init", "keycloak"), mosip("softhsm-kernel", "softhsm"), mosip("softhsm-ida", "softhsm"),
      new Release("minio", "minio", "bitnami/minio", "10.1.6"),
      new Release("postgres", "postgres", "bitnami/postgresql", "12.11.1"));

  /** Copies read by the config server (namespace config-server), each beside its original. */
  static final Map<String, String> CONFIG_MAPS = Map.of("global", "default", "keycloak-host", "keycloak",
      "activemq-activemq-artemis-share", "activemq", "s3", "s3", "msg-gateway", "msg-gateway");
  static final Map<String, String> SECRETS = Map.ofEntries(Map.entry("db-common-secrets", "postgres"),
      Map.entry("keycloak", "keycloak"), Map.entry("keycloak-client-secrets", "keycloak"),
      Map.entry("activemq-activemq-artemis", "activemq"), Map.entry("softhsm-kernel", "softhsm"),
      Map.entry("softhsm-ida", "softhsm"), Map.entry("s3", "s3"), Map.entry("msg-gateway", "msg-gateway"),
      Map.entry("mosip-captcha", "captcha"), Map.entry("conf-secrets-various", "conf-secrets"));
  private static final Map<String, List<String>> SECRET_KEYS = Map.ofEntries(
      Map.entry("db-common-secrets", List.of("db-dbuser-password", "db-postgres-password")),
      Map.entry("keycloak", List.of("admin-password")),
      Map.entry("keycloak-client-secrets", List.of("mosip_admin_client_secret", "mosip_pms_client_secret", "mosip_regproc_client_secret")),
      Map.entry("activemq-activemq-artemis", List.of("artemis-password")),
      Map.entry("softhsm-kernel", List.of("security-pin")), Map.entry("softhsm-ida", List.of("security-pin")),
      Map.entry("s3", List.of("s3-user-secret")), Map.entry("msg-gateway", List.of("smtp-secret", "sms-secret")),
      Map.entry("mosip-captcha", List.of("prereg-captcha-site-key", "prereg-captcha-secret-key")),
      Map.entry("conf-secrets-various", List.of("global_admin_secret", "mosip_ida_client_secret")));
  private static final Map<String, Map<String, String>> CONFIG_MAP_DATA = Map.of(
      "global", Map.of("installation-domain", "sandbox.example.org", "mosip-api-host", "api.sandbox.example.org",
          "mosip-api-internal-host", "api-internal.sandbox.example.org", "mosip-version", "1.2.0.1"),
      "keycloak-host", Map.of("keycloak-external-host", "iam.sandbox.example.org",
          "keycloak-internal-url", "http://keycloak.keycloak"),
      "activemq-activemq-artemis-share", Map.of("activemq-host", "activemq-activemq-artemis.activemq", "activemq-core-port", "61616"),
      "s3", Map.of("s3-host", "http://minio.minio:9000", "s3-region", "", "s3-user-key", "admin"),
      "msg-gateway", Map.of("smtp-host", "mock-smtp.mock-smtp", "smtp-port", "8025", "sms-host", "mock-smtp.mock-smtp"));

  private final FakeCluster cluster;
  private final Path charts;
  private final SecureRandom random = new SecureRandom();

  MosipCluster(FakeCluster cluster, Path charts) {
    this.cluster = cluster;
    this.charts = charts;
  }

  private static Release mosip(String name, String namespace) {
    return new Release(name, namespace, "mosip/" + name, OLD_VERSION);
  }

  /** The Helm settings of the sandbox: both repositories in one directory of packaged charts, short waits. */
  static HelmProperties helmProperties(Path charts) {
    return new HelmProperties(Map.of("mosip", charts.toString(), "bitnami", charts.toString()), "mosip", false,
        Duration.ofSeconds(60), Duration.ofMillis(200));
  }

  /** Creates everything: namespaces, configuration, backup key, charts, releases; waits until every workload is ready. */
  void create(JsonNode plan, String otpuserPassword) throws Exception {
    KubernetesClient client = cluster.client();
    Set<String> namespaces = new LinkedHashSet<>(List.of("default", "config-server", "upgrade-orchestrator"));
    RELEASES.forEach(r -> namespaces.add(r.namespace()));
    namespaces.addAll(CONFIG_MAPS.values());
    namespaces.addAll(SECRETS.values());
    for (String ns : namespaces) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    CONFIG_MAPS.forEach((name, namespace) -> {
      for (String ns : List.of(namespace, "config-server")) {
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
            .withData(CONFIG_MAP_DATA.get(name)).build()).create();
      }
    });
    SECRETS.forEach((name, namespace) -> {
      Map<String, String> data = new LinkedHashMap<>();
      for (String key : SECRET_KEYS.get(name)) {
        data.put(key, base64(key.equals("db-dbuser-password") ? otpuserPassword : secretValue()));
      }
      for (String ns : List.of(namespace, "config-server")) {
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
            .withData(data).build()).create();
      }
    });
    JsonNode key = PlanReader.at(plan, "kubernetes.backup.encryptionKey.secret");
    byte[] aes = new byte[32];
    random.nextBytes(aes);
    client.secrets().inNamespace(key.path("namespace").asText()).resource(new SecretBuilder().withNewMetadata()
        .withName(key.path("name").asText()).endMetadata().addToData(key.path("key").asText(), Base64.getEncoder().encodeToString(aes))
        .build()).create();
    packageCharts(plan);
    installReleases();
  }

  /** Every chart version a 1.2.0.1 release or the plan names, packaged into the charts directory. */
  private void packageCharts(JsonNode plan) throws Exception {
    Set<String> wanted = new LinkedHashSet<>();
    RELEASES.forEach(r -> wanted.add(r.chart() + " " + r.version()));
    for (JsonNode module : PlanReader.at(plan, "helm.deploy.modules")) {
      wanted.add(module.path("chart").asText() + " " + module.path("version").asText());
    }
    for (String single : List.of("newMinio", "activeMq", "keycloakInit", "artifactory1202")) {
      JsonNode release = PlanReader.at(plan, "helm." + single);
      for (String version : List.of("version", "oldVersion")) {
        if (release.has(version)) {
          wanted.add(release.path("chart").asText() + " " + release.path(version).asText());
        }
      }
    }
    Path work = charts.resolveSibling("chart-sources");
    for (String chart : wanted) {
      String[] nameVersion = chart.substring(chart.indexOf('/') + 1).split(" ");
      Path packaged = Charts.packaged(work, nameVersion[0], nameVersion[1]);
      Files.createDirectories(charts);
      Files.move(packaged, charts.resolve(packaged.getFileName()));
    }
    FileSystemUtils.deleteRecursively(work);
  }

  /** Installs the releases, four at a time, then waits until the kubelet made every Deployment ready. */
  private void installReleases() throws Exception {
    HelmClient helm = new HelmClient(cluster::kubeconfig, helmProperties(charts), cluster.client());
    cluster.kubelet();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> installs = new ArrayList<>();
      for (Release r : RELEASES) {
        String values = "image:\n  repository: mosipid/" + r.chart().substring(r.chart().indexOf('/') + 1)
            + "\n  tag: 1.2.0.1\n";
        installs.add(pool.submit(() -> {
          helm.deploy(new ReleaseState(r.name(), r.namespace(), r.chart(), r.version(), values));
          return null;
        }));
      }
      for (Future<?> install : installs) {
        install.get();
      }
    } finally {
      pool.shutdown();
    }
    long deadline = System.currentTimeMillis() + 60_000;
    while (cluster.client().apps().deployments().inAnyNamespace().list().getItems().stream()
        .anyMatch(d -> d.getStatus() == null || d.getStatus().getReadyReplicas() == null)) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the sandbox's workloads did not become ready within 60 s");
      }
      Thread.sleep(100);
    }
  }

  private String secretValue() {
    byte[] bytes = new byte[15];
    random.nextBytes(bytes);
    return "sandbox-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
