package org.dpi.upgrade.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.RemoveBucketArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.dpi.upgrade.process.PlanReplacement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;

/**
 * A complete MOSIP 1.2.0.1 installation made of embedded parts, for the default run, training and
 * the end-to-end tests. No real system is touched:
 * <ul>
 *   <li>Kubernetes: a {@link FakeCluster} that real Helm works against, holding the MOSIP namespaces,
 *       the config-server secrets and configmaps and Helm releases of small 1.2.0.1 charts
 *       ({@link MosipCluster}); a kubelet thread makes the workloads ready;</li>
 *   <li>PostgreSQL: embedded servers 15 (the one MOSIP uses, with the {@link MosipDatabases}) and 16
 *       (the target of the major upgrade), a scratch 16 for the rehearsal, and one for the engine
 *       itself (database {@code orchestrator});</li>
 *   <li>S3: the old MinIO with registration packets ({@link MosipObjects}), the new MinIO (empty; its
 *       content lives as long as its Helm release, like a volume), and the orchestrator's backup store;</li>
 *   <li>config: a bare git repository with the 1.2.0.1 and 1.2.1.0 configurations
 *       ({@link MosipConfigRepository}) and prop_migrator's knowledge base;</li>
 *   <li>the plan: the repository's plan with the sandbox's paths (plan-overrides.yaml).</li>
 * </ul>
 * Everything lives under one folder (default {@code ./data/sandbox}) and survives restarts, also a
 * kill; {@link Options#reset} rebuilds it. {@link #settings} are the Spring settings that point every
 * capability at these parts.
 */
public final class Sandbox implements PlanReplacement, AutoCloseable {

  public static final String NOTICE = "SANDBOX — no real system is touched";
  public static final List<String> CAPABILITIES = List.of("kubernetes", "helm", "database", "objectstore", "config");
  static final String ENGINE_DATABASE = "orchestrator";

  private static final Logger log = LoggerFactory.getLogger(Sandbox.class);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  /**
   * @param directory where the sandbox lives
   * @param reset delete and rebuild it
   * @param vendorDefect plant the vendor defect in the upgrade scripts (see {@link MosipDatabases})
   */
  public record Options(Path directory, boolean reset, boolean vendorDefect) {
  }

