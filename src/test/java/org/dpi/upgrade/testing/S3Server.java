package org.dpi.upgrade.testing;

import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;

/**
 * The S3 server moved to the main code ({@link org.dpi.upgrade.sandbox.S3Server}: the sandbox runs
 * it too); this name stays for the tests written against it.
 */
public final class S3Server extends org.dpi.upgrade.sandbox.S3Server {

  private S3Server(S3Proxy proxy, String accessKey, String secretKey) {
    super(proxy, accessKey, secretKey);
  }

  public static S3Server start(Path directory, String accessKey, String secretKey) throws Exception {
    return start(directory, accessKey, secretKey, 0);
  }

  public static S3Server start(Path directory, String accessKey, String secretKey, int port) throws Exception {
    return new S3Server(proxy(directory, accessKey, secretKey, port), accessKey, secretKey);
  }
}
