package org.dpi.upgrade.config;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dpi.upgrade.config.Findings.Finding;
import org.dpi.upgrade.config.PropMigrator.ManualRow;

/**
 * The review of a migration: one row per line of {@code manual-configuration.csv}, then one per
 * finding that needs a decision (an {@code old-value-takes-priority} rule that rewrote nothing, a place
 * the config server refuses), each with the decisions it allows. Rows are identified by action, file
 * and key, so a decision survives a re-run of the migration that leaves its row in place.
 */
public final class Adjudication {

  /** Action of a row made from an {@link Findings.Type#OLD_VALUE_NOT_KEPT} finding. */
  public static final String OLD_VALUE_NOT_KEPT = "old-value-not-kept";
  /** Action of a row made from a {@link Findings.Type#REFUSED_BY_CONFIG_SERVER} finding. */
  public static final String REFUSED = "refused-by-config-server";

  public static final String KEEP_OLD = "keep-old";
  public static final String TAKE_LATEST = "take-latest";
  public static final String ENTER_VALUE = "enter-value";
  public static final String SKIP = "skip";
  /** Push a refused place as it is (a reviewer's explicit acceptance, with a reason). */
  public static final String ACCEPT = "accept";

  static final List<String> HEADER = List.of("Row", "Property file name", "Key", "Old Value", "Latest Value",
      "Property Category", "Configuration Action", "Lines");
  static final int MAX_TEXT = 2000;

  /** A row to decide; {@code lines} (finding rows only) are the lines it concerns in the file as migrated. */
  public record Row(int number, String file, String key, String oldValue, String latestValue, String category,
      String action, List<Integer> lines) {

    public String id() {
      return action + "|" + file + "|" + key;
    }

    /** The decisions this row allows. */
    public List<String> allowed() {
      return switch (action) {
        case REFUSED -> List.of(ENTER_VALUE, ACCEPT);
        case PropMigrator.UPDATE_IF_VALUE_NEEDS_CHANGE -> List.of(TAKE_LATEST, ENTER_VALUE, SKIP);
        default -> List.of(KEEP_OLD, TAKE_LATEST, ENTER_VALUE, SKIP);
      };
    }

    List<String> fields() {
      return List.of(String.valueOf(number), file, key, oldValue, latestValue, category, action, joinLines(lines));
    }
  }

  /** A reviewer's decision on a row: {@code text} is the value of enter-value or the reason of skip/accept. */
  public record Decision(String decision, String text, String user, Instant at) { }

  /** A row with its decision. */
  record Decided(Row row, Decision decision) { }

  final List<Row> rows;
  private final Map<String, Row> byId = new LinkedHashMap<>();

  Adjudication(List<Row> rows) {
    this.rows = List.copyOf(rows);
    rows.forEach(r -> byId.put(r.id(), r));
  }

  /** The rows of a migration: prop_migrator's manual rows in their order, then the findings that need a decision. */
  static Adjudication of(List<ManualRow> manual, List<Finding> findings) {
    List<Row> rows = new ArrayList<>();
    for (ManualRow m : manual) {
      rows.add(new Row(rows.size() + 1, m.file(), m.key(), m.oldValue(), m.latestValue(), m.category(), m.action(), List.of()));
    }
    Set<String> seen = new HashSet<>();
    rows.forEach(r -> seen.add(r.id()));
    for (Finding f : findings) {
      if (!f.type().needsDecision()) {
        continue;
      }
      String action = f.type() == Findings.Type.REFUSED_BY_CONFIG_SERVER ? REFUSED : OLD_VALUE_NOT_KEPT;
      Row row = new Row(rows.size() + 1, f.file(), f.key(), "", "", "N/A", action, f.lines());
      if (seen.add(row.id())) {
        rows.add(row);
      }
    }
    return new Adjudication(rows);
  }

  /** This review with each row's old and latest value filled in from prop_migrator's result (finding rows). */
  Adjudication withValues(PropMigrator.Result result, ConfigVersion migrated) {
    Map<String, PropMigrator.Rewrite> notKept = new LinkedHashMap<>();
    result.rewrites().forEach(r -> notKept.put(r.file() + "|" + r.key(), r));
    return new Adjudication(rows.stream().map(r -> switch (r.action()) {
      case OLD_VALUE_NOT_KEPT -> {
        PropMigrator.Rewrite rewrite = notKept.get(r.file() + "|" + r.key());
        yield new Row(r.number(), r.file(), r.key(), rewrite.value(), rewrite.latestValue(), r.category(), r.action(), r.lines());
      }
      case REFUSED -> new Row(r.number(), r.file(), r.key(), "", linesOf(migrated.text(r.file()), r.lines()), r.category(),
          r.action(), r.lines());
      default -> r;
    }).toList());
  }

