package org.dpi.upgrade.sandbox;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dpi.upgrade.FirstScreen;

/**
 * The orchestrator as a user runs it: {@code java -jar target/upgrade-orchestrator-*.jar} in its own
 * process (its working directory under target/), on a free port, output to a log file. It can be
 * stopped (SIGTERM), killed ({@code kill -9}) and started again on the same sandbox.
 */
final class OrchestratorProcess implements AutoCloseable {

  static final String READY = FirstScreen.READY;
  private static final Pattern USER = Pattern.compile("^\\s+(admin|demo-[a-z0-9-]+) / (\\S+)", Pattern.MULTILINE);

  private final Path workDir;
  private final Path jar;
  private Process process;
  private int port;
  private Path log;
  private int starts;

  /** The jar this build packaged, run in {@code workDir}. */
  OrchestratorProcess(Path workDir) throws IOException {
    this(workDir, jar());
  }

  OrchestratorProcess(Path workDir, Path jar) {
    this.workDir = workDir;
    this.jar = jar;
  }

  /** Starts the jar in the working directory with these arguments and waits until it is ready (again after a stop or kill). */
  void start(Duration timeout, String... arguments) throws Exception {
    Files.createDirectories(workDir);
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    log = workDir.resolve("orchestrator-" + (++starts) + ".log");
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
        jar.toString(), "--server.port=" + port));
    command.addAll(List.of(arguments));
    process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!output().contains(READY)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the orchestrator exited with " + process.exitValue() + " before it was ready:\n" + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the orchestrator was not ready within " + timeout + ":\n" + tail());
      }
      Thread.sleep(200);
    }
  }

  /** The jar {@code mvn package} built. */
  static Path jar() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files.filter(f -> f.getFileName().toString().matches("upgrade-orchestrator-.*\\.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no target/upgrade-orchestrator-*.jar: run 'mvn package' first"))
          .toAbsolutePath();
    }
  }

  String url() {
    return "http://localhost:" + port;
  }

  /** Everything this start wrote so far. */
  String output() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** The users and one-time passwords of the first screen of this start. */
  Map<String, String> printedPasswords() throws IOException {
    Map<String, String> users = new TreeMap<>();
    Matcher m = USER.matcher(output());
    while (m.find()) {
      users.put(m.group(1), m.group(2));
    }
    return users;
  }

  long pid() {
    return process.pid();
  }

  /** {@code kill -9}: no shutdown of any kind. */
  void kill9() throws Exception {
    new ProcessBuilder("kill", "-9", String.valueOf(process.pid())).start().waitFor();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, and the exit code once it has stopped (within the timeout). */
  int stop(Duration timeout) throws Exception {
    process.destroy();
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException("the orchestrator did not stop within " + timeout + " after SIGTERM:\n" + tail());
    }
    return process.exitValue();
  }

  private String tail() throws IOException {
    List<String> lines = output().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      stop(Duration.ofSeconds(120));
    }
  }
}
