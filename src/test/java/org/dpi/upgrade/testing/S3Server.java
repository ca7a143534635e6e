package org.dpi.upgrade.testing;

import io.minio.MinioClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 server for tests: s3proxy in-process on a free loopback port, filesystem backend, AWS
 * signature v4 with the given keys. {@code try (var s3 = S3Server.start(dir, "key", "secret")) { ... }}.
 */
public final class S3Server implements AutoCloseable {

  private final S3Proxy proxy;
  private final String accessKey;
  private final String secretKey;

  private S3Server(S3Proxy proxy, String accessKey, String secretKey) {
    this.proxy = proxy;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  public static S3Server start(Path directory, String accessKey, String secretKey) throws Exception {
    return start(directory, accessKey, secretKey, 0);
  }

  /** On a given port, e.g. to restart a stopped server where its clients expect it ({@code 0}: a free port). */
  public static S3Server start(Path directory, String accessKey, String secretKey, int port) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", directory.toString());
    BlobStoreContext context = ContextBuilder.newBuilder("filesystem").overrides(properties)
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
    return new S3Server(proxy, accessKey, secretKey);
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
