package org.dpi.upgrade.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.dpi.upgrade.testing.S3Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The migration between two real S3 servers (s3proxy, filesystem backend, AWS v4 keys). */
class ObjectMigratorTest {

  static final long PART = ObjectStoreSettings.MIN_PART_SIZE;
  static final MigrationPlan ALL = new MigrationPlan(null, false, true);

  @TempDir Path dir;
  S3Server old;
  S3Server fresh;
  MinioClient src;
  MinioClient dst;

  @BeforeEach
  void start() throws Exception {
    old = S3Server.start(dir.resolve("old"), "old-access", "old-secret-0123");
    fresh = S3Server.start(dir.resolve("new"), "new-access", "new-secret-0123");
    src = old.client();
    dst = fresh.client();
  }

  @AfterEach
  void stop() throws Exception {
    old.close();
    fresh.close();
  }

  ObjectMigrator migrator() {
    return migrator(fresh, "new-secret-0123");
  }

  ObjectMigrator migrator(S3Server target, String targetSecret) {
    return new ObjectMigrator(new ObjectStoreSettings(
        new Endpoint("source", old.endpoint(), "old-access", "old-secret-0123", "test source"),
        new Endpoint("target", target.endpoint(), "new-access", targetSecret, "test target"),
        dir.resolve("manifests"), 4, PART));
  }

  static final MigrationProgress.Listener QUIET = p -> { };

  @Test
  void anEmptyBucketIsCreatedOnTheTarget() throws Exception {
    bucket(src, "empty");
    MigrationSummary summary = migrator().migrate(ALL, "pre-copy", QUIET);
    assertThat(dst.bucketExists(BucketExistsArgs.builder().bucket("empty").build())).isTrue();
    assertThat(summary.objects()).isZero();
    assertThat(summary.buckets()).containsExactly("empty");
    assertThat(migrator().verify(ALL).differences()).isZero();
  }

  @Test
  void aThousandSmallObjectsAreCopiedOnceAndVerified() throws Exception {
    bucket(src, "packets");
    IntStream.range(0, 1000).parallel().forEach(i -> put(src, "packets", "reg/" + (i % 20) + "/" + i + ".zip",
        random(100 + i % 700, i), Map.of()));
    List<MigrationProgress> updates = new ArrayList<>();
    MigrationSummary first = migrator().migrate(ALL, "pre-copy", updates::add);
    assertThat(first.copied()).isEqualTo(1000);
    assertThat(first.mismatches()).isZero();
    assertThat(updates).last().satisfies(p -> {
      assertThat(p.objectsDone()).isEqualTo(1000).isEqualTo(p.objectsTotal());
      assertThat(p.bytesDone()).isEqualTo(p.bytesTotal()).isEqualTo(first.bytes());
      assertThat(p.bucket()).isEqualTo("packets");
    });
    assertThat(content(dst, "packets", "reg/7/907.zip")).isEqualTo(random(100 + 907 % 700, 907));
    MigrationSummary again = migrator().migrate(ALL, "delta", QUIET);
    assertThat(again.copied()).isZero();
    assertThat(again.skipped()).isEqualTo(1000);
    VerificationReport report = migrator().verify(ALL);
    assertThat(report.differences()).isZero();
    assertThat(report.objects()).isEqualTo(1000);
    assertThat(report.bytesRead()).isEqualTo(first.bytes());
  }

