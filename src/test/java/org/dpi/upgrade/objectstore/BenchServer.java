package org.dpi.upgrade.objectstore;

import java.nio.file.Path;
import org.dpi.upgrade.testing.S3Server;

/** One S3 server for bench/objectstore/run.sh: arguments {@code directory port accessKey secretKey}; runs until killed. */
public final class BenchServer {
  private BenchServer() {
  }

  public static void main(String[] args) throws Exception {
    S3Server.start(Path.of(args[0]), args[2], args[3], Integer.parseInt(args[1]));
    System.out.println("S3 server on port " + args[1] + ", data in " + args[0]);
    Thread.currentThread().join();
  }
}
