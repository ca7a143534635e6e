package org.dpi.upgrade.database;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One psql process ({@code -v ON_ERROR_STOP=1 -a -b --dbname=postgres}, as MOSIP's upgrade.sh
 * runs each file) that runs several scripts in turn, each as if it had a psql of its own: before
 * a script the session changes to its folder ({@code \cd}, for relative {@code \COPY}) and is back
 * on database postgres as the configured user, unless the script's first command is a
 * {@code \c <database>} that does the same. After each script psql prints a marker with a random
 * nonce, so the caller knows exactly which file succeeded; at the first error psql stops
 * (ON_ERROR_STOP) and the session is over. This saves a process start and a connection per file.
 * <p>Scripts that change the session for the files after them ({@link #shareable}) must run alone.
 */
final class PsqlSession implements AutoCloseable {

  /** Meta-commands whose effect would outlive the file in a shared session. */
  private static final Pattern SESSION_COMMAND = Pattern.compile(
      "^\\s*\\\\(set|unset|gset|o|out|q|quit|cd|setenv|pset|encoding|timing|if|elif|else|endif|copyright|password|prompt|a|C|f|H|T|t|x)(\\s|$)");
  private static final Pattern INCLUDE = Pattern.compile("^\\s*\\\\(i|ir|include|include_relative)\\s+'?([^'\\s]+)'?");
  private static final Pattern CONNECT = Pattern.compile("^\\s*\\\\(c|connect)(\\s+\\S+)*\\s*$");
  private static final Pattern CONNECT_TO_DATABASE = Pattern.compile("^\\s*\\\\(c|connect)\\s+[^\\s'\"]+\\s*$");

  private final PgTools tools;
  private final Server server;
  private final Process process;
  private final Writer input;
  private final BufferedReader output;
  private final Path rc;
  private final String nonce = UUID.randomUUID().toString();
  private boolean superuserSession = true;
  private boolean alive = true;
  private int scripts;

  private PsqlSession(PgTools tools, Server server, Process process, Path rc) {
    this.tools = tools;
    this.server = server;
    this.process = process;
    this.rc = rc;
    this.input = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  static PsqlSession start(PgTools tools, Server server, Map<String, String> variables) throws IOException {
    Path rc = PgTools.psqlrc(variables);
    ProcessBuilder builder = new ProcessBuilder("psql", "-v", "ON_ERROR_STOP=1", "-a", "-b", "--dbname=postgres").redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("PG"));
    builder.environment().putAll(server.environment());
    builder.environment().put("PSQLRC", rc.toString());
    try {
      return new PsqlSession(tools, server, builder.start(), rc);
    } catch (IOException e) {
      Files.deleteIfExists(rc);
      throw e;
    }
  }

  boolean alive() {
    return alive;
  }

  /** Runs one script; after a failure the session is closed (psql stopped at the error). */
  PgTools.Result run(Path script) throws IOException {
    if (!alive) {
      throw new IllegalStateException("the psql session stopped at an earlier error");
    }
    Path file = script.toAbsolutePath();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    StringBuilder commands = new StringBuilder("\\cd ").append(quote(file.getParent().toString())).append('\n');
    if (scripts++ > 0 && !(superuserSession && startsWithConnect(lines))) {
      commands.append("\\c ").append(quote("postgres")).append(' ').append(quote(server.user())).append('\n');
    }
    commands.append("\\i ").append(quote(file.toString())).append('\n').append("\\echo ").append(nonce).append('\n');
    superuserSession = lines.stream().noneMatch(l -> CONNECT.matcher(l).matches() && !CONNECT_TO_DATABASE.matcher(l).matches());
    PgTools.Output out = tools.output("psql");
    try {
      input.write(commands.toString());
      input.flush();
    } catch (IOException stopped) {
      alive = false;
    }
    for (String line; (line = output.readLine()) != null; ) {
      if (line.equals(nonce)) {
        return out.result(0);
      }
      out.line(line);
    }
    alive = false;
    return out.result(exitCode());
  }

  private int exitCode() throws IOException {
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
      throw new IOException("psql was interrupted", e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (alive) {
        alive = false;
        input.write("\\q\n");
        input.close();
        exitCode();
      }
    } finally {
      process.destroy();
      Files.deleteIfExists(rc);
    }
  }

  /** psql's quoting of a meta-command argument. */
  private static String quote(String argument) {
    return "'" + argument.replace("'", "''") + "'";
  }

  private static boolean startsWithConnect(List<String> lines) {
    return lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("--")).findFirst()
        .map(l -> CONNECT_TO_DATABASE.matcher(l).matches()).orElse(false);
  }

  /**
   * Whether the script (with the files it includes) can share a session: it sets no psql
   * variable, output or option that the next file would inherit, and does not end psql.
   */
  static boolean shareable(Path script) throws IOException {
    Deque<Path> pending = new ArrayDeque<>(List.of(script.toAbsolutePath().normalize()));
    Set<Path> seen = new HashSet<>();
    while (!pending.isEmpty()) {
      Path file = pending.pop();
      if (!seen.add(file) || !Files.isRegularFile(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (SESSION_COMMAND.matcher(line).find()) {
          return false;
        }
        Matcher include = INCLUDE.matcher(line);
        if (include.find()) {
          Path target = Path.of(include.group(2));
          pending.push((include.group(1).startsWith("include_r") || include.group(1).equals("ir")
              ? file.getParent().resolve(target) : script.toAbsolutePath().getParent().resolve(target)).normalize());
        }
      }
    }
    return true;
  }
}