  @Test
  void multipartObjectsUnicodeDeepKeysAndMetadataArrivePreserved() throws Exception {
    bucket(src, "packets");
    byte[] large = random(12 * 1024 * 1024 + 17, 42);
    String deep = "région/ü/日本/" + "deep/".repeat(30) + "paquet été #1+2=3.zip";
    src.putObject(PutObjectArgs.builder().bucket("packets").object(deep).contentType("application/zip")
        .userMetadata(Map.of("centre", "10001", "machine", "m-42")).headers(Map.of("Cache-Control", "no-store"))
        .stream(new ByteArrayInputStream(large), large.length, PART).build());
    put(src, "packets", "small ключ", "x".getBytes(StandardCharsets.UTF_8), Map.of("kind", "note"));
    MigrationSummary summary = migrator().migrate(ALL, "pre-copy", QUIET);
    assertThat(summary.copied()).isEqualTo(2);
    assertThat(summary.bytesCopied()).isEqualTo(large.length + 1);
    assertThat(content(dst, "packets", deep)).isEqualTo(large);
    var stat = dst.statObject(StatObjectArgs.builder().bucket("packets").object(deep).build());
    assertThat(stat.contentType()).isEqualTo("application/zip");
    assertThat(stat.userMetadata()).containsEntry("centre", "10001").containsEntry("machine", "m-42");
    assertThat(stat.headers().get("Cache-Control")).isEqualTo("no-store");
    assertThat(stat.etag()).endsWith("-3");
    assertThat(dst.statObject(StatObjectArgs.builder().bucket("packets").object("small ключ").build()).userMetadata())
        .containsEntry("kind", "note");
    assertThat(migrator().verify(ALL).differences()).isZero();
  }

  @Test
  void theDeltaCopiesOnlyWhatChangedAndRemovesWhatWasDeletedWhenThePlanSaysSo() throws Exception {
    bucket(src, "packets");
    bucket(src, "other");
    for (int i = 0; i < 50; i++) {
      put(src, "packets", "p" + i, random(1000, i), Map.of());
    }
    put(src, "other", "kept", random(10, 1), Map.of());
    MigrationPlan packets = new MigrationPlan(List.of("packets"), true, true);
    assertThat(migrator().migrate(packets, "pre-copy", QUIET).copied()).isEqualTo(50);
    assertThat(dst.bucketExists(BucketExistsArgs.builder().bucket("other").build())).isFalse();

    put(src, "packets", "p1", random(1000, 1001), Map.of());
    put(src, "packets", "p2", random(1000, 1002), Map.of());
    put(src, "packets", "new", random(10, 1003), Map.of());
    src.removeObject(RemoveObjectArgs.builder().bucket("packets").object("p3").build());
    src.removeObject(RemoveObjectArgs.builder().bucket("packets").object("p4").build());
    VerificationReport before = migrator().verify(packets);
    assertThat(before.differences()).isEqualTo(5);
    assertThat(before.listed()).contains("packets/p1: changed on the source since it was copied",
        "packets/new: missing on the target", "packets/p3: only on the target");

    MigrationSummary keep = migrator().migrate(new MigrationPlan(List.of("packets"), false, true), "delta", QUIET);
    assertThat(keep.copied()).isEqualTo(3);
    assertThat(keep.deleted()).isZero();
    assertThat(exists(dst, "packets", "p3")).isTrue();

    MigrationSummary delta = migrator().migrate(packets, "delta", QUIET);
    assertThat(delta.copied()).isZero();
    assertThat(delta.skipped()).isEqualTo(49);
    assertThat(delta.deleted()).isEqualTo(2);
    assertThat(exists(dst, "packets", "p3")).isFalse();
    assertThat(content(dst, "packets", "p2")).isEqualTo(random(1000, 1002));
    assertThat(migrator().verify(packets).differences()).isZero();
  }

