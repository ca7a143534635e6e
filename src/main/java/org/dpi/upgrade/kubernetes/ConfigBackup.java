package org.dpi.upgrade.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backs up Secrets and ConfigMaps into one archive and restores them.
 *
 * <p>The archive is a zip: {@code manifest.json} (kind, namespace, name, entry, SHA-256 of the stored
 * entry), {@code key-check.enc}, and one entry per object: its canonical JSON without the
 * cluster-assigned fields. Secrets (and the key check) are AES-256-GCM encrypted with the entry
 * name as associated data; ConfigMaps are plain. One archive per run, at
 * {@code <prefix>/<run>/config.zip}: a retried backup finds it and keeps it (it was taken before
 * anything changed).
 *
 * <p>Restore reads and checks the whole archive first (checksums, decryption), then re-creates the
 * selected objects, then reads each back and compares it with what was saved. It never deletes.
 */
public class ConfigBackup {

  /** Cluster-assigned metadata that a re-created object cannot keep. */
  static final Set<String> ASSIGNED = Set.of("uid", "resourceVersion", "managedFields", "creationTimestamp",
      "generation", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds", "ownerReferences");
  /** Secrets that belong to the cluster or to Helm, not to the configuration. */
  static final Set<String> SKIPPED_SECRET_TYPES = Set.of("kubernetes.io/service-account-token", "helm.sh/release.v1");
  static final String SKIPPED_CONFIG_MAP = "kube-root-ca.crt";

  private static final String MANIFEST = "manifest.json";
  private static final String KEY_CHECK = "key-check.enc";
  private static final byte[] KEY_CHECK_TEXT = "upgrade-orchestrator config backup".getBytes(StandardCharsets.UTF_8);
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final KubernetesSerialization KUBERNETES_JSON = new KubernetesSerialization();
  private static final Logger log = LoggerFactory.getLogger(ConfigBackup.class);

  private final KubernetesClient client;
  private final BackupKeys keys;
  private final BackupStore store;

  public ConfigBackup(KubernetesClient client, BackupKeys keys, BackupStore store) {
    this.client = client;
    this.keys = keys;
    this.store = store;
  }

  /** Where a backup and its identity are: what the process keeps (never any content). */
  public record Archive(String location, String sha256, int objects, boolean reused) {
  }

  /** One object of the manifest. */
  record Item(String kind, String namespace, String name, String entry, String sha256, boolean encrypted) {
    String id() {
      return kind + "/" + namespace + "/" + name;
    }
  }

  public Archive backup(BackupSpec spec, String run) throws Exception {
    validate(spec);
    Cipher cipher = keys.cipher(spec.encryptionKey());
    String key = archiveKey(spec, run);
    Optional<byte[]> existing = store.get(spec.store().bucket(), key);
    if (existing.isPresent()) {
      int count = read(existing.get(), cipher).size();
      log.info("config backup {} already exists ({} objects), kept", key, count);
      return new Archive(store.location(spec.store().bucket(), key), sha256(existing.get()), count, true);
    }
    Map<String, HasMetadata> objects = collect(spec);
    byte[] zip = write(objects.values(), cipher);
    store.put(spec.store().bucket(), key, zip);
    log.info("config backup {}: {} objects", key, objects.size());
    return new Archive(store.location(spec.store().bucket(), key), sha256(zip), objects.size(), false);
  }

  /**
   * Re-creates the saved objects ({@code only}: ids {@code Kind/namespace/name}, empty for all).
   *
   * @param expectedSha256 SHA-256 of the archive recorded by the backup, null to skip that check
   * @return ids of the restored objects
   */
  public List<String> restore(BackupSpec spec, String run, String expectedSha256, List<String> only) throws Exception {
    validate(spec);
    Cipher cipher = keys.cipher(spec.encryptionKey());
    String key = archiveKey(spec, run);
    byte[] zip = store.get(spec.store().bucket(), key).orElseThrow(() -> new IllegalStateException(
        "no config backup at " + store.location(spec.store().bucket(), key) + ": nothing can be restored"));
    if (expectedSha256 != null && !expectedSha256.equals(sha256(zip))) {
      throw new IllegalStateException("the config backup at " + store.location(spec.store().bucket(), key)
          + " changed since it was written (SHA-256 " + sha256(zip) + ", recorded " + expectedSha256 + ")");
    }
    Map<String, byte[]> saved = read(zip, cipher);
    List<String> unknown = only.stream().filter(id -> !saved.containsKey(id)).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("not in the config backup: " + String.join(", ", unknown)
          + " (it holds " + saved.size() + " objects)");
    }
    List<String> ids = only.isEmpty() ? List.copyOf(saved.keySet()) : only;
    for (String id : ids) {
      recreate(saved.get(id));
    }
    List<String> differing = ids.stream().filter(id -> !MessageDigest.isEqual(saved.get(id), current(id))).toList();
    if (!differing.isEmpty()) {
      throw new IllegalStateException("restored but different from the backup: " + String.join(", ", differing));
    }
    log.info("restored {} objects from {}", ids.size(), key);
    return ids;
  }

