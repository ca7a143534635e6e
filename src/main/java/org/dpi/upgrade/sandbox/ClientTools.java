package org.dpi.upgrade.sandbox;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL client tools the database steps run (psql, pg_dump, pg_restore, pg_dumpall): they
 * do not come with the embedded servers, so they must be on the PATH, version 15 or newer (pg_dump
 * refuses servers newer than itself).
 */
final class ClientTools {

  static final List<String> TOOLS = List.of("psql", "pg_dump", "pg_restore", "pg_dumpall");
  static final String INSTALL = "install the PostgreSQL client tools 15 or 16 and put them on the PATH: "
      + "Debian/Ubuntu 'sudo apt-get install postgresql-client', Fedora/RHEL 'sudo dnf install postgresql', "
      + "macOS 'brew install libpq && brew link --force libpq'";
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

  private ClientTools() {
  }

  /** Checks every tool; throws one error naming each one missing or too old and what to install. */
  static void check() {
    List<String> problems = new ArrayList<>();
    for (String tool : TOOLS) {
      String version = version(tool);
      Matcher m = VERSION.matcher(version == null ? "" : version);
      if (version == null) {
        problems.add(tool + " is not on the PATH");
      } else if (!m.find()) {
        problems.add(tool + " does not say its version");
      } else if (Integer.parseInt(m.group(1)) < 15) {
        problems.add(tool + " is version " + m.group(1) + ", older than the sandbox's PostgreSQL 15");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("The database steps need the PostgreSQL client tools: " + String.join("; ", problems)
          + ". To fix it, " + INSTALL + ".");
    }
  }

  /** The first line of {@code <tool> --version}, or null when it cannot be run. */
  private static String version(String tool) {
    try {
      Process process = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes()).strip();
      return process.waitFor() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