  @Test
  void aTargetLostMidCopyFailsWithAClearMessageAndTheRetryResumes() throws Exception {
    bucket(src, "packets");
    IntStream.range(0, 400).parallel().forEach(i -> put(src, "packets", "p" + i, random(1000, i), Map.of()));
    int port = fresh.port();
    AtomicBoolean stopped = new AtomicBoolean();
    MigrationProgress.Listener stopAt100 = p -> {
      if (p.objectsDone() >= 100 && stopped.compareAndSet(false, true)) {
        try {
          fresh.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
    assertThatThrownBy(() -> migrator().migrate(ALL, "pre-copy", stopAt100))
        .isInstanceOf(ObjectStoreException.class)
        .hasMessageContaining("Copying bucket packets stopped")
        .hasMessageContaining("on the target object store http://127.0.0.1:" + port)
        .hasMessageContaining("Fix the cause and retry: the copy resumes where it stopped");
    long recorded = Files.readAllLines(Manifest.file(dir.resolve("manifests"), "packets")).size();
    assertThat(recorded).isBetween(100L, 399L);

    fresh = S3Server.start(dir.resolve("new"), "new-access", "new-secret-0123", port);
    MigrationSummary resumed = migrator().migrate(ALL, "pre-copy", QUIET);
    assertThat(resumed.skipped()).isGreaterThanOrEqualTo(recorded);
    assertThat(resumed.copied() + resumed.skipped()).isEqualTo(400);
    assertThat(resumed.copied()).isLessThanOrEqualTo(400 - recorded);
    assertThat(migrator().verify(ALL).differences()).isZero();
  }

  @Test
  void verifyFindsAnObjectCorruptedOnTheTarget() throws Exception {
    bucket(src, "packets");
    put(src, "packets", "a/b/packet.zip", random(5000, 7), Map.of());
    put(src, "packets", "c", random(10, 8), Map.of());
    migrator().migrate(ALL, "pre-copy", QUIET);
    Path stored = dir.resolve("new/packets/a/b/packet.zip");
    byte[] bytes = Files.readAllBytes(stored);
    bytes[2500] ^= 1;
    Files.write(stored, bytes);

    VerificationReport report = migrator().verify(ALL);
    assertThat(report.differences()).isOne();
    assertThat(report.listed()).singleElement().asString().isEqualTo("packets/a/b/packet.zip: the target content has MD5 "
        + md5(bytes) + ", not the MD5 " + md5(random(5000, 7)) + " of the bytes copied from the source");
    assertThat(migrator().verify(new MigrationPlan(null, false, false)).differences())
        .as("the server keeps the ETag it computed on upload: only reading the content back finds the flipped bit")
        .isZero();
  }

  @Test
  void wrongTargetKeysAreRefusedBeforeAnyWrite() throws Exception {
    bucket(src, "packets");
    put(src, "packets", "a", random(10, 1), Map.of());
    assertThatThrownBy(() -> migrator(fresh, "wrong-secret").migrate(ALL, "pre-copy", QUIET))
        .isInstanceOf(ObjectStoreException.class)
        .hasMessageContaining("target object store " + fresh.endpoint())
        .hasMessageContaining("SignatureDoesNotMatch")
        .hasMessageContaining("Check the access and secret keys (test target)")
        .hasMessageContaining("Nothing was written");
    assertThat(dst.listBuckets()).isEmpty();
    assertThat(dir.resolve("manifests")).doesNotExist();
  }

  @Test
  void aBucketMissingOnTheSourceIsRefusedBeforeAnyWrite() throws Exception {
    bucket(src, "packets");
    assertThatThrownBy(() -> migrator().migrate(new MigrationPlan(List.of("packets", "nope"), false, true), "delta", QUIET))
        .hasMessage("The plan names bucket(s) [nope] that the source " + old.endpoint()
            + " does not have (it has [packets]). Correct objectstore.buckets in the plan. Nothing was written.");
    assertThat(dst.listBuckets()).isEmpty();
  }

  static void bucket(MinioClient client, String bucket) throws Exception {
    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
  }

  static byte[] content(MinioClient client, String bucket, String key) throws Exception {
    try (var in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return in.readAllBytes();
    }
  }

  static boolean exists(MinioClient client, String bucket, String key) throws Exception {
    try {
      client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
      return true;
    } catch (io.minio.errors.ErrorResponseException e) {
      return false;
    }
  }

  static String md5(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(Md5Stream.md5().digest(bytes));
  }

  static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static void put(MinioClient client, String bucket, String key, byte[] body, Map<String, String> metadata) {
    try {
      client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).userMetadata(metadata)
          .stream(new ByteArrayInputStream(body), body.length, PART).build());
    } catch (Exception e) {
      throw new IllegalStateException("cannot put " + bucket + "/" + key, e);
    }
  }
}
