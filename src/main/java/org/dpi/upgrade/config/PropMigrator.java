package org.dpi.upgrade.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dpi.upgrade.config.KnowledgeBase.Pair;
import org.dpi.upgrade.config.KnowledgeBase.Rule;

/**
 * prop_migrator's decisions, reproduced exactly (the released {@code file_comparator.py} and
 * {@code file_updater.py}): the three diff CSVs, the rewrite of the latest files for
 * {@code old-value-takes-priority} keys, and the rows of {@code manual-configuration.csv}. Only the row
 * order, which prop_migrator takes from Python sets, is made deterministic (file order).
 */
final class PropMigrator {

  static final String UPDATE_IF_OLD_VALUE_TAKES_PRIORITY = "update-if-old-value-takes-priority";
  static final String COPY_PROPERTY_IF_REQUIRED = "copy-property-if-required-in-lts";
  static final String UPDATE_IF_VALUE_NEEDS_CHANGE = "update-if-value-needs-change";

  static final List<String> DIFFERENT_HEADER = List.of("Old Property File", "Latest Property File", "Key", "Old Value", "Latest Value");
  static final List<String> OLD_ONLY_HEADER = List.of("Old Property File", "Key", "Old Value");
  static final List<String> LATEST_ONLY_HEADER = List.of("Latest Property File", "Key", "Latest Value");
  static final List<String> MANUAL_HEADER = List.of("Property file name", "Key", "Old Value", "Latest Value",
      "Property Category", "Configuration Action");

  record Different(String oldFile, String latestFile, String key, String oldValue, String latestValue) { }

  /** A key of one side only: the file of that side, the key, its value. */
  record OneSide(String file, String key, String value) { }

  record ManualRow(String file, String key, String oldValue, String latestValue, String category, String action) {
    List<String> fields() {
      return List.of(file, key, oldValue, latestValue, category, action);
    }
  }

  /**
   * An {@code old-value-takes-priority} rule that fired: in {@code file}, the lines {@code key=...}
   * became {@code key=value}; {@code lines} is how many (0 when no line starts with exactly
   * {@code key=}, e.g. {@code key = v}: prop_migrator then keeps the latest value without a word).
   */
  record Rewrite(String file, String key, String latestValue, String value, int lines) { }

  /** A mapping pair whose file is missing on one or both sides. */
  record MissingFile(Pair pair, boolean oldMissing, boolean latestMissing) { }

  /** What prop_migrator decided; {@code rewritten} holds the new text of each latest file it rewrote. */
  record Result(List<Different> different, List<OneSide> oldOnly, List<OneSide> latestOnly, List<Rewrite> rewrites,
      List<ManualRow> manual, List<MissingFile> missing, Map<String, String> rewritten) {

    void write(Path outputDir) {
      Csv.write(outputDir.resolve("output/different_properties.csv"), DIFFERENT_HEADER, different.stream()
          .map(d -> List.of(d.oldFile(), d.latestFile(), d.key(), d.oldValue(), d.latestValue())).toList());
      Csv.write(outputDir.resolve("output/old_file_only.csv"), OLD_ONLY_HEADER, oneSide(oldOnly));
      Csv.write(outputDir.resolve("output/latest_file_only.csv"), LATEST_ONLY_HEADER, oneSide(latestOnly));
      Csv.write(outputDir.resolve("manual-configuration.csv"), MANUAL_HEADER, manual.stream().map(ManualRow::fields).toList());
    }

    private static List<List<String>> oneSide(List<OneSide> rows) {
      return rows.stream().map(r -> List.of(r.file(), r.key(), r.value())).toList();
    }
  }

  private PropMigrator() { }

  /** Compares the two versions; the rewritten latest files are in the result, the versions stay as they are. */
  static Result run(ConfigVersion oldVersion, ConfigVersion latestVersion, KnowledgeBase kb) {
    List<Different> different = new ArrayList<>();
    List<OneSide> oldOnly = new ArrayList<>();
    List<OneSide> latestOnly = new ArrayList<>();
    List<MissingFile> missing = new ArrayList<>();
    for (Pair pair : kb.mapping()) {
      boolean oldExists = oldVersion.exists(pair.oldFile());
      boolean latestExists = latestVersion.exists(pair.latestFile());
      if (!oldExists || !latestExists) {
        missing.add(new MissingFile(pair, !oldExists, !latestExists));
      }
      Map<String, String> old = oldExists ? oldVersion.lines(pair.oldFile()).values : Map.of();
      Map<String, String> latest = latestExists ? latestVersion.lines(pair.latestFile()).values : Map.of();
      if (!oldExists && !latestExists) {
        continue;
      }
      latest.forEach((key, value) -> {
        if (!old.containsKey(key)) {
          latestOnly.add(new OneSide(pair.latestFile(), key, value));
        } else if (!old.get(key).equals(value)) {
          different.add(new Different(pair.oldFile(), pair.latestFile(), key, old.get(key), value));
        }
      });
      // prop_migrator stops with an error when only the latest file is missing; here its keys are "old only"
      old.forEach((key, value) -> {
        if (!latest.containsKey(key)) {
          oldOnly.add(new OneSide(pair.oldFile(), key, value));
        }
      });
    }
    Map<String, String> rewritten = new LinkedHashMap<>();
    List<Rewrite> rewrites = rewrite(latestVersion, kb, different, rewritten);
    return new Result(different, oldOnly, latestOnly, rewrites, manual(kb, different, oldOnly, latestOnly), missing,
        rewritten);
  }

