package org.dpi.upgrade.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.dpi.upgrade.config.KnowledgeBase.Pair;
import org.dpi.upgrade.config.KnowledgeBase.Rule;
import org.dpi.upgrade.config.PropMigrator.ManualRow;
import org.dpi.upgrade.config.PropMigrator.Result;

/**
 * What the migration finds beyond prop_migrator, reported beside its outputs; a finding never changes
 * prop_migrator's decisions. Two kinds need a reviewer's decision and become rows of the review
 * ({@link Type#needsDecision()}): an {@code old-value-takes-priority} rule whose rewrite found no
 * line to rewrite, and a place of a file as it will be pushed that the config server refuses.
 * Details name lines and reasons, never values.
 */
final class Findings {

  enum Type {
    /** prop_migrator's line reading and the config server's reading see a key or value differently. */
    PARSE_DIFFERS,
    DUPLICATE_KEY,
    /** A value ending in blanks: the config server keeps them. */
    WHITESPACE,
    /** A malformed {@code \}uXXXX escape in an old file (not pushed; a value kept from it would be refused). */
    INVALID_ESCAPE,
    /** {@code *} in a config-server pull path: with the Java 21 config server it must be {@code application}. */
    STAR_PROFILE,
    /** A placeholder of the latest files that must be kept and given a value through the ConfigMap. */
    PLACEHOLDER,
    /** A knowledge-base row names a file that is not in the mapping: the rule never fires. */
    KB_UNKNOWN_FILE,
    MAPPING_FILE_MISSING,
    /** A {@code .properties} file of either version that the mapping does not name: prop_migrator ignores it. */
    UNMAPPED_FILE,
    /** An {@code old-value-takes-priority} rule fired but no line starts with exactly {@code key=}: the latest value stays. */
    OLD_VALUE_NOT_KEPT,
    /** A file as it will be pushed that the config server refuses (malformed escape) or reads ambiguously (conflicting duplicate). */
    REFUSED_BY_CONFIG_SERVER;

    boolean needsDecision() {
      return this == OLD_VALUE_NOT_KEPT || this == REFUSED_BY_CONFIG_SERVER;
    }
  }

  /** A finding; {@code lines} are 1-based line numbers in the file of {@code side} (empty when not about lines). */
  record Finding(Type type, String side, String file, String key, List<Integer> lines, String detail) {
    List<String> fields() {
      return List.of(type.name(), side, file, lines.isEmpty() ? "" : Adjudication.joinLines(lines), key, detail);
    }
  }

