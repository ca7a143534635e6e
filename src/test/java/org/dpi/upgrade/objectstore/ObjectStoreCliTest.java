package org.dpi.upgrade.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dpi.upgrade.objectstore.ObjectMigratorTest.bucket;
import static org.dpi.upgrade.objectstore.ObjectMigratorTest.exists;
import static org.dpi.upgrade.objectstore.ObjectMigratorTest.presignedPut;
import static org.dpi.upgrade.objectstore.ObjectMigratorTest.put;
import static org.dpi.upgrade.objectstore.ObjectMigratorTest.random;

import io.minio.MinioAsyncClient;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Upload;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.dpi.upgrade.testing.S3Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, without Spring, against two real S3 servers. */
class ObjectStoreCliTest {

  @TempDir Path dir;
  S3Server old;
  S3Server fresh;
  Map<String, String> environment;
  ByteArrayOutputStream out;
  ByteArrayOutputStream err;

  @BeforeEach
  void start() throws Exception {
    old = S3Server.start(dir.resolve("old"), "old-access", "old-secret-0123");
    fresh = S3Server.start(dir.resolve("new"), "new-access", "new-secret-0123");
    environment = new HashMap<>(Map.of(
        "OBJECTSTORE_SOURCE_ENDPOINT", old.endpoint(), "OBJECTSTORE_SOURCE_ACCESS_KEY", "old-access",
        "OBJECTSTORE_SOURCE_SECRET_KEY", "old-secret-0123", "OBJECTSTORE_TARGET_ENDPOINT", fresh.endpoint(),
        "OBJECTSTORE_TARGET_ACCESS_KEY", "new-access", "OBJECTSTORE_STATE_DIRECTORY", dir.resolve("state").toString(),
        "OBJECTSTORE_PARALLELISM", "2", "OBJECTSTORE_RETRY_BACKOFF_SECONDS", "10ms"));
  }

  @AfterEach
  void stop() throws Exception {
    old.close();
    fresh.close();
  }

