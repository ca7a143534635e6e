package org.dpi.upgrade.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.messages.Bucket;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Ref;

/**
 * Everything of the sandbox's MOSIP installation a user would miss, as one sorted map (what → its
 * content), so that "identical to the restore point" is one comparison: every Kubernetes object
 * (without the fields the API server assigns: uid, resource version, timestamps, generation) except
 * Helm's own release storage, every Helm release (chart, version, status, values), the schema, roles
 * and the content of every table of every database on the PostgreSQL server MOSIP runs on, every
 * object with its content hash and metadata on both MinIOs, and every ref of the config repository.
 * The orchestrator's own records (its journal database, backups) are not MOSIP's and not compared.
 */
final class SandboxState {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Databases that are not MOSIP's: the server's own, and the orchestrator's journal. */
  private static final List<String> NOT_MOSIP = List.of("postgres", "template0", "template1", "upgrade_orchestrator");

  private SandboxState() {
  }

  static SortedMap<String, String> read(Path sandbox) throws Exception {
    Properties parts = properties(sandbox.resolve("parts.properties"));
    Properties keys = properties(sandbox.resolve("sandbox.properties"));
    SortedMap<String, String> state = new TreeMap<>();
    String kubeconfig = Files.readString(sandbox.resolve("kubeconfig"));
    kubernetes(state, kubeconfig);
    helm(state, kubeconfig);
    postgres(state, Integer.parseInt(parts.getProperty("postgresql.mosip-15.port")));
    objects(state, "old-minio", parts, keys);
    objects(state, "new-minio", parts, keys);
    try (Git git = Git.open(sandbox.resolve("git/mosip-config.git").toFile())) {
      for (Ref ref : git.getRepository().getRefDatabase().getRefs()) {
        state.put("git " + ref.getName(), ref.getObjectId().name());
      }
    }
    return state;
  }

  /** What differs between two states, one line per entry: added, removed, or changed with both values where they part. */
  static List<String> differences(SortedMap<String, String> before, SortedMap<String, String> after) {
    List<String> differences = new ArrayList<>();
    before.forEach((what, content) -> {
      if (!after.containsKey(what)) {
        differences.add("removed: " + what);
      } else if (!after.get(what).equals(content)) {
        String other = after.get(what);
        int at = 0;
        while (at < content.length() && at < other.length() && content.charAt(at) == other.charAt(at)) {
          at++;
        }
        differences.add("changed: " + what + " at character " + at + "\n    before: " + window(content, at)
            + "\n    after:  " + window(other, at));
      }
    });
    after.keySet().stream().filter(what -> !before.containsKey(what)).forEach(what -> differences.add("added: " + what));
    return differences;
  }

  private static String window(String text, int at) {
    return (at > 80 ? "..." : "") + text.substring(Math.max(0, at - 80), Math.min(text.length(), at + 220))
        + (at + 220 < text.length() ? "..." : "");
  }

