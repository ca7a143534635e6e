package org.dpi.upgrade.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.minio.BucketExistsArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.dpi.upgrade.sandbox.FakeCluster;
import org.dpi.upgrade.sandbox.S3Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

class ConfigBackupTest {

  static final String KEY_PROPERTY = "test.backup-key";
  static final String RUN = "run-1";

  @TempDir Path temp;
  FakeCluster cluster;
  KubernetesClient client;
  S3Server s3;
  MockEnvironment environment = new MockEnvironment();
  ConfigBackup backups;
  BackupSpec spec;
  /** Every secret value seeded, to look for in the archive. */
  List<String> secretValues = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    cluster = FakeCluster.start();
    client = cluster.client();
    s3 = S3Server.start(Files.createDirectories(temp.resolve("s3")), "backup-key-id", "backup-secret-key");
    environment.setProperty(KEY_PROPERTY, randomKey());
    backups = new ConfigBackup(client, new BackupKeys(client, environment),
        new BackupStore(s3.client(), Files.createDirectories(temp.resolve("local"))));
    for (String name : List.of("global", "keycloak-host", "s3")) {
      configMap("config-server", name, Map.of("application.properties", "mosip.api.internal.host=api-internal." + name));
    }
    for (String name : List.of("db-common-secrets", "keycloak", "s3")) {
      secret("config-server", name, Map.of("password", "pw-" + name + "-Zq81x", "user", "u-" + name));
    }
    secret("keycloak", "keycloak-client-secrets", Map.of("mosip_pms_client_secret", "kc-client-Yt5z"));
    configMap("keycloak", "keycloak-env", Map.of("KEYCLOAK_HOST", "iam.sandbox.example"));
    client.secrets().inNamespace("keycloak").resource(new SecretBuilder().withNewMetadata().withName("sh.helm.release.v1.keycloak.v1")
        .endMetadata().withType("helm.sh/release.v1").withData(Map.of("release", b64("helm-state"))).build()).create();
    spec = new BackupSpec(List.of("keycloak"),
        List.of(new BackupSpec.ObjectRef("config-server", "global"), new BackupSpec.ObjectRef("config-server", "s3")),
        List.of(new BackupSpec.ObjectRef("config-server", "db-common-secrets"), new BackupSpec.ObjectRef("config-server", "s3")),
        new BackupSpec.KeyRef(null, KEY_PROPERTY), new BackupSpec.Store("upgrade-backups", "mosip/config"));
  }

  @AfterEach
  void tearDown() throws Exception {
    s3.close();
    cluster.close();
  }

  @Test
  void restoreAfterDeletionAndEditsIsByteIdenticalAndDeletesNothing() throws Exception {
    Map<String, byte[]> before = snapshot();
    ConfigBackup.Archive archive = backups.backup(spec, RUN);
    assertThat(archive.objects()).isEqualTo(6);
    assertThat(archive.location()).isEqualTo("s3://upgrade-backups/mosip/config/run-1/config.zip");
    assertThat(Files.readAllBytes(temp.resolve("local/upgrade-backups/mosip/config/run-1/config.zip")))
        .isEqualTo(s3Object("mosip/config/run-1/config.zip"));

    client.secrets().inNamespace("config-server").withName("s3").delete();
    client.configMaps().inNamespace("keycloak").withName("keycloak-env").delete();
    client.namespaces().withName("keycloak").delete();
    client.secrets().inNamespace("config-server").withName("db-common-secrets")
        .edit(s -> new SecretBuilder(s).addToData("password", b64("changed")).build());
    configMap("config-server", "created-after-backup", Map.of("a", "b"));

    List<String> restored = backups.restore(spec, RUN, archive.sha256(), List.of());

    assertThat(restored).hasSize(6);
    assertThat(snapshot()).containsOnlyKeys(before.keySet().toArray(String[]::new))
        .allSatisfy((id, json) -> assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(new String(before.get(id), StandardCharsets.UTF_8)));
    assertThat(client.configMaps().inNamespace("config-server").withName("created-after-backup").get()).isNotNull();
  }

  @Test
  void theArchiveHoldsNoSecretValueInPlaintext() throws Exception {
    backups.backup(spec, RUN);
    byte[] archive = s3Object("mosip/config/run-1/config.zip");
    StringBuilder entries = new StringBuilder(new String(archive, StandardCharsets.ISO_8859_1));
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        entries.append(new String(zip.readAllBytes(), StandardCharsets.ISO_8859_1));
      }
    }
    String text = entries.toString();
    assertThat(secretValues).isNotEmpty().allSatisfy(value -> {
      assertThat(text).doesNotContain(value).doesNotContain(b64(value));
    });
    assertThat(text).contains("mosip.api.internal.host=api-internal.global");
    assertThat(text).doesNotContain("helm-state").doesNotContain(b64("helm-state"));
  }

  @Test
  void aWrongKeyFailsClearlyAndChangesNothing() throws Exception {
    backups.backup(spec, RUN);
    client.secrets().inNamespace("config-server").withName("s3").delete();
    Map<String, byte[]> edited = snapshot();
    environment.setProperty(KEY_PROPERTY, randomKey());

    assertThatThrownBy(() -> backups.restore(spec, RUN, null, List.of()))
        .hasMessageContaining("the backup key is not the one this archive was written with");
    assertThat(snapshot()).containsOnlyKeys(edited.keySet().toArray(String[]::new));
    assertThat(client.secrets().inNamespace("config-server").withName("s3").get()).isNull();
  }

  @Test
  void aSelectiveRestoreTouchesOnlyTheNamedObjects() throws Exception {
    Map<String, byte[]> before = snapshot();
    backups.backup(spec, RUN);
    client.configMaps().inNamespace("config-server").withName("s3").edit(c -> new ConfigMapBuilder(c).addToData("endpoint", "new").build());
    client.secrets().inNamespace("config-server").withName("s3").delete();
    client.configMaps().inNamespace("config-server").withName("global").edit(c -> new ConfigMapBuilder(c).addToData("x", "y").build());

    assertThat(backups.restore(spec, RUN, null, List.of("ConfigMap/config-server/s3", "Secret/config-server/s3")))
        .containsExactly("ConfigMap/config-server/s3", "Secret/config-server/s3");

    Map<String, byte[]> after = snapshot();
    assertThat(after.get("ConfigMap/config-server/s3")).isEqualTo(before.get("ConfigMap/config-server/s3"));
    assertThat(after.get("Secret/config-server/s3")).isEqualTo(before.get("Secret/config-server/s3"));
    assertThat(client.configMaps().inNamespace("config-server").withName("global").get().getData()).containsEntry("x", "y");
    assertThatThrownBy(() -> backups.restore(spec, RUN, null, List.of("Secret/config-server/unknown")))
        .hasMessageContaining("not in the config backup: Secret/config-server/unknown");
  }

  @Test
  void aRetriedBackupKeepsTheFirstArchive() throws Exception {
    ConfigBackup.Archive first = backups.backup(spec, RUN);
    client.configMaps().inNamespace("config-server").withName("global").edit(c -> new ConfigMapBuilder(c).addToData("x", "y").build());
    ConfigBackup.Archive retried = backups.backup(spec, RUN);
    assertThat(retried.reused()).isTrue();
    assertThat(retried.sha256()).isEqualTo(first.sha256());
    assertThat(retried.objects()).isEqualTo(first.objects());
  }

  @Test
  void missingRequiredObjectsAndABadPlanAreReportedBeforeAnythingIsWritten() throws Exception {
    BackupSpec missing = new BackupSpec(List.of(), List.of(new BackupSpec.ObjectRef("config-server", "msg-gateway")),
        List.of(new BackupSpec.ObjectRef("config-server", "softhsm-ida")), spec.encryptionKey(), spec.store());
    assertThatThrownBy(() -> backups.backup(missing, RUN))
        .hasMessageContaining("ConfigMap/config-server/msg-gateway, Secret/config-server/softhsm-ida");
    BackupSpec bad = new BackupSpec(List.of("Bad_NS"), List.of(), List.of(), new BackupSpec.KeyRef(null, null),
        new BackupSpec.Store("", null));
    assertThatThrownBy(() -> backups.backup(bad, RUN)).hasMessageContaining("namespace 'Bad_NS' is not a valid Kubernetes name")
        .hasMessageContaining("encryptionKey must name").hasMessageContaining("store.bucket").hasMessageContaining("store.prefix");
    assertThat(s3.client().bucketExists(BucketExistsArgs.builder().bucket("upgrade-backups").build())).isFalse();
  }

  @Test
  void theKeyCanComeFromAKubernetesSecret() throws Exception {
    byte[] key = Base64.getDecoder().decode(randomKey());
    client.secrets().inNamespace("upgrade-orchestrator").resource(new SecretBuilder().withNewMetadata().withName("config-backup-key")
        .endMetadata().withData(Map.of("aes256", Base64.getEncoder().encodeToString(key))).build()).create();
    BackupSpec fromSecret = new BackupSpec(spec.namespaces(), spec.configMaps(), spec.secrets(),
        new BackupSpec.KeyRef(new BackupSpec.SecretKeyRef("upgrade-orchestrator", "config-backup-key", "aes256"), null), spec.store());
    backups.backup(fromSecret, RUN);
    assertThatThrownBy(() -> backups.restore(spec, RUN, null, List.of())).hasMessageContaining("backup key is not the one");
    assertThat(backups.restore(fromSecret, RUN, null, List.of())).hasSize(6);
    BackupSpec absent = new BackupSpec(spec.namespaces(), spec.configMaps(), spec.secrets(),
        new BackupSpec.KeyRef(new BackupSpec.SecretKeyRef("upgrade-orchestrator", "other-key", "aes256"), null), spec.store());
    assertThatThrownBy(() -> backups.restore(absent, RUN, null, List.of()))
        .hasMessageContaining("the backup encryption key is missing: create the key 'aes256' of secret upgrade-orchestrator/other-key");
  }

  /** Canonical JSON of every ConfigMap and Secret the test manages, by id. */
  private Map<String, byte[]> snapshot() {
    Map<String, byte[]> objects = new LinkedHashMap<>();
    Stream.concat(client.configMaps().inAnyNamespace().list().getItems().stream(),
            client.secrets().inAnyNamespace().list().getItems().stream())
        .filter(o -> !o.getMetadata().getNamespace().equals("upgrade-orchestrator"))
        .filter(o -> !o.getMetadata().getName().startsWith("sh.helm") && !o.getMetadata().getName().equals("created-after-backup"))
        .forEach(o -> objects.put(id(o), ConfigBackup.canonical(o)));
    return objects;
  }

  private static String id(HasMetadata o) {
    return o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  private byte[] s3Object(String key) throws Exception {
    try (var in = s3.client().getObject(io.minio.GetObjectArgs.builder().bucket("upgrade-backups").object(key).build())) {
      return in.readAllBytes();
    }
  }

  private void configMap(String namespace, String name, Map<String, String> data) {
    client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
        .addToLabels("app.kubernetes.io/managed-by", "Helm").addToAnnotations("note", "mosip " + name).endMetadata()
        .withData(data).build()).create();
  }

  private void secret(String namespace, String name, Map<String, String> values) {
    Map<String, String> data = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      data.put(k, b64(v));
      secretValues.add(v);
    });
    client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
        .withType("Opaque").withData(data).build()).create();
  }

  static String b64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  static String randomKey() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }
}
