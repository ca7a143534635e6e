package org.dpi.upgrade.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dpi.upgrade.config.KnowledgeBase.Pair;
import org.dpi.upgrade.config.KnowledgeBase.Rule;
import org.dpi.upgrade.config.PropMigrator.ManualRow;
import org.dpi.upgrade.config.PropMigrator.Result;

/**
 * What the migration finds beyond prop_migrator, reported beside its outputs and never changing them.
 * {@link #beforeMigration} reads the files as checked out; {@link #afterMigration} looks at the
 * decisions and the rewritten latest files.
 */
final class Findings {

  enum Type {
    /** Real {@code .properties} semantics read a key or value differently from prop_migrator's line parse. */
    PARSE_DIFFERS,
    DUPLICATE_KEY,
    /** A value with leading or trailing whitespace: the config server does not trim it. */
    WHITESPACE,
    /** {@code *} in a config-server pull path: with the Java 21 config server it must be {@code application}. */
    STAR_PROFILE,
    /** A placeholder of the latest files that must be kept and given a value through the ConfigMap. */
    PLACEHOLDER,
    /** A knowledge-base row names a file that is not in the mapping: the rule never fires. */
    KB_UNKNOWN_FILE,
    MAPPING_FILE_MISSING,
    /** A {@code .properties} file of either version that the mapping does not name: prop_migrator ignores it. */
    UNMAPPED_FILE
  }

  record Finding(Type type, String side, String file, String key, String detail) {
    List<String> fields() {
      return List.of(type.name(), side, file, key, detail);
    }
  }