  private static void kubernetes(SortedMap<String, String> state, String kubeconfig) throws Exception {
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build()) {
      for (var served : HelmReadyDispatcher.RESOURCES.entrySet()) {
        String groupVersion = served.getKey();
        for (String[] resource : served.getValue()) {
          String kind = resource[1];
          for (GenericKubernetesResource object : client.genericKubernetesResources(groupVersion, kind).inAnyNamespace().list().getItems()) {
            if ("helm.sh/release.v1".equals(object.getAdditionalProperties().get("type"))) {
              continue;
            }
            ObjectNode node = JSON.valueToTree(object);
            ((ObjectNode) node.path("metadata")).remove(List.of("uid", "resourceVersion", "creationTimestamp", "managedFields",
                "generation", "selfLink"));
            if (node.path("status") instanceof ObjectNode status) {
              status.remove("observedGeneration");
            }
            state.put("kubernetes " + kind + " " + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName(),
                canonical(node));
          }
        }
      }
    }
  }

  private static void helm(SortedMap<String, String> state, String kubeconfig) {
    for (Release release : Helm.list().allNamespaces().all().withKubeConfigContents(kubeconfig).call()) {
      String values = Helm.get(release.getName()).values().withNamespace(release.getNamespace())
          .withKubeConfigContents(kubeconfig).call();
      state.put("helm " + release.getNamespace() + "/" + release.getName(),
          release.getChart() + " " + release.getStatus() + " values: " + values);
    }
  }

  private static void postgres(SortedMap<String, String> state, int port) throws Exception {
    List<String> databases = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
        Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("select datname, pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datacl::text "
          + "from pg_database order by 1")) {
        while (r.next()) {
          if (!NOT_MOSIP.contains(r.getString(1))) {
            databases.add(r.getString(1));
            state.put("postgresql database " + r.getString(1), r.getString(2) + " " + r.getString(3) + " " + r.getString(4));
          }
        }
      }
      try (ResultSet r = s.executeQuery("select rolname, rolsuper, rolcanlogin, rolcreatedb, rolcreaterole from pg_roles "
          + "where rolname not like 'pg\\_%' order by 1")) {
        while (r.next()) {
          state.put("postgresql role " + r.getString(1), r.getString(2) + " login " + r.getString(3) + " createdb "
              + r.getString(4) + " createrole " + r.getString(5));
        }
      }
    }
    for (String db : databases) {
      state.put("postgresql schema " + db, schemaDump(port, db));
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db, "postgres", "");
          Statement s = c.createStatement()) {
        List<String> tables = new ArrayList<>();
        try (ResultSet r = s.executeQuery("select quote_ident(schemaname) || '.' || quote_ident(tablename) from pg_tables "
            + "where schemaname not in ('pg_catalog', 'information_schema') order by 1")) {
          while (r.next()) {
            tables.add(r.getString(1));
          }
        }
        for (String table : tables) {
          try (ResultSet r = s.executeQuery("select count(*), md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) from "
              + table + " t")) {
            r.next();
            state.put("postgresql rows " + db + " " + table, r.getLong(1) + " rows, md5 " + r.getString(2));
          }
        }
      }
    }
  }

  /** {@code pg_dump --schema-only} without comments, blank lines and the random \restrict key. */
  private static String schemaDump(int port, String db) throws IOException, InterruptedException {
    ProcessBuilder dump = new ProcessBuilder("pg_dump", "--schema-only", "--dbname=" + db).redirectErrorStream(true);
    dump.environment().putAll(Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(port), "PGUSER", "postgres"));
    Process process = dump.start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IOException("pg_dump of " + db + " failed: " + output);
    }
    return output.lines().filter(l -> !l.isBlank() && !l.startsWith("--") && !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
        .collect(Collectors.joining("\n"));
  }

  private static void objects(SortedMap<String, String> state, String store, Properties parts, Properties keys) throws Exception {
    MinioClient client = MinioClient.builder().endpoint(parts.getProperty("s3." + store + ".endpoint"))
        .credentials(keys.getProperty(store + ".access-key"), keys.getProperty(store + ".secret-key")).build();
    for (Bucket bucket : client.listBuckets()) {
      state.put("s3 " + store + " bucket " + bucket.name(), "");
      for (Result<Item> listed : client.listObjects(ListObjectsArgs.builder().bucket(bucket.name()).recursive(true).build())) {
        String key = listed.get().objectName();
        StatObjectResponse stat = client.statObject(StatObjectArgs.builder().bucket(bucket.name()).object(key).build());
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket.name()).object(key).build())) {
          md5.update(in.readAllBytes());
        }
        state.put("s3 " + store + " " + bucket.name() + "/" + key, stat.size() + " bytes, md5 " + HexFormat.of().formatHex(md5.digest())
            + ", " + stat.contentType() + ", metadata " + new TreeMap<>(stat.userMetadata()));
      }
    }
  }

  private static String canonical(JsonNode node) throws IOException {
    return JSON.writer().with(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .writeValueAsString(JSON.treeToValue(node, Object.class));
  }

  private static Properties properties(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      properties.load(in);
    }
    return properties;
  }
}
