package org.dpi.upgrade.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The complete reports of the database steps: {@code <report-directory>/<process instance>/<name>.txt},
 * served by {@link DatabaseReports} at {@value #PATH}{@code /<process instance>/<name>}.
 */
final class ReportFiles {

  static final String PATH = "/database-reports";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");

  private final Path directory;

  ReportFiles(Path directory) {
    this.directory = directory;
  }

  /** Writes the report and returns its link. */
  String write(String instance, String name, String text) throws IOException {
    Path file = file(instance, name).orElseThrow(() -> new IllegalArgumentException("not a report name: " + instance + "/" + name));
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return link(instance, name);
  }

  static String link(String instance, String name) {
    return PATH + "/" + instance + "/" + name;
  }

  /** The file of a report; empty when instance or name are not plain names (no path may leave the directory). */
  Optional<Path> file(String instance, String name) {
    if (instance == null || name == null || !NAME.matcher(instance).matches() || !NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    return Optional.of(directory.resolve(instance).resolve(name + ".txt"));
  }
}
