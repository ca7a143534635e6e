package org.dpi.upgrade.database;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A PostgreSQL 15 server of the system packages ({@code /usr/lib/postgresql/15/bin}), started for a
 * test as user postgres with its data in a temporary directory. On a fresh machine it needs the
 * Debian package {@code postgresql} (15).
 */
final class SystemPostgres implements AutoCloseable {

  static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

  private final Path directory;
  private final int port;

  private SystemPostgres(Path directory, int port) {
    this.directory = directory;
    this.port = port;
  }

  static SystemPostgres start() throws IOException, InterruptedException {
    if (!Files.isExecutable(BIN.resolve("postgres"))) {
      throw new IllegalStateException("PostgreSQL 15 server binaries missing in " + BIN + ": apt-get install postgresql");
    }
    Path directory = Files.createTempDirectory("pg15-");
    UserPrincipal postgres = directory.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
    Files.setOwner(directory, postgres);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path data = directory.resolve("data");
    asPostgres(BIN + "/initdb", "-D", data.toString(), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C");
    asPostgres(BIN + "/pg_ctl", "-D", data.toString(), "-w", "-l", directory.resolve("log").toString(), "-o",
        "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", "start");
    return new SystemPostgres(directory, port);
  }

  Server server() {
    return new Server("127.0.0.1", port, "postgres", "");
  }

  @Override
  public void close() throws IOException, InterruptedException {
    asPostgres(BIN + "/pg_ctl", "-D", directory.resolve("data").toString(), "-m", "immediate", "stop");
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void asPostgres(String... command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    full.addAll(List.of(command));
    Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
    }
  }
}
