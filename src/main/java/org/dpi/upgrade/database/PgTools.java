package org.dpi.upgrade.database;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the PostgreSQL client tools (psql, pg_dump, pg_restore) as processes. Their output goes to
 * the application log line by line (errors at ERROR, warnings at WARN) and its last lines are kept
 * for reports; the values of secret psql variables are masked in both.
 */
public class PgTools {

  static final int TAIL = 30;
  private static final Logger log = LoggerFactory.getLogger(PgTools.class);
  private static final Pattern PSQL_ERROR = Pattern.compile("^psql:(.+?):(\\d+): (?:ERROR|FATAL|error):\\s*(.*)$");
  private static final Pattern ERROR = Pattern.compile("(^|: )(ERROR|FATAL|PANIC|error):");
  private static final Pattern WARNING = Pattern.compile("(^|: )(WARNING|warning):");

  private final List<String> secrets;

  public PgTools(List<String> secrets) {
    this.secrets = List.copyOf(secrets);
  }

  /** Where psql stopped: the file (as psql names it), its line, and the server's message. */
  public record Failure(String file, int line, String message) {}

  /** Exit code, the last lines of a tool's output (secrets masked) and its count of lines that are not blank or ';' comments. */
  public record Result(int exitCode, List<String> tail, int contentLines) {
    public boolean ok() {
      return exitCode == 0;
    }

    public String tailText() {
      return String.join("\n", tail);
    }

    /** The first psql error with its file and line, or null when psql reported none. */
    public Failure failure() {
      for (String line : tail) {
        Matcher m = PSQL_ERROR.matcher(line);
        if (m.matches()) {
          return new Failure(m.group(1), Integer.parseInt(m.group(2)), m.group(3));
        }
      }
      return null;
    }

    /** The first psql error: file, line and message, or the last line when psql reported none. */
    public String error() {
      Failure failure = failure();
      if (failure != null) {
        return failure.file() + " line " + failure.line() + ": " + failure.message();
      }
      return tail.isEmpty() ? "exit code " + exitCode : tail.get(tail.size() - 1);
    }
  }

  /** Collects a tool's output: logs each line at its severity, masks secrets, keeps the tail. */
  final class Output {
    private final String tool;
    private final Deque<String> tail = new ArrayDeque<>();
    private int content;

    Output(String tool) {
      this.tool = tool;
    }

    void line(String line) {
      String masked = mask(line);
      if (ERROR.matcher(masked).find()) {
        log.error("[{}] {}", tool, masked);
      } else if (WARNING.matcher(masked).find()) {
        log.warn("[{}] {}", tool, masked);
      } else {
        log.info("[{}] {}", tool, masked);
      }
      tail.addLast(masked);
      content += line.isBlank() || line.startsWith(";") ? 0 : 1;
      if (tail.size() > TAIL) {
        tail.removeFirst();
      }
    }

    Result result(int exitCode) {
      return new Result(exitCode, new ArrayList<>(tail), content);
    }
  }

  Output output(String tool) {
    return new Output(tool);
  }

  /**
   * Runs a psql script the way MOSIP's upgrade.sh does ({@code -v ON_ERROR_STOP=1 -a -b} against
   * database postgres), in the script's folder. The psql variables come from a private psqlrc file
   * with echo off, so they are neither on the command line nor in the echoed output.
   */
  public Result psqlScript(Server server, Path script, Map<String, String> variables) throws IOException {
    Path rc = psqlrc(variables);
    try {
      Map<String, String> env = server.environment();
      env.put("PSQLRC", rc.toString());
      return run(List.of("psql", "-v", "ON_ERROR_STOP=1", "-a", "-b", "--dbname=postgres", "-f", script.toAbsolutePath().toString()),
          env, script.toAbsolutePath().getParent().toFile());
    } finally {
      Files.deleteIfExists(rc);
    }
  }

  /** A private (0600) psqlrc that sets the variables with echo off; the caller deletes it. */
  static Path psqlrc(Map<String, String> variables) throws IOException {
    Path rc = Files.createTempFile("psqlrc", ".psql", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    StringBuilder text = new StringBuilder("\\set ECHO none\n");
    variables.forEach((name, value) -> text.append("\\set ").append(name).append(" '")
        .append(value.replace("\\", "\\\\").replace("'", "\\'")).append("'\n"));
    text.append("\\set ECHO all\n");
    Files.writeString(rc, text);
    return rc;
  }

  /** Runs a client tool against the server; throws if it cannot be started. */
  public Result run(List<String> command, Map<String, String> env, java.io.File directory) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("PG"));
    builder.environment().putAll(env);
    if (directory != null) {
      builder.directory(directory);
    }
    Process process = builder.start();
    process.getOutputStream().close();
    Output output = output(command.get(0));
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        output.line(line);
      }
    }
    try {
      return output.result(process.waitFor());
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
      throw new IOException(command.get(0) + " was interrupted", e);
    }
  }

  /** Runs a tool and fails with its output when it does not succeed. */
  public Result require(List<String> command, Server server, String what) throws IOException {
    Result result = run(command, server.environment(), null);
    if (!result.ok()) {
      throw new IOException(what + " failed on " + server + ": " + result.error());
    }
    return result;
  }

  String mask(String text) {
    String masked = text;
    for (String secret : secrets) {
      masked = masked.replace(secret, "*****");
    }
    return masked;
  }
}