  int run(String... args) {
    out = new ByteArrayOutputStream();
    err = new ByteArrayOutputStream();
    return ObjectStoreCli.run(List.of(args), environment, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void migratesAndVerifiesWithSettingsFromTheEnvironmentOrAFileAndExits3WhenAnObjectFailed() throws Exception {
    bucket(old.client(), "packets");
    put(old.client(), "packets", "a/1.zip", new byte[3000], Map.of("centre", "10001"));

    assertThat(run("migrate", "--mode", "pre-copy")).as("the target secret key is missing").isEqualTo(1);
    assertThat(err.toString()).startsWith("The object-store migration is not configured: the target secret key is not"
        + " set (OBJECTSTORE_TARGET_SECRET_KEY). Nothing was read or written.");
    assertThat(fresh.client().listBuckets()).isEmpty();

    Path file = dir.resolve("objectstore.properties");
    Files.writeString(file, "OBJECTSTORE_TARGET_SECRET_KEY=new-secret-0123\n");
    assertThat(run("migrate", "--mode", "pre-copy", "--buckets", "packets", "--config", file.toString())).isZero();
    assertThat(out.toString()).startsWith("pre-copy of 1 bucket(s) [packets]: 1 objects");
    assertThat(fresh.client().statObject(StatObjectArgs.builder().bucket("packets").object("a/1.zip").build()).size())
        .isEqualTo(3000);

    environment.put("OBJECTSTORE_TARGET_SECRET_KEY", "new-secret-0123");
    assertThat(run("verify")).isZero();
    assertThat(out.toString()).startsWith("1 object(s) of 1 bucket(s) [packets] compared by listing, metadata and"
        + " reading 2.9 KiB back from the target: 0 difference(s)");
    presignedPut(old.client(), "packets", "a/2.zip", new byte[10], Map.of("x-amz-meta-note", "\"two  spaces\""));
    assertThat(run("verify", "--mode", "listing")).isEqualTo(2);
    assertThat(out.toString()).contains("packets/a/2.zip: missing on the target");

    assertThat(run("migrate", "--mode", "delta")).isEqualTo(3);
    assertThat(out.toString()).contains("1 failed").contains("packets/a/2.zip: writing it to the target object store "
        + fresh.endpoint() + " failed: SignatureDoesNotMatch");
    assertThat(err.toString()).contains("1 of 2 object(s) could not be copied");
  }

  @Test
  void wrongUsageListsEveryProblem() {
    assertThat(run()).isEqualTo(64);
    assertThat(run("migrate", "--buckets", "Bad_Name")).isEqualTo(64);
    assertThat(err.toString()).startsWith("migrate needs --mode pre-copy or --mode delta; --buckets: not S3 bucket"
        + " names: [Bad_Name]");
    assertThat(run("migrate", "--mode", "delta", "--bogus")).isEqualTo(64);
    assertThat(run("verify", "--mode", "fast")).isEqualTo(64);
    environment.put("OBJECTSTORE_READ_TIMEOUT_SECONDS", "soon");
    assertThat(run("verify")).isEqualTo(64);
    assertThat(err.toString()).startsWith("OBJECTSTORE_READ_TIMEOUT_SECONDS must be a whole number of seconds");
  }

  /**
   * kill -9 of the command line while it uploads a large object in parts, right after it completed
   * another one: the resume aborts the abandoned upload and does not copy the completed object again,
   * even when the kill came before that object's manifest line (the line is removed to recreate
   * that moment, which is too short to hit with a kill).
   */
  @Test
  void afterAKillDuringAMultipartUploadTheResumeAbortsItAndKeepsTheFinishedObject() throws Exception {
    bucket(old.client(), "packets");
    put(old.client(), "packets", "a-large", random(11 * 1024 * 1024, 1), Map.of("centre", "10001"));
    put(old.client(), "packets", "b-large", random(60 * 1024 * 1024, 2), Map.of("centre", "10002"));
    environment.put("OBJECTSTORE_TARGET_SECRET_KEY", "new-secret-0123");
    environment.put("OBJECTSTORE_PARALLELISM", "1");
    environment.put("OBJECTSTORE_PART_SIZE_MB", "5");
    Path manifest = Manifest.file(dir.resolve("state"), "packets");
    MinioAsyncClient target = MinioAsyncClient.builder().endpoint(fresh.endpoint())
        .credentials("new-access", "new-secret-0123").build();

    ProcessBuilder child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-cp",
        System.getProperty("java.class.path"), ObjectStoreCli.class.getName(), "migrate", "--mode", "pre-copy")
        .redirectOutput(dir.resolve("child.out").toFile()).redirectError(dir.resolve("child.err").toFile());
    child.environment().putAll(environment);
    Process process = child.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<Upload> inFlight = List.of();
    while (inFlight.isEmpty() || !Files.readString(manifest).contains(inFlight.get(0).uploadId())) {
      assertThat(process.isAlive()).as("still copying b-large").isTrue();
      assertThat(System.nanoTime()).as("an upload of b-large within 60 s").isLessThan(deadline);
      Thread.sleep(20);
      inFlight = uploads(target).stream().filter(u -> u.objectName().equals("b-large")).toList();
    }
    process.destroyForcibly().waitFor();
    assertThat(uploads(target)).as("a-large was completed before").extracting(Upload::objectName)
        .containsExactly("b-large");
    List<String> lines = Files.readAllLines(manifest);
    Files.write(manifest, lines.stream()
        .filter(line -> !(line.contains("\"key\":\"a-large\"") && !line.contains("\"upload\""))).toList());
    FileTime written = Files.getLastModifiedTime(dir.resolve("new/packets/a-large"));

    assertThat(run("migrate", "--mode", "pre-copy")).isZero();
    assertThat(out.toString()).contains("1 copied (60.0 MiB), 1 already identical");
    assertThat(Files.getLastModifiedTime(dir.resolve("new/packets/a-large"))).as("not written again").isEqualTo(written);
    assertThat(uploads(target)).as("the abandoned upload was aborted").isEmpty();
    assertThat(Manifest.read(manifest).uploads()).isEmpty();
    assertThat(exists(fresh.client(), "packets", "b-large")).isTrue();
    assertThat(run("verify")).isZero();
  }

  /** The target's incomplete uploads; none before the bucket is created. */
  private static List<Upload> uploads(MinioAsyncClient client) throws Exception {
    try {
      return client.listMultipartUploadsAsync("packets", null, null, null, null, null, null, null, null, null).get()
          .result().uploads();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ErrorResponseException r && r.errorResponse().code().equals("NoSuchBucket")) {
        return List.of();
      }
      throw e;
    }
  }
}
