package org.dpi.upgrade.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpi.upgrade.config.PropMigrator.ManualRow;

/**
 * The reviewer's decisions on the rows of {@code manual-configuration.csv}. Decisions are text, one
 * per line, for a whole group (a file and an action) or for one row, a row decision overriding its
 * group's:
 * <pre>
 * app-default.properties | update-if-old-value-takes-priority = take-latest
 * row 12 = keep-old
 * row 13 = enter-value: jdbc:postgresql://postgres:5432/mosip_master
 * row 14 = skip: not used in this country
 * </pre>
 * Every row needs a decision; {@code enter-value} needs a value, {@code skip} a reason, and
 * {@code keep-old} is meaningless for a key the old version did not have.
 */
final class Adjudication {

  static final String KEEP_OLD = "keep-old";
  static final String TAKE_LATEST = "take-latest";
  static final String ENTER_VALUE = "enter-value";
  static final String SKIP = "skip";
  static final List<String> DECISIONS = List.of(KEEP_OLD, TAKE_LATEST, ENTER_VALUE, SKIP);
  static final String UNDECIDED = "?";

  /** A row of manual-configuration.csv with its 1-based number among the data rows. */
  record Row(int number, ManualRow row) {
    String group() {
      return Adjudication.group(row.file(), row.action());
    }
  }

  record Decision(String target, String decision, String text) { }

  /** A row with the decision that applies to it. */
  record Decided(Row row, Decision decision) { }

  final List<Row> rows;

  Adjudication(List<ManualRow> manual) {
    List<Row> numbered = new ArrayList<>();
    for (int i = 0; i < manual.size(); i++) {
      numbered.add(new Row(i + 1, manual.get(i)));
    }
    this.rows = numbered;
  }