  private final Path directory;
  private final Options options;
  private final List<AutoCloseable> parts = new ArrayList<>();
  private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "sandbox-new-minio-volume");
    t.setDaemon(true);
    return t;
  });
  private Properties keys;
  private SandboxPostgres engine;
  private SandboxPostgres mosip15;
  private SandboxPostgres mosip16;
  private SandboxPostgres scratch;
  private S3Server oldMinio;
  private S3Server newMinio;
  private S3Server backupStore;
  private FakeCluster cluster;

  private Sandbox(Options options) {
    this.options = options;
    this.directory = options.directory().toAbsolutePath().normalize();
  }

  /** Opens the sandbox, building it first when it does not exist (or is incomplete, or a reset is asked for). */
  public static Sandbox open(Options options) throws Exception {
    Sandbox sandbox = new Sandbox(options);
    try {
      sandbox.start();
      return sandbox;
    } catch (Exception | Error e) {
      sandbox.close();
      throw e;
    }
  }

  private void start() throws Exception {
    long began = System.currentTimeMillis();
    ClientTools.check();
    lock();
    Path ready = directory.resolve("READY");
    if (Files.isDirectory(directory) && (options.reset() || !Files.exists(ready))) {
      log.info("{}: {} the sandbox in {}", NOTICE, options.reset() ? "resetting" : "rebuilding the incomplete", directory);
      delete();
    }
    boolean fresh = !Files.exists(ready);
    if (fresh) {
      log.info("{}: building MOSIP 1.2.0.1 in {} (first start, takes a minute)", NOTICE, directory);
    }
    Files.createDirectories(directory.resolve("work"));
    keys = keys(directory.resolve("sandbox.properties"));
    Path binaries = directory.resolve("postgresql/binaries");
    Path postgres = directory.resolve("postgresql");
    // the servers start side by side; each one started is closed with the sandbox, also when another fails
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<SandboxPostgres>> servers = new ArrayList<>();
    try {
      servers.add(pool.submit(() -> SandboxPostgres.start("engine", 16, binaries, postgres.resolve("engine-16"), true)));
      servers.add(pool.submit(() -> SandboxPostgres.start("MOSIP 15", 15, binaries, postgres.resolve("mosip-15"), true)));
      servers.add(pool.submit(() -> SandboxPostgres.start("MOSIP 16", 16, binaries, postgres.resolve("mosip-16"), true)));
      servers.add(pool.submit(() -> SandboxPostgres.start("scratch 16", 16, binaries, postgres.resolve("scratch-16"), false)));
      oldMinio = part(s3("old-minio"));
      newMinio = part(s3("new-minio"));
      backupStore = part(s3("backup-store"));
      cluster = part(FakeCluster.start(directory.resolve("kubernetes/objects.jsonl")));
    } finally {
      pool.shutdown();
      List<SandboxPostgres> started = new ArrayList<>();
      Exception failed = null;
      for (Future<SandboxPostgres> server : servers) {
        try {
          started.add(part(await(server)));
        } catch (Exception e) {
          failed = failed == null ? e : failed;
        }
      }
      if (failed != null) {
        throw failed;
      }
      engine = started.get(0);
      mosip15 = started.get(1);
      mosip16 = started.get(2);
      scratch = started.get(3);
    }
    long serversStarted = System.currentTimeMillis();
    Files.writeString(directory.resolve("kubeconfig"), cluster.kubeconfig());
    writeParts();
    JsonNode plan = YAML.readTree(replace("processes/mosip/mosip-1.2.0.1-to-1.2.1.0.plan.yaml",
        classpath("processes/mosip/mosip-1.2.0.1-to-1.2.1.0.plan.yaml")));
    String phases = "";
    if (fresh) {
      engine.createDatabase(ENGINE_DATABASE);
      MosipDatabases.create(mosip15, directory.resolve("work/database-setup"));
      MosipObjects.seed(oldMinio.client());
      ClasspathTree.copy("sandbox/mosip-config", directory.resolve("work/config-versions"));
      MosipConfigRepository.create(directory.resolve("git/mosip-config.git"), directory.resolve("work/config-versions"));
      FileSystemUtils.deleteRecursively(directory.resolve("work/config-versions"));
      ClasspathTree.copy("sandbox/prop-migrator-knowledge", directory.resolve("mosip/prop-migrator-knowledge"));
      long content = System.currentTimeMillis();
      new MosipCluster(cluster, directory.resolve("charts")).create(plan, key("dbuserpwd"));
      phases = String.format(" (servers %.1f s, databases, objects and config %.1f s, cluster and Helm releases %.1f s)",
          (serversStarted - began) / 1000.0, (content - serversStarted) / 1000.0, (System.currentTimeMillis() - content) / 1000.0);
    } else {
      cluster.kubelet();
    }
    MosipDatabases.writeScripts(directory.resolve("mosip"), options.vendorDefect());
    MinioClient newMinioClient = newMinio.client();
    watch.scheduleWithFixedDelay(() -> emptyNewMinioWithoutItsRelease(newMinioClient), 0, 500, TimeUnit.MILLISECONDS);
    if (fresh) {
      Files.writeString(ready, "built " + java.time.Instant.now() + "\n");
    }
    log.warn("{}: MOSIP 1.2.0.1 {} in {} s{} from {}{}", NOTICE, fresh ? "built and started" : "started",
        (System.currentTimeMillis() - began) / 1000, phases, directory, options.vendorDefect() ? " (with the vendor defect planted)" : "");
    log.info("Sandbox parts: Kubernetes API {}; PostgreSQL {}, {}, {}, {}; S3 old MinIO {}, new MinIO {}, backup store {}; "
        + "config repository {}", cluster.url(), mosip15, mosip16, scratch, engine, oldMinio.endpoint(), newMinio.endpoint(),
        backupStore.endpoint(), directory.resolve("git/mosip-config.git"));
  }

  /**
   * {@code parts.properties}: where each part listens in this run (no keys: those are in the 0600
   * file {@code sandbox.properties}), for people and tools that look at the sandbox from outside.
   */
  private void writeParts() throws IOException {
    Properties parts = new Properties();
    parts.setProperty("kubernetes.url", cluster.url());
    parts.setProperty("kubernetes.kubeconfig", directory.resolve("kubeconfig").toString());
    parts.setProperty("postgresql.engine.port", String.valueOf(engine.port()));
    parts.setProperty("postgresql.mosip-15.port", String.valueOf(mosip15.port()));
    parts.setProperty("postgresql.mosip-16.port", String.valueOf(mosip16.port()));
    parts.setProperty("postgresql.scratch-16.port", String.valueOf(scratch.port()));
    parts.setProperty("s3.old-minio.endpoint", oldMinio.endpoint());
    parts.setProperty("s3.new-minio.endpoint", newMinio.endpoint());
    parts.setProperty("s3.backup-store.endpoint", backupStore.endpoint());
    parts.setProperty("git.mosip-config", directory.resolve("git/mosip-config.git").toString());
    try (Writer out = Files.newBufferedWriter(directory.resolve("parts.properties"))) {
      parts.store(out, "Where the sandbox's parts listen in this run (" + NOTICE + "); PostgreSQL user postgres, no password");
    }
  }

  /** The Spring settings pointing the engine and every capability at the sandbox's parts. */
  public Map<String, Object> settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("spring.datasource.url", engine.jdbcUrl(ENGINE_DATABASE));
    s.put("spring.datasource.username", "postgres");
    s.put("spring.datasource.password", "");
    s.put("spring.datasource.driver-class-name", "org.postgresql.Driver");
    s.put("orchestrator.kubernetes.kubeconfig", directory.resolve("kubeconfig").toString());
    s.put("orchestrator.kubernetes.backup-store.endpoint", backupStore.endpoint());
    s.put("orchestrator.kubernetes.backup-store.access-key", key("backup-store.access-key"));
    s.put("orchestrator.kubernetes.backup-store.secret-key", key("backup-store.secret-key"));
    s.put("orchestrator.kubernetes.backup-store.directory", directory.resolve("work/config-backups").toString());
    MosipCluster.helmProperties(directory.resolve("charts")).repositories()
        .forEach((alias, dir) -> s.put("orchestrator.helm.repositories." + alias, dir));
    s.put("orchestrator.helm.openapi-validation", "false");
    s.put("orchestrator.helm.readiness-timeout", "60s");
    s.put("orchestrator.helm.poll-interval", "200ms");
    database(s, "server", mosip15);
    database(s, "new-server", mosip16);
    database(s, "scratch", scratch);
    s.put("orchestrator.database.psql-variables.dbuserpwd", key("dbuserpwd"));
    s.put("orchestrator.database.report-directory", directory.resolve("work/database-reports").toString());
    objectStore(s, "source", oldMinio, "old-minio");
    objectStore(s, "target", newMinio, "new-minio");
    s.put("orchestrator.objectstore.state-directory", directory.resolve("work/objectstore-state").toString());
    s.put("orchestrator.config.work-dir", directory.resolve("work/config-migration").toString());
    return s;
  }

  private static void database(Map<String, Object> s, String name, SandboxPostgres server) {
    s.put("orchestrator.database." + name + ".host", "127.0.0.1");
    s.put("orchestrator.database." + name + ".port", String.valueOf(server.port()));
    s.put("orchestrator.database." + name + ".user", "postgres");
    s.put("orchestrator.database." + name + ".password", "");
  }

  private void objectStore(Map<String, Object> s, String side, S3Server server, String name) {
    s.put("orchestrator.objectstore." + side + ".endpoint", server.endpoint());
    s.put("orchestrator.objectstore." + side + ".access-key", key(name + ".access-key"));
    s.put("orchestrator.objectstore." + side + ".secret-key", key(name + ".secret-key"));
  }

  /** The keys of the processes the sandbox can run: those its plan overrides name. */
  public static Set<String> processes() throws IOException {
    Set<String> keys = new TreeSet<>();
    YAML.readTree(classpath("sandbox/plan-overrides.yaml")).fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  /**
   * The plan of a diagram with the sandbox's overrides merged in (see {@code sandbox/plan-overrides.yaml});
   * also written to {@code <sandbox>/plans/} for people to read. Plans without overrides stay as they are.
   */
  @Override
  public byte[] replace(String resource, byte[] plan) throws IOException {
    String name = resource.substring(resource.lastIndexOf('/') + 1).replaceFirst("\\.plan\\.yaml$", "");
    JsonNode overrides = YAML.readTree(classpath("sandbox/plan-overrides.yaml")).get(name);
    if (overrides == null) {
      return plan;
    }
    ObjectNode merged = (ObjectNode) YAML.readTree(plan);
    merge(merged, fill(overrides.deepCopy()));
    String text = "# The sandbox's plan (" + NOTICE + "): " + resource + " of the repository with the overrides of\n"
        + "# sandbox/plan-overrides.yaml. Written at each start; edit those files, not this one.\n"
        + YAML.writeValueAsString(merged);
    Path file = directory.resolve("plans").resolve(name + ".plan.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void merge(ObjectNode target, JsonNode overrides) {
    overrides.fields().forEachRemaining(e -> {
      if (e.getValue().isObject() && target.get(e.getKey()) instanceof ObjectNode child) {
        merge(child, e.getValue());
      } else {
        target.set(e.getKey(), e.getValue());
      }
    });
  }

  private JsonNode fill(JsonNode node) {
    if (node.isTextual()) {
      return new TextNode(node.asText().replace("${sandbox.directory}", directory.toString())
          .replace("${sandbox.uri}", directory.toUri().toString()));
    }
    if (node.isContainerNode()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      if (node.isObject()) {
        while (fields.hasNext()) {
          var e = fields.next();
          e.setValue(fill(e.getValue()));
        }
      } else {
        for (int i = 0; i < node.size(); i++) {
          ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, fill(node.get(i)));
        }
      }
    }
    return node;
  }

  public Path directory() {
    return directory;
  }

  public boolean vendorDefect() {
    return options.vendorDefect();
  }

  public FakeCluster cluster() {
    return cluster;
  }

  /** The old MinIO (MOSIP's store before the upgrade) and the new one, as clients. */
  public MinioClient oldMinio() {
    return oldMinio.client();
  }

  public MinioClient newMinio() {
    return newMinio.client();
  }

  /**
   * The new MinIO keeps its objects only while its Helm release exists, as a volume would: when
   * the release is gone (never installed, or uninstalled by a rollback), its buckets are emptied
   * and removed.
   */
  private void emptyNewMinioWithoutItsRelease(MinioClient store) {
    try {
      boolean released = !cluster.client().apps().deployments().inNamespace("minio-2025")
          .withLabel("app.kubernetes.io/instance", "minio").list().getItems().isEmpty();
      if (released) {
        return;
      }
      for (var bucket : store.listBuckets()) {
        for (Result<Item> item : store.listObjects(ListObjectsArgs.builder().bucket(bucket.name()).recursive(true).build())) {
          store.removeObject(RemoveObjectArgs.builder().bucket(bucket.name()).object(item.get().objectName()).build());
        }
        store.removeBucket(RemoveBucketArgs.builder().bucket(bucket.name()).build());
        log.info("Sandbox: the new MinIO's release is gone, so is its bucket {}", bucket.name());
      }
    } catch (Exception e) {
      log.debug("new MinIO volume check: {}", e.getMessage());
    }
  }

  /**
   * One orchestrator per sandbox: the lock file beside the folder is held while the sandbox runs
   * (the operating system releases it when the process dies, also by a kill).
   */
  private void lock() throws IOException {
    Files.createDirectories(directory.getParent());
    Path file = directory.resolveSibling(directory.getFileName() + ".lock");
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = channel.tryLock();
    if (lock == null) {
      channel.close();
      throw new IllegalStateException("The sandbox " + directory + " is in use by another running orchestrator: stop it "
          + "first, or give this one its own folder (sandbox.directory)");
    }
    part(channel);
  }

  private S3Server s3(String name) throws Exception {
    return S3Server.start(Files.createDirectories(directory.resolve("s3").resolve(name)), key(name + ".access-key"),
        key(name + ".secret-key"));
  }

  private <T extends AutoCloseable> T part(T part) {
    parts.add(part);
    return part;
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private String key(String name) {
    return keys.getProperty(name);
  }

  /** The sandbox's own keys (S3, the dbuserpwd psql variable), generated once, kept in a 0600 file. */
  private static Properties keys(Path file) throws IOException {
    Properties keys = new Properties();
    if (Files.exists(file)) {
      try (Reader in = Files.newBufferedReader(file)) {
        keys.load(in);
      }
      return keys;
    }
    SecureRandom random = new SecureRandom();
    for (String store : List.of("old-minio", "new-minio", "backup-store")) {
      keys.setProperty(store + ".access-key", "sandbox-" + store);
      keys.setProperty(store + ".secret-key", token(random));
    }
    keys.setProperty("dbuserpwd", token(random));
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (Writer out = Files.newBufferedWriter(file)) {
      keys.store(out, "Keys of the sandbox's parts (" + NOTICE + ")");
    }
    return keys;
  }

  private static String token(SecureRandom random) {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] classpath(String resource) throws IOException {
    try (InputStream in = Sandbox.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("classpath resource " + resource + " is missing: the application is incomplete");
      }
      return in.readAllBytes();
    }
  }

  /** Stops the PostgreSQL servers a killed run left on the sandbox's data, then deletes the sandbox. */
  private void delete() throws IOException {
    Path postgres = directory.resolve("postgresql");
    if (Files.isDirectory(postgres)) {
      try (var dirs = Files.list(postgres)) {
        for (Path data : dirs.toList()) {
          SandboxPostgres.stopLeftover(data);
        }
      }
    }
    FileSystemUtils.deleteRecursively(directory);
  }

  @Override
  public void close() throws Exception {
    watch.shutdownNow();
    Exception first = null;
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    parts.clear();
    if (first != null) {
      throw first;
    }
  }
}
