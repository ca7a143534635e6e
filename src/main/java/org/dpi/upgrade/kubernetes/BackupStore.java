package org.dpi.upgrade.kubernetes;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Archives in an S3 bucket, with an optional copy in a local directory ({@code <directory>/<bucket>/<key>}).
 * Without an S3 client (endpoint not configured) every use fails with a message saying so.
 */
public class BackupStore {

  private final MinioClient s3;
  private final Path directory;

  public BackupStore(MinioClient s3, Path directory) {
    this.s3 = s3;
    this.directory = directory;
  }

  public void put(String bucket, String key, byte[] content) throws Exception {
    configured();
    if (!s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
      s3.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
    }
    s3.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
        .stream(new ByteArrayInputStream(content), content.length, -1).contentType("application/zip").build());
    if (directory != null) {
      Path file = directory.resolve(bucket).resolve(key);
      Files.createDirectories(file.getParent());
      Path partial = file.resolveSibling(file.getFileName() + ".partial");
      Files.write(partial, content);
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** The archive from S3, else from the local copy; empty if neither has it. */
  public Optional<byte[]> get(String bucket, String key) throws Exception {
    configured();
    try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return Optional.of(in.readAllBytes());
    } catch (ErrorResponseException e) {
      String code = e.errorResponse().code();
      if (!code.equals("NoSuchKey") && !code.equals("NoSuchBucket")) {
        throw e;
      }
    }
    return local(bucket, key);
  }

  private void configured() {
    if (s3 == null) {
      throw new IllegalStateException("the backup store is not configured: set orchestrator.kubernetes.backup-store.endpoint "
          + "(and the access and secret keys through the environment)");
    }
  }

  private Optional<byte[]> local(String bucket, String key) throws IOException {
    if (directory == null) {
      return Optional.empty();
    }
    Path file = directory.resolve(bucket).resolve(key);
    return Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
  }

  public String location(String bucket, String key) {
    return "s3://" + bucket + "/" + key;
  }
}
