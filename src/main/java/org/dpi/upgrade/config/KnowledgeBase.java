package org.dpi.upgrade.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * prop_migrator's knowledge base and file mapping, read from one directory. File names and headers
 * are prop_migrator's; every problem is collected so that one error lists them all.
 */
record KnowledgeBase(List<Pair> mapping, List<Rule> oldValueTakesPriority, List<Rule> latestValueTakesPriority,
    List<Rule> intentionallyRemoved, List<Rule> decentDefault, Map<Rule, String> categories) {

  static final String MAPPING = "property_file_mapping.csv";
  static final String OLD_PRIORITY = "old-value-takes-priority.csv";
  static final String LATEST_PRIORITY = "latest-Value-takes-priority.csv";
  static final String REMOVED = "intentionally-removed-in-lts.csv";
  static final String DECENT_DEFAULT = "new-property-with-decent-default-value.csv";
  static final String CATEGORIES = "property-categories.csv";

  /** One row of the mapping: old file name, latest file name. */
  record Pair(String oldFile, String latestFile) { }

  /** One knowledge-base row: a file name (matched exactly) and a key. */
  record Rule(String file, String key) { }

  static KnowledgeBase load(Path dir) {
    List<String> problems = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("The knowledge base directory " + dir + " does not exist: set config.knowledgeBase"
          + " in the plan to the directory holding prop_migrator's CSV files");
    }
    List<Pair> mapping = table(dir, MAPPING, List.of("Old Property File", "Latest Property File"), problems).stream()
        .map(r -> new Pair(r.get(0), r.get(1))).toList();
    List<Rule> old = rules(dir, OLD_PRIORITY, "key", problems);
    List<Rule> latest = rules(dir, LATEST_PRIORITY, "key", problems);
    List<Rule> removed = rules(dir, REMOVED, "key", problems);
    List<Rule> decent = rules(dir, DECENT_DEFAULT, "Key", problems);
    Map<Rule, String> categories = new HashMap<>();
    table(dir, CATEGORIES, List.of("Property file name", "Key", "Property Category"), problems)
        .forEach(r -> categories.put(new Rule(r.get(0), r.get(1)), r.get(2)));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("The knowledge base in " + dir + " cannot be used: " + String.join("; ", problems));
    }
    return new KnowledgeBase(mapping, old, latest, removed, decent, categories);
  }

  private static List<Rule> rules(Path dir, String name, String keyColumn, List<String> problems) {
    return table(dir, name, List.of("Property file name", keyColumn), problems).stream()
        .map(r -> new Rule(r.get(0), r.get(1))).toList();
  }

  /** The rows of a CSV, projected on the named columns (found by exact header name, as DictReader does). */
  private static List<List<String>> table(Path dir, String name, List<String> columns, List<String> problems) {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      problems.add(name + " is missing");
      return List.of();
    }
    List<List<String>> rows;
    try {
      rows = Csv.read(file);
    } catch (IllegalArgumentException e) {
      problems.add(name + ": " + e.getMessage());
      return List.of();
    }
    List<String> header = rows.isEmpty() ? List.of() : rows.get(0);
    List<Integer> index = columns.stream().map(header::indexOf).toList();
    if (index.contains(-1)) {
      problems.add(name + " must have the header columns " + columns + " in its first row");
      return List.of();
    }
    List<List<String>> result = new ArrayList<>();
    for (int i = 1; i < rows.size(); i++) {
      List<String> row = rows.get(i);
      if (row.size() != header.size()) {
        problems.add(name + " row " + (i + 1) + " has " + row.size() + " fields where the header has " + header.size());
        continue;
      }
      result.add(index.stream().map(row::get).toList());
    }
    return result;
  }

  /** Latest file names of the mapping, for the rules that name a latest file. */
  Set<String> latestFiles() {
    Set<String> names = new LinkedHashSet<>();
    mapping.forEach(p -> names.add(p.latestFile()));
    return names;
  }

  Set<String> oldFiles() {
    Set<String> names = new LinkedHashSet<>();
    mapping.forEach(p -> names.add(p.oldFile()));
    return names;
  }
}