  static final List<String> HEADER = List.of("Finding", "Side", "File", "Key", "Detail");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)[^}]*}");
  private static final Pattern STAR_PATH = Pattern.compile("/\\*/");

  private Findings() { }

  /** Findings on the checked-out trees and the knowledge base, before anything is rewritten. */
  static List<Finding> beforeMigration(Path oldDir, Path latestDir, KnowledgeBase kb) {
    List<Finding> findings = new ArrayList<>();
    for (Pair pair : kb.mapping()) {
      parse(findings, "old", oldDir, pair.oldFile());
      parse(findings, "latest", latestDir, pair.latestFile());
    }
    unknownFiles(findings, kb);
    unmapped(findings, "old", oldDir, kb.oldFiles());
    unmapped(findings, "latest", latestDir, kb.latestFiles());
    return findings;
  }

  private static void parse(List<Finding> findings, String side, Path dir, String name) {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      return;
    }
    PropertyLines lines = PropertyLines.read(file);
    Map<String, String> semantic = lines.semantic();
    Map<String, List<Integer>> occurrences = new LinkedHashMap<>();
    lines.entries.forEach(e -> occurrences.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e.line()));
    occurrences.forEach((key, at) -> {
      if (at.size() > 1) {
        findings.add(new Finding(Type.DUPLICATE_KEY, side, name, key, "defined on lines " + at
            + "; the last one (line " + at.get(at.size() - 1) + ") wins"));
      }
    });
    lines.entries.stream().filter(e -> occurrences.get(e.key()).get(occurrences.get(e.key()).size() - 1) == e.line())
        .forEach(e -> {
          String real = semantic.get(e.key());
          if (real == null) {
            findings.add(new Finding(Type.PARSE_DIFFERS, side, name, e.key(), "line " + e.line()
                + ": prop_migrator reads this key, a .properties reader does not (continuation line, '!' comment,"
                + " or blanks around '=')"));
          } else if (!real.equals(e.value())) {
            findings.add(new Finding(Type.PARSE_DIFFERS, side, name, e.key(), "line " + e.line()
                + ": prop_migrator reads the value [" + e.value() + "], a .properties reader [" + real + "]"));
          }
        });
    semantic.forEach((key, value) -> {
      if (!lines.values.containsKey(key)) {
        findings.add(new Finding(Type.PARSE_DIFFERS, side, name, key, "a .properties reader sees this key with value ["
            + value + "]; prop_migrator does not see it (':' or blank separator, escapes, or blanks around '=')"));
      }
      if (!value.equals(PropertyLines.strip(value))) {
        findings.add(new Finding(Type.WHITESPACE, side, name, key, "the value [" + value
            + "] has leading or trailing whitespace, which the config server keeps"));
      }
    });
  }

  private static void unknownFiles(List<Finding> findings, KnowledgeBase kb) {
    Map<String, List<Rule>> lists = new LinkedHashMap<>();
    lists.put(KnowledgeBase.OLD_PRIORITY, kb.oldValueTakesPriority());
    lists.put(KnowledgeBase.LATEST_PRIORITY, kb.latestValueTakesPriority());
    lists.put(KnowledgeBase.DECENT_DEFAULT, kb.decentDefault());
    lists.put(KnowledgeBase.REMOVED, kb.intentionallyRemoved());
    lists.forEach((list, rules) -> {
      Set<String> known = list.equals(KnowledgeBase.REMOVED) ? kb.oldFiles() : kb.latestFiles();
      Map<String, Integer> unknown = new LinkedHashMap<>();
      rules.stream().filter(r -> !known.contains(r.file())).forEach(r -> unknown.merge(r.file(), 1, Integer::sum));
      unknown.forEach((file, count) -> findings.add(new Finding(Type.KB_UNKNOWN_FILE, "knowledge base", file, "",
          list + " has " + count + " row(s) for this file, which the mapping does not name: they never apply"
              + closest(file, known))));
    });
  }

  private static String closest(String name, Set<String> known) {
    return known.stream().filter(k -> distance(name, k) <= 3).findFirst().map(k -> " (did you mean " + k + "?)").orElse("");
  }

  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int[] current = new int[b.length() + 1];
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      previous = current;
    }
    return previous[b.length()];
  }

  private static void unmapped(List<Finding> findings, String side, Path dir, Set<String> mapped) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.filter(f -> f.toString().endsWith(".properties") && !f.startsWith(dir.resolve(".git")))
          .map(f -> dir.relativize(f).toString()).sorted().filter(f -> !mapped.contains(f))
          .forEach(f -> findings.add(new Finding(Type.UNMAPPED_FILE, side, f, "",
              "not in the file mapping: prop_migrator neither compares nor migrates it")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** Findings on prop_migrator's decisions and the rewritten latest files. */
  static List<Finding> afterMigration(Path oldDir, Path latestDir, KnowledgeBase kb, Result result) {
    List<Finding> findings = new ArrayList<>();
    result.missing().forEach(m -> findings.add(new Finding(Type.MAPPING_FILE_MISSING, m.oldMissing() ? "old" : "latest",
        m.oldMissing() ? m.pair().oldFile() : m.pair().latestFile(), "", missing(m))));
    for (var rewrite : result.rewrites()) {
      Set<String> lost = placeholders(rewrite.latestValue());
      lost.removeAll(placeholders(rewrite.value()));
      if (!lost.isEmpty()) {
        findings.add(new Finding(Type.PLACEHOLDER, "latest", rewrite.file(), rewrite.key(), "old-value-takes-priority"
            + " replaced [" + rewrite.latestValue() + "] by the old value, which drops the placeholder(s) " + lost));
      }
    }
    for (ManualRow row : result.manual()) {
      Set<String> dropped = placeholders(row.latestValue());
      dropped.removeAll(placeholders(row.oldValue()));
      if (row.action().equals(PropMigrator.UPDATE_IF_OLD_VALUE_TAKES_PRIORITY) && !dropped.isEmpty()) {
        findings.add(new Finding(Type.PLACEHOLDER, "latest", row.file(), row.key(), "keeping the old value would drop"
            + " the placeholder(s) " + dropped + " of the latest value; keep them and set them through the ConfigMap"));
      }
      if (!row.oldValue().isEmpty() && STAR_PATH.matcher(row.oldValue()).find()) {
        findings.add(new Finding(Type.STAR_PROFILE, "old", row.file(), row.key(), "keeping the old value brings back"
            + " '/*/': the Java 21 config server needs '/application/'"));
      }
    }
    Set<String> oldPlaceholders = new TreeSet<>();
    kb.mapping().forEach(p -> semantic(oldDir, p.oldFile()).values().forEach(v -> oldPlaceholders.addAll(placeholders(v))));
    for (String file : kb.latestFiles()) {
      semantic(latestDir, file).forEach((key, value) -> {
        if (STAR_PATH.matcher(value).find()) {
          findings.add(new Finding(Type.STAR_PROFILE, "latest", file, key, "the value [" + value + "] pulls with '/*/':"
              + " the Java 21 config server needs '/application/'"));
        }
        Set<String> introduced = placeholders(value);
        introduced.removeAll(oldPlaceholders);
        if (!introduced.isEmpty()) {
          findings.add(new Finding(Type.PLACEHOLDER, "latest", file, key, "new placeholder(s) " + introduced
              + ": keep them and provide their values through the ConfigMap"));
        }
      });
    }
    return findings;
  }

  private static String missing(PropMigrator.MissingFile m) {
    if (m.oldMissing() && m.latestMissing()) {
      return "neither " + m.pair().oldFile() + " (old) nor " + m.pair().latestFile() + " (latest) exists: the pair is skipped";
    }
    return m.oldMissing() ? "the old file is missing: every key of " + m.pair().latestFile() + " counts as latest only"
        : "the latest file " + m.pair().latestFile() + " is missing (prop_migrator stops with an error here):"
            + " every key of " + m.pair().oldFile() + " counts as old only";
  }

  private static Map<String, String> semantic(Path dir, String name) {
    Path file = dir.resolve(name);
    return Files.isRegularFile(file) ? PropertyLines.read(file).semantic() : Map.of();
  }

  static Set<String> placeholders(String value) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = PLACEHOLDER.matcher(value);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  static void write(Path file, List<Finding> findings) {
    Csv.write(file, HEADER, findings.stream().map(Finding::fields).toList());
  }
}
