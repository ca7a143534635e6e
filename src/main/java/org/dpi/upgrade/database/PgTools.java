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
 * the application log line by line and its last lines are kept for reports and incidents; the
 * values of secret psql variables are masked in both.
 */
public class PgTools {

  static final int TAIL = 30;
  private static final Logger log = LoggerFactory.getLogger(PgTools.class);
  private static final Pattern PSQL_ERROR = Pattern.compile("^psql:(.+?):(\\d+): (?:ERROR|FATAL|error):\\s*(.*)$");

  private final List<String> secrets;

  public PgTools(List<String> secrets) {
    this.secrets = List.copyOf(secrets);
  }

  /** Exit code, the last lines of a tool's output (secrets masked) and its count of lines that are not blank or ';' comments. */
  public record Result(int exitCode, List<String> tail, int contentLines) {
    public boolean ok() {
      return exitCode == 0;
    }

    public String tailText() {
      return String.join("\n", tail);
    }

    /** The first psql error: file, line and message, or the tail when psql reported none. */
    public String error() {
      for (String line : tail) {
        Matcher m = PSQL_ERROR.matcher(line);
        if (m.matches()) {
          return m.group(1) + " line " + m.group(2) + ": " + m.group(3);
        }
      }
      return tail.isEmpty() ? "exit code " + exitCode : tail.get(tail.size() - 1);
    }
  }

  /**
   * Runs a psql script the way MOSIP's upgrade.sh does ({@code -v ON_ERROR_STOP=1 -a -b} against
   * database postgres). The psql variables are set from a private psqlrc file with echo off, so
   * they are neither on the command line nor in the echoed output.
   */
  public Result psqlScript(Server server, Path script, Map<String, String> variables) throws IOException {
    Path rc = Files.createTempFile("psqlrc", ".psql", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      StringBuilder text = new StringBuilder("\\set ECHO none\n");
      variables.forEach((name, value) -> text.append("\\set ").append(name).append(" '")
          .append(value.replace("\\", "\\\\").replace("'", "\\'")).append("'\n"));
      text.append("\\set ECHO all\n");
      Files.writeString(rc, text);
      Map<String, String> env = server.environment();
      env.put("PSQLRC", rc.toString());
      return run(List.of("psql", "-v", "ON_ERROR_STOP=1", "-a", "-b", "--dbname=postgres", "-f", script.toAbsolutePath().toString()),
          env, script.toAbsolutePath().getParent().toFile());
    } finally {
      Files.deleteIfExists(rc);
    }
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
    Deque<String> tail = new ArrayDeque<>();
    int content = 0;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        String masked = mask(line);
        log.info("[{}] {}", command.get(0), masked);
        tail.addLast(masked);
        content += line.isBlank() || line.startsWith(";") ? 0 : 1;
        if (tail.size() > TAIL) {
          tail.removeFirst();
        }
      }
    }
    try {
      return new Result(process.waitFor(), new ArrayList<>(tail), content);
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