  /**
   * Each rule once, however often the knowledge base lists it (prop_migrator rewrites the same line
   * again); the rules of one file are applied in one pass over its lines.
   */
  private static List<Rewrite> rewrite(ConfigVersion latestVersion, KnowledgeBase kb, List<Different> different,
      Map<String, String> rewritten) {
    Map<Rule, Different> changed = new HashMap<>();
    different.forEach(d -> changed.put(new Rule(d.latestFile(), d.key()), d));
    Map<String, Map<String, String>> byFile = new LinkedHashMap<>();
    List<Different> fired = new ArrayList<>();
    for (Rule rule : new LinkedHashSet<>(kb.oldValueTakesPriority())) {
      Different d = changed.get(rule);
      if (d != null && latestVersion.exists(rule.file())) {
        byFile.computeIfAbsent(rule.file(), f -> new LinkedHashMap<>()).put(d.key(), d.oldValue());
        fired.add(d);
      }
    }
    Map<String, Integer> counts = new HashMap<>();
    byFile.forEach((file, values) -> {
      Map<String, Integer> lines = new HashMap<>();
      rewritten.put(file, setValues(latestVersion.text(file), values, lines));
      lines.forEach((key, n) -> counts.put(file + "\n" + key, n));
    });
    return fired.stream().map(d -> new Rewrite(d.latestFile(), d.key(), d.latestValue(), d.oldValue(),
        counts.getOrDefault(d.latestFile() + "\n" + d.key(), 0))).toList();
  }

  /**
   * prop_migrator's in-place rewrite: every line that, stripped, starts with {@code key=} becomes
   * {@code key=value} followed by a newline; as the file is rewritten in Python's text mode, every
   * line ending becomes {@code \n}.
   */
  static String setValue(String text, String key, String value) {
    return setValues(text, Map.of(key, value), new HashMap<>());
  }

  /**
   * {@link #setValue} for several keys in one pass; {@code count} receives, per key, how many lines were
   * rewritten. A stripped line starts with {@code key=} exactly when its part before the first {@code =}
   * is the key (a key never holds {@code =}).
   */
  static String setValues(String text, Map<String, String> values, Map<String, Integer> count) {
    List<String> lines = PropertyLines.splitLines(text);
    boolean lastTerminated = text.endsWith("\n") || text.endsWith("\r");
    StringBuilder out = new StringBuilder(text.length() + 64);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String stripped = PropertyLines.strip(line);
      int eq = stripped.indexOf('=');
      String key = eq < 0 ? null : stripped.substring(0, eq);
      if (key != null && values.containsKey(key)) {
        out.append(key).append('=').append(values.get(key)).append('\n');
        count.merge(key, 1, Integer::sum);
      } else {
        out.append(line);
        if (i < lines.size() - 1 || lastTerminated) {
          out.append('\n');
        }
      }
    }
    return out.toString();
  }

  private static List<ManualRow> manual(KnowledgeBase kb, List<Different> different, List<OneSide> oldOnly,
      List<OneSide> latestOnly) {
    Set<Rule> decided = new HashSet<>(kb.oldValueTakesPriority());
    decided.addAll(kb.latestValueTakesPriority());
    List<ManualRow> rows = new ArrayList<>();
    for (Different d : different) {
      Rule combination = new Rule(d.latestFile(), d.key());
      if (!decided.contains(combination)) {
        rows.add(new ManualRow(d.latestFile(), d.key(), d.oldValue(), d.latestValue(), category(kb, combination),
            UPDATE_IF_OLD_VALUE_TAKES_PRIORITY));
      }
    }
    unresolved(oldOnly, kb.intentionallyRemoved()).forEach((rule, r) -> rows.add(new ManualRow(r.file(), r.key(),
        r.value(), "", category(kb, rule), COPY_PROPERTY_IF_REQUIRED)));
    unresolved(latestOnly, kb.decentDefault()).forEach((rule, r) -> rows.add(new ManualRow(r.file(), r.key(), "",
        r.value(), category(kb, rule), UPDATE_IF_VALUE_NEEDS_CHANGE)));
    return rows;
  }

  /** One-sided keys not covered by {@code known}: each (file, key) once, with its first row's value. */
  private static Map<Rule, OneSide> unresolved(List<OneSide> rows, List<Rule> known) {
    Set<Rule> covered = new HashSet<>(known);
    Set<Rule> seen = new LinkedHashSet<>();
    Map<Rule, OneSide> result = new LinkedHashMap<>();
    for (OneSide r : rows) {
      Rule rule = new Rule(r.file(), r.key());
      if (!covered.contains(rule) && seen.add(rule)) {
        result.put(rule, r);
      }
    }
    return result;
  }

  private static String category(KnowledgeBase kb, Rule rule) {
    return kb.categories().getOrDefault(rule, "N/A");
  }
}
