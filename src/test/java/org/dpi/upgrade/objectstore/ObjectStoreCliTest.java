package org.dpi.upgrade.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.MakeBucketArgs;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dpi.upgrade.testing.S3Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, without Spring, against two real S3 servers. */
class ObjectStoreCliTest {

  @TempDir Path dir;

  @Test
  void migratesAndVerifiesWithSettingsFromTheEnvironmentOrAFile() throws Exception {
    try (S3Server old = S3Server.start(dir.resolve("old"), "old-access", "old-secret-0123");
         S3Server fresh = S3Server.start(dir.resolve("new"), "new-access", "new-secret-0123")) {
      old.client().makeBucket(MakeBucketArgs.builder().bucket("packets").build());
      old.client().putObject(PutObjectArgs.builder().bucket("packets").object("a/1.zip")
          .stream(new ByteArrayInputStream(new byte[3000]), 3000, -1).build());
      Map<String, String> environment = new HashMap<>(Map.of(
          "OBJECTSTORE_SOURCE_ENDPOINT", old.endpoint(), "OBJECTSTORE_SOURCE_ACCESS_KEY", "old-access",
          "OBJECTSTORE_SOURCE_SECRET_KEY", "old-secret-0123", "OBJECTSTORE_TARGET_ENDPOINT", fresh.endpoint(),
          "OBJECTSTORE_TARGET_ACCESS_KEY", "new-access", "OBJECTSTORE_MANIFEST_DIRECTORY", dir.resolve("m").toString(),
          "OBJECTSTORE_PARALLELISM", "2"));

      assertThat(ObjectStoreCli.run(List.of("migrate", "--mode", "pre-copy"), environment))
          .as("the target secret key is missing").isEqualTo(1);
      assertThat(fresh.client().listBuckets()).isEmpty();

      Path file = dir.resolve("objectstore.properties");
      Files.writeString(file, "OBJECTSTORE_TARGET_SECRET_KEY=new-secret-0123\n");
      assertThat(ObjectStoreCli.run(List.of("migrate", "--mode", "pre-copy", "--buckets", "packets", "--config",
          file.toString()), environment)).isZero();
      assertThat(fresh.client().statObject(StatObjectArgs.builder().bucket("packets").object("a/1.zip").build()).size())
          .isEqualTo(3000);

      environment.put("OBJECTSTORE_TARGET_SECRET_KEY", "new-secret-0123");
      assertThat(ObjectStoreCli.run(List.of("verify"), environment)).isZero();
      fresh.client().makeBucket(MakeBucketArgs.builder().bucket("extra").build());
      old.client().putObject(PutObjectArgs.builder().bucket("packets").object("a/2.zip")
          .stream(new ByteArrayInputStream(new byte[10]), 10, -1).build());
      assertThat(ObjectStoreCli.run(List.of("verify", "--listing-only"), environment)).isEqualTo(2);
      assertThat(ObjectStoreCli.run(List.of("migrate", "--mode", "delta"), environment)).isZero();
      assertThat(ObjectStoreCli.run(List.of("verify"), environment)).isZero();
    }
  }

  @Test
  void wrongUsageListsEveryProblem() {
    assertThat(ObjectStoreCli.run(List.of(), Map.of())).isEqualTo(64);
    assertThat(ObjectStoreCli.run(List.of("migrate", "--buckets", "Bad_Name"), Map.of())).isEqualTo(64);
    assertThat(ObjectStoreCli.run(List.of("migrate", "--mode", "delta", "--bogus"), Map.of())).isEqualTo(64);
  }
}