  static final List<String> HEADER = List.of("Finding", "Side", "File", "Lines", "Key", "Detail");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)[^}]*}");
  private static final String STAR_PATH = "/*/";

  private Findings() { }

  /** Findings on the two versions as fetched and on the knowledge base, before any rewrite. */
  static List<Finding> beforeMigration(ConfigVersion old, ConfigVersion latest, KnowledgeBase kb) {
    List<Finding> findings = new ArrayList<>();
    for (Pair pair : kb.mapping()) {
      parse(findings, old, pair.oldFile());
      parse(findings, latest, pair.latestFile());
    }
    unknownFiles(findings, kb);
    unmapped(findings, old, kb.oldFiles());
    unmapped(findings, latest, kb.latestFiles());
    return findings;
  }

  private static void parse(List<Finding> findings, ConfigVersion version, String name) {
    if (!version.exists(name)) {
      return;
    }
    String side = version.side;
    PropertyLines lines = version.lines(name);
    SpringProperties spring = version.spring(name);
    Map<String, String> real = spring.values();
    Map<String, List<Integer>> occurrences = new LinkedHashMap<>();
    lines.entries.forEach(e -> occurrences.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e.line()));
    occurrences.forEach((key, at) -> {
      if (at.size() > 1) {
        findings.add(new Finding(Type.DUPLICATE_KEY, side, name, key, at, "defined " + at.size()
            + " times; prop_migrator and the config server take the last one (line " + at.get(at.size() - 1) + ")"));
      }
    });
    for (PropertyLines.Entry e : lines.entries) {
      List<Integer> at = occurrences.get(e.key());
      if (at.get(at.size() - 1) != e.line()) {
        continue;
      }
      String value = real.get(e.key());
      if (value == null) {
        findings.add(new Finding(Type.PARSE_DIFFERS, side, name, e.key(), List.of(e.line()), "prop_migrator reads this"
            + " key, the config server does not (a continuation line or a '!' comment)"));
      } else if (!PropertyLines.strip(value).equals(e.value())) {
        findings.add(new Finding(Type.PARSE_DIFFERS, side, name, e.key(), List.of(e.line()), "prop_migrator and the"
            + " config server read different values (an escape, a continuation, or a ':' in the value)"));
      }
    }
    Set<String> reported = new LinkedHashSet<>();
    Set<String> blanks = new LinkedHashSet<>();
    for (SpringProperties.Entry e : spring.entries) {
      if (!lines.values.containsKey(e.key()) && reported.add(e.key())) {
        findings.add(new Finding(Type.PARSE_DIFFERS, side, name, e.key(), List.of(e.line()), "the config server reads"
            + " this key, prop_migrator does not (a ':' or blank separator, an escape, or a continuation)"));
      }
      if (!e.value().equals(e.value().stripTrailing()) && real.get(e.key()).equals(e.value()) && blanks.add(e.key())) {
        findings.add(new Finding(Type.WHITESPACE, side, name, e.key(), List.of(e.lastLine()), "the value ends with"
            + " blanks, which the config server keeps (prop_migrator strips them)"));
      }
    }
    if (side.equals("old")) {
      spring.problems.forEach(p -> findings.add(new Finding(Type.INVALID_ESCAPE, side, name, keyAt(spring, p.line()),
          List.of(p.line()), "column " + p.column() + ": " + p.reason() + "; a value kept from this line would be refused")));
    }
  }

  private static String keyAt(SpringProperties spring, int line) {
    return spring.entries.stream().filter(e -> e.line() <= line && line <= e.lastLine()).map(SpringProperties.Entry::key)
        .findFirst().orElse("");
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
      unknown.forEach((file, count) -> findings.add(new Finding(Type.KB_UNKNOWN_FILE, "knowledge base", file, "", List.of(),
          list + " has " + count + " row(s) for this file, which the mapping does not name: they never apply"
              + closest(file, known))));
    });
  }

  private static String closest(String name, Set<String> known) {
    return known.stream().filter(k -> distance(name, k) <= 3).findFirst().map(k -> " (did you mean " + k + "?)").orElse("");
  }

  static int distance(String a, String b) {
    int[] previous = IntStream.rangeClosed(0, b.length()).toArray();
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

  private static void unmapped(List<Finding> findings, ConfigVersion version, Set<String> mapped) {
    version.files().stream().filter(f -> !mapped.contains(f)).forEach(f -> findings.add(new Finding(Type.UNMAPPED_FILE,
        version.side, f, "", List.of(), "not in the file mapping: prop_migrator neither compares nor migrates it")));
  }

  /** Findings on prop_migrator's decisions and on the latest files as they will be pushed ({@code pushed}). */
  static List<Finding> afterMigration(ConfigVersion old, ConfigVersion pushed, KnowledgeBase kb, Result result) {
    List<Finding> findings = new ArrayList<>();
    result.missing().forEach(m -> findings.add(new Finding(Type.MAPPING_FILE_MISSING, m.oldMissing() ? "old" : "latest",
        m.oldMissing() ? m.pair().oldFile() : m.pair().latestFile(), "", List.of(), missing(m))));
    for (PropMigrator.Rewrite rewrite : result.rewrites()) {
      if (rewrite.lines() == 0) {
        List<Integer> at = pushed.lines(rewrite.file()).entries.stream().filter(e -> e.key().equals(rewrite.key()))
            .map(PropertyLines.Entry::line).toList();
        findings.add(new Finding(Type.OLD_VALUE_NOT_KEPT, "latest", rewrite.file(), rewrite.key(), at,
            "old-value-takes-priority names this key, but no line starts with exactly '" + rewrite.key() + "=' (blanks"
                + " around '='?): prop_migrator keeps the latest value; decide it in the review"));
        continue;
      }
      Set<String> lost = placeholders(rewrite.latestValue());
      lost.removeAll(placeholders(rewrite.value()));
      if (!lost.isEmpty()) {
        findings.add(new Finding(Type.PLACEHOLDER, "latest", rewrite.file(), rewrite.key(), List.of(),
            "old-value-takes-priority replaced the latest value by the old value, which drops the placeholder(s) " + lost));
      }
    }
    for (ManualRow row : result.manual()) {
      Set<String> dropped = placeholders(row.latestValue());
      dropped.removeAll(placeholders(row.oldValue()));
      if (row.action().equals(PropMigrator.UPDATE_IF_OLD_VALUE_TAKES_PRIORITY) && !dropped.isEmpty()) {
        findings.add(new Finding(Type.PLACEHOLDER, "latest", row.file(), row.key(), List.of(), "keeping the old value would"
            + " drop the placeholder(s) " + dropped + " of the latest value; keep them and set them through the ConfigMap"));
      }
      if (!row.oldValue().isEmpty() && row.oldValue().contains(STAR_PATH)) {
        findings.add(new Finding(Type.STAR_PROFILE, "old", row.file(), row.key(), List.of(), "keeping the old value brings"
            + " back '/*/': the Java 21 config server needs '/application/'"));
      }
    }
    Set<String> oldPlaceholders = new TreeSet<>();
    kb.mapping().stream().filter(p -> old.exists(p.oldFile()))
        .forEach(p -> old.spring(p.oldFile()).values().values().forEach(v -> oldPlaceholders.addAll(placeholders(v))));
    for (String file : kb.latestFiles()) {
      if (!pushed.exists(file)) {
        continue;
      }
      for (SpringProperties.Entry e : pushed.spring(file).entries) {
        if (e.value().contains(STAR_PATH)) {
          findings.add(new Finding(Type.STAR_PROFILE, "latest", file, e.key(), List.of(e.line()), "the value pulls with"
              + " '/*/': the Java 21 config server needs '/application/'"));
        }
        Set<String> introduced = placeholders(e.value());
        introduced.removeAll(oldPlaceholders);
        if (!introduced.isEmpty()) {
          findings.add(new Finding(Type.PLACEHOLDER, "latest", file, e.key(), List.of(e.line()), "new placeholder(s) "
              + introduced + ": keep them and provide their values through the ConfigMap"));
        }
      }
    }
    findings.addAll(refused(pushed));
    return findings;
  }

  /** Every place of the {@code .properties} files of {@code version} that the config server refuses or reads ambiguously. */
  static List<Finding> refused(ConfigVersion version) {
    List<Finding> findings = new ArrayList<>();
    for (String file : version.files()) {
      SpringProperties spring = version.spring(file);
      spring.problems.forEach(p -> findings.add(new Finding(Type.REFUSED_BY_CONFIG_SERVER, version.side, file,
          keyAt(spring, p.line()), lines(spring, p.line()), "line " + p.line() + ", column " + p.column() + ": "
              + p.reason())));
      spring.conflicts().forEach(c -> findings.add(new Finding(Type.REFUSED_BY_CONFIG_SERVER, version.side, file,
          c.key(), c.entries().stream().flatMap(e -> IntStream.rangeClosed(e.line(), e.lastLine()).boxed()).toList(),
          "defined " + c.entries().size() + " times with different values (lines " + c.entries().stream()
              .map(e -> String.valueOf(e.line())).toList() + "): the config server silently takes the last one")));
    }
    return findings;
  }

  /** The lines of the entry holding {@code line} (all of a continued value), or just {@code line}. */
  private static List<Integer> lines(SpringProperties spring, int line) {
    return spring.entries.stream().filter(e -> e.line() <= line && line <= e.lastLine()).findFirst()
        .map(e -> IntStream.rangeClosed(e.line(), e.lastLine()).boxed().toList()).orElse(List.of(line));
  }

  private static String missing(PropMigrator.MissingFile m) {
    if (m.oldMissing() && m.latestMissing()) {
      return "neither " + m.pair().oldFile() + " (old) nor " + m.pair().latestFile() + " (latest) exists: the pair is skipped";
    }
    return m.oldMissing() ? "the old file is missing: every key of " + m.pair().latestFile() + " counts as latest only"
        : "the latest file " + m.pair().latestFile() + " is missing (prop_migrator stops with an error here):"
            + " every key of " + m.pair().oldFile() + " counts as old only";
  }

  static Set<String> placeholders(String value) {
    Set<String> names = new LinkedHashSet<>();
    if (!value.contains("${")) {
      return names;
    }
    Matcher m = PLACEHOLDER.matcher(value);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  static void write(java.nio.file.Path file, List<Finding> findings) {
    Csv.write(file, HEADER, findings.stream().map(Finding::fields).toList());
  }
}
