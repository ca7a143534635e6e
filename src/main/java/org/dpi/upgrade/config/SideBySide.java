package org.dpi.upgrade.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;

/**
 * Two texts as rows of a side-by-side view (JGit's histogram diff): each row has the left line and
 * number, the right line and number (absent on the side that lacks it) and its kind: {@code same},
 * {@code changed}, {@code removed} or {@code added}.
 */
final class SideBySide {

  private SideBySide() { }

  static List<Map<String, Object>> of(String left, String right) {
    RawText a = new RawText(left.getBytes(StandardCharsets.UTF_8));
    RawText b = new RawText(right.getBytes(StandardCharsets.UTF_8));
    EditList edits = DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
        .diff(RawTextComparator.DEFAULT, a, b);
    List<Map<String, Object>> rows = new ArrayList<>();
    int i = 0;
    int j = 0;
    for (Edit edit : edits) {
      while (i < edit.getBeginA()) {
        rows.add(row("same", a, i++, b, j++));
      }
      int removed = edit.getEndA() - edit.getBeginA();
      int added = edit.getEndB() - edit.getBeginB();
      for (int k = 0; k < Math.max(removed, added); k++) {
        boolean hasLeft = k < removed;
        boolean hasRight = k < added;
        rows.add(row(hasLeft && hasRight ? "changed" : hasLeft ? "removed" : "added", hasLeft ? a : null,
            hasLeft ? i + k : -1, hasRight ? b : null, hasRight ? j + k : -1));
      }
      i = edit.getEndA();
      j = edit.getEndB();
    }
    while (i < a.size()) {
      rows.add(row("same", a, i++, b, j++));
    }
    return rows;
  }

  private static Map<String, Object> row(String kind, RawText a, int i, RawText b, int j) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("kind", kind);
    row.put("leftLine", a == null ? null : i + 1);
    row.put("left", a == null ? null : a.getString(i));
    row.put("rightLine", b == null ? null : j + 1);
    row.put("right", b == null ? null : b.getString(j));
    return row;
  }
}
