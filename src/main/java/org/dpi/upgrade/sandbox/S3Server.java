package org.dpi.upgrade.sandbox;

import io.minio.MinioClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.FilesystemApiMetadata;

/**
 * A real S3 server, for the sandbox and the tests: s3proxy in-process on a loopback port, filesystem
 * backend (objects and their metadata stay in the directory), AWS signature v2/v4 with the given keys.
 * {@code try (var s3 = S3Server.start(dir, "key", "secret")) { ... }}.
 */
public class S3Server implements AutoCloseable {

  private final S3Proxy proxy;
  private final String accessKey;
  private final String secretKey;

  protected S3Server(S3Proxy proxy, String accessKey, String secretKey) {
    this.proxy = proxy;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  public static S3Server start(Path directory, String accessKey, String secretKey) throws Exception {
    return start(directory, accessKey, secretKey, 0);
  }

  /** On a given port, e.g. to restart a stopped server where its clients expect it ({@code 0}: a free port). */
  public static S3Server start(Path directory, String accessKey, String secretKey, int port) throws Exception {
    return new S3Server(proxy(directory, accessKey, secretKey, port), accessKey, secretKey);
  }

  /** A started s3proxy serving {@code directory}. */
  protected static S3Proxy proxy(Path directory, String accessKey, String secretKey, int port) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", directory.toString());
    BlobStoreContext context = ContextBuilder.newBuilder(new FilesystemApiMetadata()).overrides(properties)
        .build(BlobStoreContext.class);
    S3Proxy proxy = S3Proxy.builder()
        .blobStore(context.getBlobStore())
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
        .endpoint(URI.create("http://127.0.0.1:" + port))
        .build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      Thread.sleep(10);
    }
    return proxy;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  public int port() {
    return proxy.getPort();
  }

  public MinioClient client() {
    return MinioClient.builder().endpoint(endpoint()).credentials(accessKey, secretKey).build();
  }

  /** Stops serving (e.g. to simulate a server lost mid-copy); the data stays on disk. */
  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