  /** The text of the given lines, joined by line breaks (what a reviewer must see to fix a refused place). */
  private static String linesOf(String text, List<Integer> lines) {
    List<String> all = PropertyLines.splitLines(text);
    return String.join("\n", lines.stream().filter(n -> n <= all.size()).map(n -> all.get(n - 1)).toList());
  }

  static Adjudication read(Path csv) {
    List<List<String>> table = Csv.read(csv);
    return new Adjudication(table.subList(1, table.size()).stream().map(r -> new Row(Integer.parseInt(r.get(0)), r.get(1),
        r.get(2), r.get(3), r.get(4), r.get(5), r.get(6), parseLines(r.get(7)))).toList());
  }

  void write(Path csv) {
    Csv.write(csv, HEADER, rows.stream().map(Row::fields).toList());
  }

  static String joinLines(List<Integer> lines) {
    return String.join(" ", lines.stream().map(String::valueOf).toList());
  }

  private static List<Integer> parseLines(String text) {
    return text.isBlank() ? List.of() : Arrays.stream(text.trim().split(" ")).map(Integer::valueOf).toList();
  }

  Row row(String id) {
    return byId.get(id);
  }

  /**
   * Why {@code decision} (with {@code text}) is not valid for {@code row}, as one sentence naming the row
   * (never the text); null when it is valid.
   */
  static String problem(Row row, String decision, String text) {
    String name = "Row " + row.number() + " (" + row.file() + " " + row.key() + ")";
    if (!row.allowed().contains(decision)) {
      return name + " cannot be decided '" + decision + "': it allows " + String.join(", ", row.allowed()) + ".";
    }
    String t = text == null ? "" : text.strip();
    if (t.length() > MAX_TEXT || t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0) {
      return name + ": the value or reason must be one line of at most " + MAX_TEXT + " characters.";
    }
    switch (decision) {
      case ENTER_VALUE -> {
        if (t.isEmpty()) {
          return name + ": enter-value needs the value to write.";
        }
        return escapeProblem(name + ": the value entered", t);
      }
      case SKIP, ACCEPT -> {
        return t.isEmpty() ? name + ": " + decision + " needs a reason." : null;
      }
      case KEEP_OLD -> {
        return escapeProblem(name + ": the old value", row.oldValue());
      }
      default -> {
        return null;
      }
    }
  }

  private static String escapeProblem(String what, String value) {
    List<SpringProperties.Problem> problems = SpringProperties.parse("k=" + value).problems;
    return problems.isEmpty() ? null : what + " has a malformed \\uXXXX escape at character "
        + (problems.get(0).column() - 2) + ", which the config server refuses: enter a corrected value.";
  }

  /** How many rows {@code decisions} decides. */
  int decidedCount(Map<String, Decision> decisions) {
    return (int) rows.stream().filter(r -> decisions.containsKey(r.id())).count();
  }

  /** Every row with its decision; one sentence saying how many are missing when any is. */
  List<Decided> decided(Map<String, Decision> decisions) {
    int decided = decidedCount(decisions);
    if (decided < rows.size()) {
      throw new IllegalArgumentException(decided + " of " + rows.size() + " rows are decided: decide the other "
          + (rows.size() - decided) + " on the adjudication page first.");
    }
    return rows.stream().map(r -> new Decided(r, decisions.get(r.id()))).toList();
  }

