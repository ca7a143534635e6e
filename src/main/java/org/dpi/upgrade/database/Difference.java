package org.dpi.upgrade.database;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One difference between two snapshots of a database: an object or fact missing, added or changed.
 * Definitions are compared after {@link #normalised normalisation}, so the same index, constraint or
 * view printed differently by another server or after a dump and restore is not a difference.
 */
public record Difference(Kind kind, String key, String was, String is) {

  public enum Kind { MISSING, ADDED, CHANGED }

  /** Casts ({@code ::type}, {@code ::character varying(36)[]}), which ruleutils adds or moves on re-printing. */
  private static final Pattern CAST = Pattern.compile("::(?:\"[^\"]+\"|character varying|timestamp with(?:out)? time zone|"
      + "time with(?:out)? time zone|double precision|bit varying|[A-Za-z_][A-Za-z0-9_.]*)(?:\\(\\d+(?:,\\s*\\d+)?\\))?(?:\\[\\])*");
  private static final Pattern PARENTHESES = Pattern.compile("[()]");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  /**
   * The definition without casts, parentheses and repeated blanks: {@code pg_get_indexdef} and
   * {@code pg_get_constraintdef} print {@code x IN ('A','B')} as
   * {@code ((x)::text = ANY ((ARRAY['A'::character varying, ...])::text[]))} on one server and as
   * {@code ((x)::text = ANY (ARRAY[('A'::character varying)::text, ...]))} after a restore.
   */
  static String normalised(String definition) {
    String text = CAST.matcher(definition).replaceAll("");
    return SPACES.matcher(PARENTHESES.matcher(text).replaceAll("")).replaceAll(" ").strip();
  }

  static boolean same(String was, String is) {
    return was.equals(is) || normalised(was).equals(normalised(is));
  }

  /** Something that existed before is gone, or a table has fewer rows or other content: a rollback that does this lost data. */
  public boolean lossy() {
    if (key.startsWith(SchemaSnapshot.ROWS)) {
      return kind == Kind.MISSING || kind == Kind.CHANGED && SchemaSnapshot.rowCount(is) <= SchemaSnapshot.rowCount(was);
    }
    return kind == Kind.MISSING && !key.startsWith(SchemaSnapshot.SEQUENCE_VALUE);
  }

  /**
   * The lossy differences among {@code differences}; a table whose checksum changed with the same
   * count is not counted when its columns changed too (a column left over changes every row's text).
   */
  static List<Difference> losses(List<Difference> differences) {
    return differences.stream().filter(Difference::lossy).filter(d -> !(d.key.startsWith(SchemaSnapshot.ROWS) && d.kind == Kind.CHANGED
        && differences.stream().anyMatch(c -> c.key.startsWith("column " + d.key.substring(SchemaSnapshot.ROWS.length()) + ".")))).toList();
  }

  @Override
  public String toString() {
    return switch (kind) {
      case MISSING -> "missing: " + key + " (was: " + SchemaSnapshot.display(was) + ")";
      case ADDED -> "not in the snapshot: " + key + " (" + SchemaSnapshot.display(is) + ")";
      case CHANGED -> key.startsWith(SchemaSnapshot.ROWS) && SchemaSnapshot.rowCount(was) == SchemaSnapshot.rowCount(is)
          ? "changed: content of " + key.substring(SchemaSnapshot.ROWS.length()) + ": the " + SchemaSnapshot.rowCount(is)
              + " rows differ (checksum)"
          : "changed: " + key + ": " + SchemaSnapshot.display(was) + " -> " + SchemaSnapshot.display(is);
    };
  }
}