  static Adjudication read(Path manualCsv) {
    List<List<String>> table = Csv.read(manualCsv);
    return new Adjudication(table.subList(1, table.size()).stream()
        .map(r -> new ManualRow(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5))).toList());
  }

  static String group(String file, String action) {
    return file + " | " + action;
  }

  Map<String, List<Row>> groups() {
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    rows.forEach(r -> groups.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r));
    return groups;
  }

  /** The decisions text the reviewer starts from: one undecided line per group. */
  String template() {
    StringBuilder out = new StringBuilder();
    groups().forEach((group, members) -> out.append(group).append(" = ").append(UNDECIDED).append('\n'));
    return out.toString();
  }

  /** The groups with their size and row numbers, for the form. */
  String overview() {
    StringBuilder out = new StringBuilder();
    groups().forEach((group, members) -> out.append(group).append(": ").append(members.size()).append(" row(s), rows ")
        .append(ranges(members)).append('\n'));
    return out.toString();
  }

  private static String ranges(List<Row> members) {
    List<String> parts = new ArrayList<>();
    int start = members.get(0).number();
    int previous = start;
    for (Row r : members.subList(1, members.size())) {
      if (r.number() != previous + 1) {
        parts.add(start == previous ? "" + start : start + "-" + previous);
        start = r.number();
      }
      previous = r.number();
    }
    parts.add(start == previous ? "" + start : start + "-" + previous);
    return String.join(", ", parts);
  }

  /** One page of a group (or of all rows when {@code group} is null), with old and latest values. */
  String page(String group, int page, int size) {
    List<Row> selected = group == null ? rows : groups().getOrDefault(group, List.of());
    int from = Math.min(page * size, selected.size());
    int to = Math.min(from + size, selected.size());
    List<List<String>> lines = selected.subList(from, to).stream().map(r -> List.of("row " + r.number(), r.row().file(),
        r.row().key(), r.row().oldValue(), r.row().latestValue(), r.row().category(), r.row().action())).toList();
    return Csv.format(List.of("Row", "Property file name", "Key", "Old Value", "Latest Value", "Property Category",
        "Configuration Action"), lines);
  }

  /** The decision of every row; rejects incomplete or invalid decisions with one message listing every problem. */
  List<Decided> decide(String text) {
    List<String> problems = new ArrayList<>();
    Map<String, Decision> byTarget = new LinkedHashMap<>();
    Map<String, List<Row>> groups = groups();
    String[] lines = text == null ? new String[0] : text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("//")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        problems.add("line " + (i + 1) + " has no '=': write '<group or row N> = <decision>'");
        continue;
      }
      String target = line.substring(0, eq).strip();
      String rest = line.substring(eq + 1).strip();
      int colon = rest.indexOf(':');
      Decision decision = new Decision(target, (colon < 0 ? rest : rest.substring(0, colon)).strip(),
          colon < 0 ? "" : rest.substring(colon + 1).strip());
      if (!groups.containsKey(target) && row(target) == null) {
        problems.add("line " + (i + 1) + ": '" + target + "' is neither a group nor a row number (row 1 to row " + rows.size() + ")");
      } else if (byTarget.put(target, decision) != null) {
        problems.add("'" + target + "' is decided twice");
      }
    }
    List<Decided> decided = new ArrayList<>();
    List<String> undecided = new ArrayList<>();
    for (Row r : rows) {
      Decision d = byTarget.getOrDefault("row " + r.number(), byTarget.get(r.group()));
      if (d == null || d.decision().equals(UNDECIDED)) {
        undecided.add("row " + r.number() + " (" + r.row().file() + " " + r.row().key() + ")");
      } else if (!DECISIONS.contains(d.decision())) {
        problems.add("'" + d.target() + "': '" + d.decision() + "' is not one of " + DECISIONS);
      } else if (d.decision().equals(ENTER_VALUE) && d.text().isEmpty()) {
        problems.add("'" + d.target() + "': enter-value needs the value after ':'");
      } else if (d.decision().equals(SKIP) && d.text().isEmpty()) {
        problems.add("'" + d.target() + "': skip needs a reason after ':'");
      } else if (d.decision().equals(KEEP_OLD) && r.row().action().equals(PropMigrator.UPDATE_IF_VALUE_NEEDS_CHANGE)) {
        problems.add("row " + r.number() + ": keep-old is impossible, " + r.row().key() + " is new in the latest version");
      } else {
        decided.add(new Decided(r, d));
      }
    }
    if (!undecided.isEmpty()) {
      problems.add(0, undecided.size() + " of " + rows.size() + " rows have no decision, e.g. "
          + String.join(", ", undecided.subList(0, Math.min(5, undecided.size()))));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("The adjudication is incomplete: " + String.join("; ", problems.stream().distinct().toList()));
    }
    return decided;
  }

  private Row row(String target) {
    if (!target.matches("row [0-9]{1,9}")) {
      return null;
    }
    int n = Integer.parseInt(target.substring(4));
    return n >= 1 && n <= rows.size() ? rows.get(n - 1) : null;
  }

  /**
   * Writes the decisions into the latest files under {@code dir}: a value is set on the lines
   * {@code key=...} (as prop_migrator rewrites), or appended when the key was only in the old version.
   * Returns one line per change, for the commit message.
   */
  static List<String> apply(List<Decided> decisions, Path dir, Map<String, String> latestFileOfOld) {
    List<String> changes = new ArrayList<>();
    for (Decided d : decisions) {
      ManualRow row = d.row().row();
      String decision = d.decision().decision();
      if (decision.equals(TAKE_LATEST) || decision.equals(SKIP)) {
        changes.add(row.file() + " " + row.key() + ": " + decision + (decision.equals(SKIP) ? " (" + d.decision().text() + ")" : ""));
        continue;
      }
      String value = decision.equals(KEEP_OLD) ? row.oldValue() : d.decision().text();
      boolean copied = row.action().equals(PropMigrator.COPY_PROPERTY_IF_REQUIRED);
      String file = copied ? latestFileOfOld.getOrDefault(row.file(), row.file()) : row.file();
      Path path = dir.resolve(file);
      try {
        String text = Files.isRegularFile(path) ? PropertyLines.readUtf8(path) : "";
        String updated = copied ? append(text, row.key(), value) : PropMigrator.setValue(text, row.key(), value);
        Files.createDirectories(path.getParent());
        Files.writeString(path, updated, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + path, e);
      }
      changes.add(file + " " + row.key() + ": " + decision + (copied ? " (added)" : ""));
    }
    return changes;
  }

  private static String append(String text, String key, String value) {
    String separator = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
    return text + separator + key + "=" + value + "\n";
  }
}