  /**
   * Writes the decisions into {@code texts} (path to text of the files as migrated; changed in place, new
   * files added): key-based decisions as prop_migrator rewrites lines ({@code key=...}), or appended for a
   * key the latest version does not have; decisions on finding rows replace the lines the row names.
   * Returns one line per decision, for the commit message.
   */
  static List<String> apply(List<Decided> decisions, Map<String, String> texts, Map<String, String> latestFileOfOld) {
    List<String> changes = new ArrayList<>();
    Map<String, Map<String, String>> keyEdits = new LinkedHashMap<>();
    Map<String, Map<String, String>> appends = new LinkedHashMap<>();
    Map<String, List<Decided>> lineEdits = new LinkedHashMap<>();
    for (Decided d : decisions) {
      Row row = d.row();
      String decision = d.decision().decision();
      if (decision.equals(TAKE_LATEST) || decision.equals(SKIP) || decision.equals(ACCEPT)) {
        changes.add(row.file() + " " + row.key() + ": " + decision + (decision.equals(TAKE_LATEST) ? ""
            : " (" + d.decision().text() + ")") + " [" + d.decision().user() + "]");
      } else if (!row.lines().isEmpty()) {
        lineEdits.computeIfAbsent(row.file(), f -> new ArrayList<>()).add(d);
      } else {
        boolean copied = row.action().equals(PropMigrator.COPY_PROPERTY_IF_REQUIRED);
        String file = copied ? latestFileOfOld.getOrDefault(row.file(), row.file()) : row.file();
        (copied ? appends : keyEdits).computeIfAbsent(file, f -> new LinkedHashMap<>()).put(row.key(), value(d));
        changes.add(file + " " + row.key() + ": " + decision + (copied ? " (added)" : "") + " [" + d.decision().user() + "]");
      }
    }
    keyEdits.forEach((file, values) -> texts.put(file, PropMigrator.setValues(texts.getOrDefault(file, ""), values,
        new HashMap<>())));
    appends.forEach((file, values) -> {
      StringBuilder text = new StringBuilder(texts.getOrDefault(file, ""));
      if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
        text.append('\n');
      }
      values.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
      texts.put(file, text.toString());
    });
    lineEdits.forEach((file, edits) -> {
      // by original line number: the first line of a row becomes key=value, its other lines go
      Map<Integer, String> plan = new HashMap<>();
      for (Decided d : edits) {
        Row row = d.row();
        if (row.lines().stream().anyMatch(plan::containsKey)) {
          changes.add(file + " " + row.key() + ": " + d.decision().decision() + " not applied, another decision replaces"
              + " its lines [" + d.decision().user() + "]");
          continue;
        }
        row.lines().forEach(n -> plan.put(n, null));
        plan.put(row.lines().get(0), row.key() + "=" + value(d));
        changes.add(file + " " + row.key() + ": " + d.decision().decision() + " (lines " + joinLines(row.lines())
            + " replaced) [" + d.decision().user() + "]");
      }
      List<String> lines = PropertyLines.splitLines(texts.get(file));
      StringBuilder out = new StringBuilder();
      for (int n = 1; n <= lines.size(); n++) {
        String line = plan.containsKey(n) ? plan.get(n) : lines.get(n - 1);
        if (line != null) {
          out.append(line).append('\n');
        }
      }
      texts.put(file, out.toString());
    });
    return changes;
  }

  private static String value(Decided d) {
    return d.decision().decision().equals(KEEP_OLD) ? d.row().oldValue() : d.decision().text();
  }

  /** The rows as the CSV a reviewer exports, with each row's decision. */
  String export(Map<String, Decision> decisions) {
    List<String> header = new ArrayList<>(HEADER.subList(0, 7));
    header.addAll(List.of("Decision", "Value or Reason", "Decided By", "Decided At"));
    return Csv.format(header, rows.stream().map(r -> {
      List<String> fields = new ArrayList<>(r.fields().subList(0, 7));
      Decision d = decisions.get(r.id());
      fields.addAll(d == null ? List.of("", "", "", "") : List.of(d.decision(), d.text(), d.user(), d.at().toString()));
      return fields;
    }).toList());
  }

  /**
   * The decisions of an exported CSV filled in by a reviewer, by row id (rows matched by file, key and
   * action; a row with an empty Decision is left out); every problem, naming the CSV's row and column, in
   * one {@link IllegalArgumentException}.
   */
  Map<String, String[]> parseImport(String csv) {
    List<List<String>> table;
    try {
      table = Csv.parse(csv);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Nothing was imported: " + e.getMessage() + ".");
    }
    if (table.isEmpty()) {
      throw new IllegalArgumentException("The file is empty: import the CSV exported from this page, with the"
          + " Decision and Value or Reason columns filled in.");
    }
    List<String> header = table.get(0);
    Map<String, Integer> column = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String name : List.of("Property file name", "Key", "Configuration Action", "Decision", "Value or Reason")) {
      int index = header.indexOf(name);
      if (index < 0) {
        missing.add(name);
      }
      column.put(name, index);
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("The first row of the file lacks the column(s) " + String.join(", ", missing)
          + ": import the CSV exported from this page.");
    }
    Map<String, String[]> result = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = 1; i < table.size(); i++) {
      List<String> r = table.get(i);
      if (r.size() != header.size()) {
        problems.add("row " + (i + 1) + " has " + r.size() + " columns where the first row has " + header.size());
        continue;
      }
      String decision = r.get(column.get("Decision")).strip();
      if (decision.isEmpty()) {
        continue;
      }
      String id = r.get(column.get("Configuration Action")) + "|" + r.get(column.get("Property file name")) + "|"
          + r.get(column.get("Key"));
      Row row = byId.get(id);
      if (row == null) {
        problems.add("row " + (i + 1) + " names a file, key and action that this migration has no row for");
        continue;
      }
      String text = r.get(column.get("Value or Reason"));
      String problem = problem(row, decision, text);
      if (problem != null) {
        problems.add("row " + (i + 1) + ", column " + (column.get("Decision") + 1) + ": " + problem);
      } else if (result.put(id, new String[] {decision, text.strip()}) != null) {
        problems.add("row " + (i + 1) + " decides row " + row.number() + " a second time");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Nothing was imported: " + String.join("; ", problems.subList(0,
          Math.min(10, problems.size()))) + (problems.size() > 10 ? "; and " + (problems.size() - 10) + " more." : "."));
    }
    return result;
  }
}
