package org.dpi.upgrade.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3ServerTest {

  @Test
  void storesAndServesObjectsAndRefusesWrongKeys(@TempDir Path dir) throws Exception {
    try (S3Server s3 = S3Server.start(dir, "access", "secret-key-1234")) {
      MinioClient client = s3.client();
      client.makeBucket(MakeBucketArgs.builder().bucket("packets").build());
      byte[] body = "registration packet".getBytes(StandardCharsets.UTF_8);
      client.putObject(PutObjectArgs.builder().bucket("packets").object("a/b/ü.zip")
          .stream(new ByteArrayInputStream(body), body.length, -1).build());
      try (var in = client.getObject(GetObjectArgs.builder().bucket("packets").object("a/b/ü.zip").build())) {
        assertThat(in.readAllBytes()).isEqualTo(body);
      }
      MinioClient wrong = MinioClient.builder().endpoint(s3.endpoint()).credentials("access", "nope").build();
      assertThatThrownBy(wrong::listBuckets).isInstanceOfSatisfying(ErrorResponseException.class,
          e -> assertThat(e.errorResponse().code()).isEqualTo("SignatureDoesNotMatch"));
    }
  }
}
