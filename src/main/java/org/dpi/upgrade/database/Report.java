package org.dpi.upgrade.database;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** How reports and messages list differences and rows. */
final class Report {

  private Report() {
  }

  /** At most {@code max} items, one per line, and how many more there are. */
  static String list(List<?> items, int max) {
    String shown = items.stream().limit(max).map(i -> "- " + i).collect(Collectors.joining("\n"));
    if (items.size() <= max) {
      return shown;
    }
    String more = "- ... and " + (items.size() - max) + " more";
    return shown.isEmpty() ? more : shown + "\n" + more;
  }

  /** Per database, its differences (at most {@code max} each), what was lost first. */
  static String perDatabase(Map<String, List<Difference>> differences, int max) {
    return differences.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue().size() + " difference(s)\n" + list(lossFirst(e.getValue()), max))
        .collect(Collectors.joining("\n"));
  }

  private static List<Difference> lossFirst(List<Difference> differences) {
    List<Difference> lost = Difference.losses(differences);
    return java.util.stream.Stream.concat(lost.stream(), differences.stream().filter(d -> !lost.contains(d))).toList();
  }
}
