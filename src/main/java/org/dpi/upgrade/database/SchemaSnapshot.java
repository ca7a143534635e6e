package org.dpi.upgrade.database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a database looks like, from its catalog: every schema, relation, column (type, nullability,
 * default), constraint, index, view definition, sequence, function, trigger, enum and extension with
 * its definition, and the row count of every table. Two snapshots compare object by object, so a
 * difference names exactly what changed. (The catalog is used rather than the text of
 * {@code pg_dump --schema-only} because the same queries work whatever the server's major version,
 * while pg_dump refuses servers newer than itself.)
 */
public record SchemaSnapshot(SortedMap<String, String> objects, SortedMap<String, Long> rowCounts) {

  private static final String USER_SCHEMA = "n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'";

  private static final String OBJECTS = String.join("\nunion all\n",
      "select 'schema ' || n.nspname, pg_get_userbyid(n.nspowner) || ' ' || " + acl("n.nspacl", "'n'::\"char\"", "n.nspowner") + " from pg_namespace n where " + USER_SCHEMA,
      "select (case c.relkind when 'r' then 'table ' when 'p' then 'table ' when 'v' then 'view ' when 'm' then 'materialized view ' "
          + "when 'S' then 'sequence ' else 'relation ' end) || n.nspname || '.' || c.relname, "
          + "pg_get_userbyid(c.relowner) || ' ' || " + acl("c.relacl", "(case c.relkind when 'S' then 's' else 'r' end)::\"char\"", "c.relowner") + " || case when c.relkind in ('v', 'm') then ' ' || pg_get_viewdef(c.oid) else '' end "
          + "from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and " + USER_SCHEMA,
      "select 'column ' || n.nspname || '.' || c.relname || '.' || a.attname, format_type(a.atttypid, a.atttypmod) "
          + "|| case when a.attnotnull then ' not null' else '' end || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') "
          + "from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace "
          + "left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum "
          + "where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm', 'f') and " + USER_SCHEMA,
      "select 'constraint ' || n.nspname || '.' || c.relname || '.' || k.conname, pg_get_constraintdef(k.oid) "
          + "|| case when k.convalidated then '' else ' (not validated)' end "
          + "from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace where " + USER_SCHEMA,
      "select 'index ' || n.nspname || '.' || c.relname, pg_get_indexdef(i.indexrelid) || case when i.indisvalid then '' else ' (invalid)' end "
          + "from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace where " + USER_SCHEMA,
      "select 'sequence definition ' || schemaname || '.' || sequencename, data_type::text || ' start ' || start_value || ' increment ' || increment_by "
          + "from pg_sequences where schemaname not in ('pg_catalog', 'information_schema')",
      "select 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', "
          + "pg_get_function_result(p.oid) || ' md5 ' || md5(p.prosrc) || ' ' || pg_get_userbyid(p.proowner) "
          + "from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
          + "where not exists (select 1 from pg_depend e where e.objid = p.oid and e.deptype = 'e') and " + USER_SCHEMA,
      "select 'trigger ' || n.nspname || '.' || c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid) "
          + "from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace where not t.tgisinternal and " + USER_SCHEMA,
      "select 'type ' || n.nspname || '.' || t.typname, string_agg(e.enumlabel, ',' order by e.enumsortorder) "
          + "from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace group by n.nspname, t.typname",
      "select 'extension ' || extname, extversion from pg_extension");

  private static final String TABLES = "select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
      + "where c.relkind = 'r' and " + USER_SCHEMA + " and not exists (select 1 from pg_depend e where e.objid = c.oid and e.deptype = 'e')";

  /** Privileges with the owner's defaults made explicit and sorted, so REVOKE/GRANT round trips compare equal. */
  private static String acl(String column, String kind, String owner) {
    return "coalesce((select string_agg(a::text, ',' order by a::text) from unnest(coalesce(" + column + ", acldefault(" + kind + ", "
        + owner + "))) a), '')";
  }

  public static SchemaSnapshot take(Server server, String database) throws SQLException {
    SortedMap<String, String> objects = new TreeMap<>();
    SortedMap<String, Long> counts = new TreeMap<>();
    try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
      try (ResultSet rows = statement.executeQuery(OBJECTS)) {
        while (rows.next()) {
          objects.put(rows.getString(1), Objects.toString(rows.getString(2), "").strip());
        }
      }
      List<String> tables = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery(TABLES)) {
        while (rows.next()) {
          tables.add(quote(rows.getString(1)) + "." + quote(rows.getString(2)));
        }
      }
      for (String table : tables) {
        try (ResultSet rows = statement.executeQuery("select count(*) from " + table)) {
          rows.next();
          counts.put(table.replace("\"", ""), rows.getLong(1));
        }
      }
    }
    return new SchemaSnapshot(objects, counts);
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** Every difference from {@code before} to this snapshot, one line each; empty when identical. */
  public List<String> differencesFrom(SchemaSnapshot before) {
    List<String> differences = new ArrayList<>();
    compare(before.objects, objects, "", differences);
    SortedMap<String, String> countsBefore = new TreeMap<>();
    SortedMap<String, String> countsNow = new TreeMap<>();
    before.rowCounts.forEach((table, n) -> countsBefore.put("rows of " + table, n + " rows"));
    rowCounts.forEach((table, n) -> countsNow.put("rows of " + table, n + " rows"));
    compare(countsBefore, countsNow, "", differences);
    return differences;
  }

  private static void compare(Map<String, String> before, Map<String, String> now, String prefix, List<String> out) {
    TreeSet<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(now.keySet());
    for (String key : keys) {
      String was = before.get(key);
      String is = now.get(key);
      if (is == null) {
        out.add(prefix + "missing: " + key + " (was: " + was + ")");
      } else if (was == null) {
        out.add(prefix + "not in the snapshot: " + key + " (" + is + ")");
      } else if (!was.equals(is)) {
        out.add(prefix + "changed: " + key + ": " + was + " -> " + is);
      }
    }
  }
}
