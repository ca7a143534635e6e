package org.dpi.upgrade.sandbox;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.dpi.upgrade.database.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;
import org.tukaani.xz.XZInputStream;

/**
 * One PostgreSQL server of the sandbox: the embedded PostgreSQL binaries of the given major version
 * that zonky publishes on Maven Central (classpath {@code sandbox/postgresql-<major>/}, unpacked
 * once under the sandbox), its data directory kept between starts, listening on a free loopback
 * port (TCP only), superuser {@code postgres} with trust authentication. The sandbox starts and
 * stops it with {@code pg_ctl}; a server a killed orchestrator left running is stopped first
 * (it keeps what it committed).
 */
final class SandboxPostgres implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SandboxPostgres.class);

  private final String name;
  private final Path bin;
  private final Path data;
  private final int port;

  private SandboxPostgres(String name, Path bin, Path data, int port) {
    this.name = name;
    this.bin = bin;
    this.data = data;
    this.port = port;
  }

  /**
   * @param durable every commit is flushed to disk before it is acknowledged (off for a scratch server)
   */
  static SandboxPostgres start(String name, int major, Path binaries, Path data, boolean durable) throws IOException {
    Path bin = unpack(major, binaries).resolve("bin");
    stopLeftover(data);
    if (!Files.exists(data.resolve("PG_VERSION"))) {
      FileSystemUtils.deleteRecursively(data);
      Files.createDirectories(data);
      run(bin, "initdb", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "-D", data.toString());
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String sync = durable ? "on" : "off";
    run(bin, "pg_ctl", "-D", data.toString(), "-l", data.resolve("server.log").toString(), "-w", "-t", "120", "-o",
        "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=100 -c timezone=UTC"
            + " -c fsync=" + sync + " -c synchronous_commit=" + sync, "start");
    return new SandboxPostgres(name, bin, data, port);
  }

  int port() {
    return port;
  }

  /** The server as the database steps reach it: superuser postgres on the loopback address, no password. */
  Server server() {
    return new Server("127.0.0.1", port, "postgres", "");
  }

  String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), "postgres", "");
  }

  /** Creates the database if it does not exist. */
  void createDatabase(String database) throws SQLException {
    try (Connection c = connect("postgres"); var exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
      exists.setString(1, database);
      if (!exists.executeQuery().next()) {
        c.createStatement().execute("create database \"" + database + "\"");
      }
    }
  }

  /** The libpq environment of the client tools for this server. */
  Map<String, String> environment() {
    return Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(port), "PGUSER", "postgres");
  }

  /** Fast shutdown: open sessions are ended, everything committed is kept. */
  @Override
  public void close() throws IOException {
    run(bin, "pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop");
  }

  @Override
  public String toString() {
    return name + " (postgres@127.0.0.1:" + port + ")";
  }

  /**
   * Stops the server of a previous run still running on {@code data}: the orchestrator was killed
   * and the server it started outlived it. Fast shutdown keeps everything it committed.
   */
  static void stopLeftover(Path data) throws IOException {
    Path pidFile = data.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty() || !lines.get(0).trim().matches("\\d+")) {
      return;
    }
    Optional<ProcessHandle> server = ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
        .filter(p -> p.info().arguments().map(List::of).orElse(List.of()).contains(data.toString()));
    if (server.isPresent()) {
      log.info("Stopping the PostgreSQL server left running on {} by a previous run (pid {})", data, server.get().pid());
      // SIGINT: fast shutdown
      new ProcessBuilder("kill", "-INT", String.valueOf(server.get().pid())).start();
      try {
        server.get().onExit().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IOException("The PostgreSQL server left running on " + data + " (pid " + server.get().pid()
            + ") did not stop within 60 s: stop it, then start again", e);
      }
    }
  }

  /**
   * PostgreSQL refuses to run as root. As root (e.g. in a container), the tools run in a new user
   * namespace ({@code unshare -U}), where the process is not root and still owns its files.
   */
  private static final boolean AS_ROOT = new com.sun.security.auth.module.UnixSystem().getUid() == 0;

  private static void run(Path bin, String tool, String... arguments) throws IOException {
    List<String> command = new ArrayList<>(AS_ROOT ? List.of("unshare", "-U") : List.of());
    command.add(bin.resolve(tool).toString());
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    try {
      if (process.waitFor() != 0) {
        throw new IOException(tool + " failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(tool + " was interrupted", e);
    }
  }

  /**
   * The binaries of {@code major}, unpacked once under {@code binaries/<major>-<hash of the archive>}
   * (marker file {@code .unpacked}): a new archive in a new build gets its own folder.
   */
  private static synchronized Path unpack(int major, Path binaries) throws IOException {
    String resource = "sandbox/postgresql-" + major + "/postgres-linux-x86_64.txz";
    boolean linuxX64 = System.getProperty("os.name").toLowerCase().contains("linux")
        && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    byte[] archive;
    try (InputStream in = SandboxPostgres.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null || !linuxX64) {
        throw new IOException("The sandbox ships PostgreSQL " + major + " binaries for Linux x86-64 only (this is "
            + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "): run the orchestrator with real "
            + "targets instead (README, 'Running for real')");
      }
      archive = in.readAllBytes();
    }
    Path target;
    try {
      target = binaries.resolve(major + "-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive), 0, 6));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    if (Files.exists(target.resolve(".unpacked"))) {
      return target;
    }
    FileSystemUtils.deleteRecursively(target);
    Files.createDirectories(target);
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        Path file = target.resolve(entry.getName()).normalize();
        if (!file.startsWith(target)) {
          throw new IOException("unexpected entry " + entry.getName() + " in " + resource);
        }
        if (entry.isDirectory()) {
          Files.createDirectories(file);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(file.getParent());
          Files.createSymbolicLink(file, Path.of(entry.getLinkName()));
        } else {
          Files.createDirectories(file.getParent());
          Files.copy(tar, file, StandardCopyOption.REPLACE_EXISTING);
          if ((entry.getMode() & 0100) != 0) {
            file.toFile().setExecutable(true, false);
          }
        }
      }
    }
    Files.createFile(target.resolve(".unpacked"));
    return target;
  }
}