  private static void validate(BackupSpec spec) {
    List<String> problems = spec.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid kubernetes.backup section: " + String.join("; ", problems));
    }
  }

  static String archiveKey(BackupSpec spec, String run) {
    return spec.store().prefix().replaceAll("/+$", "") + "/" + run + "/config.zip";
  }

  private Map<String, HasMetadata> collect(BackupSpec spec) {
    Map<String, HasMetadata> objects = new TreeMap<>();
    List<String> missing = new ArrayList<>();
    for (String ns : spec.namespaces()) {
      client.configMaps().inNamespace(ns).list().getItems().stream()
          .filter(c -> !SKIPPED_CONFIG_MAP.equals(c.getMetadata().getName())).forEach(c -> objects.put(id(c), c));
      client.secrets().inNamespace(ns).list().getItems().stream()
          .filter(s -> s.getType() == null || !SKIPPED_SECRET_TYPES.contains(s.getType())).forEach(s -> objects.put(id(s), s));
    }
    for (BackupSpec.ObjectRef ref : spec.configMaps()) {
      required(objects, missing, "ConfigMap", ref, r -> client.configMaps().inNamespace(r.namespace()).withName(r.name()).get());
    }
    for (BackupSpec.ObjectRef ref : spec.secrets()) {
      required(objects, missing, "Secret", ref, r -> client.secrets().inNamespace(r.namespace()).withName(r.name()).get());
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("objects the plan requires in the backup do not exist: " + String.join(", ", missing)
          + ". Create them or remove them from kubernetes.backup, then retry");
    }
    return objects;
  }

  private static void required(Map<String, HasMetadata> objects, List<String> missing, String kind,
      BackupSpec.ObjectRef ref, Function<BackupSpec.ObjectRef, HasMetadata> get) {
    String id = kind + "/" + ref.namespace() + "/" + ref.name();
    if (!objects.containsKey(id)) {
      HasMetadata object = get.apply(ref);
      if (object == null) {
        missing.add(id);
      } else {
        objects.put(id, object);
      }
    }
  }

  private static String id(HasMetadata o) {
    return o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  private byte[] write(Iterable<HasMetadata> objects, Cipher cipher) throws IOException {
    List<Item> items = new ArrayList<>();
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(KEY_CHECK, cipher.encrypt(KEY_CHECK_TEXT, KEY_CHECK));
    for (HasMetadata o : objects) {
      boolean secret = o instanceof Secret;
      String entry = "objects/" + id(o) + (secret ? ".json.enc" : ".json");
      byte[] plain = canonical(o);
      byte[] stored = secret ? cipher.encrypt(plain, entry) : plain;
      entries.put(entry, stored);
      items.add(new Item(o.getKind(), o.getMetadata().getNamespace(), o.getMetadata().getName(), entry, sha256(stored), secret));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      add(zip, MANIFEST, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(Map.of("format", 1, "objects", items)));
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        add(zip, e.getKey(), e.getValue());
      }
    }
    return out.toByteArray();
  }

  private static void add(ZipOutputStream zip, String name, byte[] content) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setTime(0);
    zip.putNextEntry(entry);
    zip.write(content);
    zip.closeEntry();
  }

  /** Checks the whole archive; returns the canonical JSON of each object by id. */
  private static Map<String, byte[]> read(byte[] archive, Cipher cipher) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        entries.put(e.getName(), zip.readAllBytes());
      }
    }
    if (!entries.containsKey(MANIFEST) || !entries.containsKey(KEY_CHECK)) {
      throw new IllegalStateException("not a config backup archive (no " + MANIFEST + " or " + KEY_CHECK + ")");
    }
    cipher.decrypt(entries.get(KEY_CHECK), KEY_CHECK);
    JsonNode manifest = JSON.readTree(entries.get(MANIFEST));
    Map<String, byte[]> objects = new TreeMap<>();
    for (JsonNode node : manifest.path("objects")) {
      Item item = JSON.treeToValue(node, Item.class);
      byte[] stored = entries.get(item.entry());
      if (stored == null || !sha256(stored).equals(item.sha256())) {
        throw new IllegalStateException("the config backup is damaged: " + item.entry() + " is "
            + (stored == null ? "missing" : "not the content its manifest records (SHA-256)"));
      }
      objects.put(item.id(), item.encrypted() ? cipher.decrypt(stored, item.entry()) : stored);
    }
    return objects;
  }

  private void recreate(byte[] json) {
    HasMetadata object = client.getKubernetesSerialization().unmarshal(new String(json, StandardCharsets.UTF_8));
    String ns = object.getMetadata().getNamespace();
    if (client.namespaces().withName(ns).get() == null) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    client.resource(object).inNamespace(ns).createOr(NonDeletingOperation::update);
  }

  private byte[] current(String id) {
    String[] parts = id.split("/", 3);
    HasMetadata o = "Secret".equals(parts[0])
        ? client.secrets().inNamespace(parts[1]).withName(parts[2]).get()
        : client.configMaps().inNamespace(parts[1]).withName(parts[2]).get();
    return o == null ? new byte[0] : canonical(o);
  }

  /** The object as JSON with sorted keys, without status and cluster-assigned metadata. */
  static byte[] canonical(HasMetadata object) {
    try {
      ObjectNode tree = (ObjectNode) JSON.readTree(KUBERNETES_JSON.asJson(object));
      tree.remove("status");
      ObjectNode metadata = (ObjectNode) tree.get("metadata");
      ASSIGNED.forEach(metadata::remove);
      return JSON.writeValueAsBytes(JSON.treeToValue(tree, TreeMap.class));
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize " + id(object), e);
    }
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
