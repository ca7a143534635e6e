package org.dpi.upgrade.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * MOSIP's upgrade.csv (no header; rows {@code db_name,from_version,to_version,action}) with its
 * scripts {@code <scriptsRoot>/<db_name>/sql/<FROM>_to_<TO>_<action>.sql}, validated as a whole
 * before anything runs.
 */
public final class UpgradeCsv {

  static final Set<String> ACTIONS = Set.of("upgrade", "rollback");
  private static final Pattern DATABASE = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._-]*");

  /** One row; {@code line} is its line number in the file ("CSV row" in messages). */
  public record Row(int line, String database, String from, String to, String action) {
    Path script(Path root) {
      return file(root, action);
    }

    /** The rollback script of an upgrade row: named after the forward pair. */
    Path rollbackScript(Path root) {
      return file(root, "rollback");
    }

    private Path file(Path root, String kind) {
      return root.resolve(database).resolve("sql").resolve(from + "_to_" + to + "_" + kind + ".sql");
    }

    String key() {
      return database + " " + from + " -> " + to;
    }
  }

  private final List<Row> rows;
  private final Path scriptsRoot;

  private UpgradeCsv(List<Row> rows, Path scriptsRoot) {
    this.rows = List.copyOf(rows);
    this.scriptsRoot = scriptsRoot;
  }

  public List<Row> rows() {
    return rows;
  }

  public Path scriptsRoot() {
    return scriptsRoot;
  }

  public Set<String> databases() {
    Set<String> databases = new java.util.LinkedHashSet<>();
    rows.forEach(r -> databases.add(r.database()));
    return databases;
  }

  /**
   * Reads and validates: syntax, known actions, contiguous chains per database, no duplicates,
   * every script present (for upgrade rows also the rollback script the undo needs), every database
   * among {@code planned} (the databases that were backed up).
   */
  public static UpgradeCsv load(Path csv, Path scriptsRoot, Collection<String> planned) {
    List<String> problems = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    if (csv == null || !Files.isRegularFile(csv)) {
      problems.add("upgrade.csv not found: " + csv);
    } else {
      try {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
          parse(i + 1, lines.get(i), rows, problems);
        }
      } catch (IOException e) {
        problems.add("upgrade.csv cannot be read: " + e.getMessage());
      }
      if (rows.isEmpty() && problems.isEmpty()) {
        problems.add("upgrade.csv has no rows");
      }
    }
    if (scriptsRoot == null || !Files.isDirectory(scriptsRoot)) {
      problems.add("scripts root is not a directory: " + scriptsRoot);
    } else {
      checkFiles(rows, scriptsRoot, problems);
    }
    checkRows(rows, planned, problems);
    if (!problems.isEmpty()) {
      throw new InvalidUpgradeCsvException(csv, problems);
    }
    return new UpgradeCsv(rows, scriptsRoot);
  }

  private static void parse(int line, String text, List<Row> rows, List<String> problems) {
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      return;
    }
    String[] fields = trimmed.split(",", -1);
    if (fields.length != 4) {
      problems.add(row(line) + ": expected 4 fields (db_name,from_version,to_version,action), found " + fields.length);
      return;
    }
    String database = fields[0].strip();
    String from = fields[1].strip();
    String to = fields[2].strip();
    String action = fields[3].strip();
    List<String> wrong = new ArrayList<>();
    if (!DATABASE.matcher(database).matches()) {
      wrong.add("column 1 (db_name): not a lower-case identifier");
    }
    if (!VERSION.matcher(from).matches()) {
      wrong.add("column 2 (from_version): empty or not a version (letters, digits, '.', '_', '-')");
    }
    if (!VERSION.matcher(to).matches()) {
      wrong.add("column 3 (to_version): empty or not a version (letters, digits, '.', '_', '-')");
    }
    if (wrong.isEmpty() && from.equals(to)) {
      wrong.add("columns 2 and 3: from_version and to_version are the same");
    }
    if (!ACTIONS.contains(action)) {
      wrong.add("column 4 (action): neither upgrade nor rollback");
    }
    if (wrong.isEmpty()) {
      rows.add(new Row(line, database, from, to, action));
    } else {
      wrong.forEach(w -> problems.add(row(line) + ", " + w));
    }
  }

  /** How messages name a row: its line number in upgrade.csv. */
  static String row(int line) {
    return "CSV row " + line;
  }

  private static void checkFiles(List<Row> rows, Path root, List<String> problems) {
    for (Row row : rows) {
      if (!Files.isRegularFile(row.script(root))) {
        problems.add(row(row.line()) + ": script missing: " + root.relativize(row.script(root)));
      }
      if (row.action().equals("upgrade") && !Files.isRegularFile(row.rollbackScript(root))) {
        problems.add(row(row.line()) + ": rollback script missing (needed to undo it): " + root.relativize(row.rollbackScript(root)));
      }
    }
  }

  /** Duplicates, one action per database, chains without gaps, databases of the plan. */
  private static void checkRows(List<Row> rows, Collection<String> planned, List<String> problems) {
    Map<String, Row> seen = new HashMap<>();
    Map<String, Row> last = new HashMap<>();
    for (Row row : rows) {
      Row same = seen.putIfAbsent(row.key() + " " + row.action(), row);
      if (same != null) {
        problems.add(row(row.line()) + ": duplicate of " + row(same.line()));
        continue;
      }
      Row previous = last.put(row.database(), row);
      if (previous == null) {
        if (planned != null && !planned.isEmpty() && !planned.contains(row.database())) {
          problems.add(row(row.line()) + ", column 1 (db_name): not among the plan's postgres.databases, so it has no backup");
        }
        continue;
      }
      if (!previous.action().equals(row.action())) {
        problems.add(row(row.line()) + ": mixes upgrade and rollback rows of one database (" + row(previous.line()) + ")");
      } else if (row.action().equals("upgrade") && !row.from().equals(previous.to())) {
        problems.add(row(row.line()) + ", column 2 (from_version): not the to_version of " + row(previous.line())
            + ", the previous row of the same database: the chain has a gap");
      } else if (row.action().equals("rollback") && !row.to().equals(previous.from())) {
        problems.add(row(row.line()) + ", column 3 (to_version): not the from_version of " + row(previous.line())
            + ", the previous rollback row of the same database: the chain has a gap");
      }
    }
  }
}
