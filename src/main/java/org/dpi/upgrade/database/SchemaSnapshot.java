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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a database looks like, from its catalog, and optionally what it holds.
 * <p>{@code objects} (the structure): the database itself (owner, privileges, settings of
 * {@code ALTER DATABASE ... SET} for every role and per role, comment), every schema, relation
 * (owner, privileges with the owner's defaults made explicit, storage options such as autovacuum
 * settings, view definitions), column (type, nullability, default, column privileges), constraint
 * (with validation state), index (definition, validity), sequence definition, function (result,
 * source md5, owner, privileges), trigger, enum, extension, default privileges and every comment.
 * <p>{@code content} (null for a structure-only snapshot): per table its row count and, for tables
 * up to the checksum limit, an order-independent checksum of its rows; each sequence's value.
 * <p>Two snapshots compare entry by entry ({@link Difference}), so a difference names exactly what
 * changed. (The catalog is used rather than {@code pg_dump --schema-only} because the same queries
 * work whatever the server's major version, while pg_dump refuses servers newer than itself.)
 */
public record SchemaSnapshot(SortedMap<String, String> objects, SortedMap<String, String> content) {

  static final String ROWS = "rows of ";
  static final String SEQUENCE_VALUE = "sequence value ";
  private static final Pattern ROW_COUNT = Pattern.compile("\\d+ rows");

  private static final String USER_SCHEMA = "n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' "
      + "and n.nspname not like 'pg_temp%'";
  private static final String NOT_EXTENSION_MEMBER = "not exists (select 1 from pg_depend e where e.classid = %s and e.objid = %s "
      + "and e.deptype = 'e')";

  private static final String OBJECTS = String.join("\nunion all\n",
      "select 'database', 'owner ' || pg_get_userbyid(d.datdba) || ', encoding ' || pg_encoding_to_char(d.encoding) "
          + "from pg_database d where d.datname = current_database()",
      "select 'database privileges', " + acl("d.datacl", "'d'::\"char\"", "d.datdba") + " from pg_database d where d.datname = current_database()",
      "select 'database setting ' || coalesce('for role ' || r.rolname, 'for every role'), array_to_string(s.setconfig, ', ') "
          + "from pg_db_role_setting s left join pg_roles r on r.oid = s.setrole "
          + "where s.setdatabase = (select oid from pg_database where datname = current_database())",
      "select 'comment on database', shobj_description(d.oid, 'pg_database') from pg_database d "
          + "where d.datname = current_database() and shobj_description(d.oid, 'pg_database') is not null",
      "select 'schema ' || n.nspname, pg_get_userbyid(n.nspowner) || ' ' || " + acl("n.nspacl", "'n'::\"char\"", "n.nspowner") + " from pg_namespace n where " + USER_SCHEMA,
      "select (case c.relkind when 'r' then 'table ' when 'p' then 'table ' when 'v' then 'view ' when 'm' then 'materialized view ' "
          + "when 'S' then 'sequence ' else 'relation ' end) || n.nspname || '.' || c.relname, "
          + "pg_get_userbyid(c.relowner) || ' ' || " + acl("c.relacl", "(case c.relkind when 'S' then 's' else 'r' end)::\"char\"", "c.relowner")
          + " || coalesce(' with (' || array_to_string(c.reloptions, ', ') || ')', '')"
          + " || case when c.relkind in ('v', 'm') then ' ' || pg_get_viewdef(c.oid) else '' end "
          + "from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and " + USER_SCHEMA,
      "select 'column ' || n.nspname || '.' || c.relname || '.' || a.attname, format_type(a.atttypid, a.atttypmod) "
          + "|| case when a.attnotnull then ' not null' else '' end || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') "
          + "|| coalesce(' privileges ' || array_to_string(a.attacl, ','), '') "
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
          + "|| coalesce(' privileges ' || array_to_string(p.proacl, ','), '') "
          + "from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
          + "where " + NOT_EXTENSION_MEMBER.formatted("'pg_proc'::regclass", "p.oid") + " and " + USER_SCHEMA,
      "select 'trigger ' || n.nspname || '.' || c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid) "
          + "from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace where not t.tgisinternal and " + USER_SCHEMA,
      "select 'type ' || n.nspname || '.' || t.typname, string_agg(e.enumlabel, ',' order by e.enumsortorder) "
          + "from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace group by n.nspname, t.typname",
      "select 'extension ' || extname, extversion from pg_extension",
      "select 'default privileges of ' || pg_get_userbyid(a.defaclrole) || coalesce(' in schema ' || n.nspname, '') || ' on ' "
          + "|| case a.defaclobjtype when 'r' then 'tables' when 'S' then 'sequences' when 'f' then 'functions' when 'T' then 'types' "
          + "else 'schemas' end, coalesce((select string_agg(x::text, ',' order by x::text) from unnest(a.defaclacl) x), '') "
          + "from pg_default_acl a left join pg_namespace n on n.oid = a.defaclnamespace",
      "select 'comment on ' || pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description from pg_description d "
          + "where d.objoid >= 16384 and " + NOT_EXTENSION_MEMBER.formatted("d.classoid", "d.objoid"));

  /**
   * Definitions and descriptions name objects relative to the session's search_path, which a
   * database may set ({@code ALTER DATABASE ... SET search_path}): pinned, as pg_dump does.
   */
  private static final String PIN_SEARCH_PATH = "set search_path to pg_catalog";

  private static final String TABLES = "select n.nspname, c.relname, pg_relation_size(c.oid) from pg_class c "
      + "join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' and " + USER_SCHEMA + " and "
      + NOT_EXTENSION_MEMBER.formatted("'pg_class'::regclass", "c.oid");

  private static final String SEQUENCES = "select schemaname || '.' || sequencename, coalesce(last_value::text, 'unused') from pg_sequences "
      + "where schemaname not in ('pg_catalog', 'information_schema')";

  /** Privileges with the owner's defaults made explicit and sorted, so REVOKE/GRANT round trips compare equal. */
  private static String acl(String column, String kind, String owner) {
    return "coalesce((select string_agg(a::text, ',' order by a::text) from unnest(coalesce(" + column + ", acldefault(" + kind + ", "
        + owner + "))) a), '')";
  }

  /** Structure and content of {@code database}; tables over {@code checksumLimit} bytes are counted, not checksummed. */
  public static SchemaSnapshot take(Server server, String database, long checksumLimit) throws SQLException {
    try (Connection connection = server.connect(database)) {
      return take(connection, checksumLimit);
    }
  }

  /** Structure and content, on an open connection (for instance inside a transaction that pg_dump shares). */
  static SchemaSnapshot take(Connection connection, long checksumLimit) throws SQLException {
    SortedMap<String, String> content = new TreeMap<>();
    try (Statement statement = connection.createStatement()) {
      statement.execute(PIN_SEARCH_PATH);
      List<String[]> tables = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery(TABLES)) {
        while (rows.next()) {
          tables.add(new String[] {rows.getString(1), rows.getString(2), String.valueOf(rows.getLong(3))});
        }
      }
      for (String[] table : tables) {
        String name = quote(table[0]) + "." + quote(table[1]);
        boolean checksum = Long.parseLong(table[2]) <= checksumLimit;
        String sql = checksum ? "select count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint), 0) from " + name + " t"
            : "select count(*), null from " + name;
        try (ResultSet rows = statement.executeQuery(sql)) {
          rows.next();
          content.put(ROWS + table[0] + "." + table[1], rows.getLong(1) + " rows" + (checksum ? ", checksum " + rows.getString(2)
              : " (larger than " + checksumLimit + " bytes: counted, not checksummed)"));
        }
      }
      try (ResultSet rows = statement.executeQuery(SEQUENCES)) {
        while (rows.next()) {
          content.put(SEQUENCE_VALUE + rows.getString(1), rows.getString(2));
        }
      }
    }
    return new SchemaSnapshot(structure(connection).objects(), content);
  }

  /** The structure only (no row counts, checksums or sequence values): cheap enough to take between two scripts. */
  static SchemaSnapshot structure(Connection connection) throws SQLException {
    SortedMap<String, String> objects = new TreeMap<>();
    try (Statement statement = connection.createStatement()) {
      statement.execute(PIN_SEARCH_PATH);
      try (ResultSet rows = statement.executeQuery(OBJECTS)) {
        while (rows.next()) {
          objects.put(rows.getString(1), Objects.toString(rows.getString(2), "").strip());
        }
      }
    }
    return new SchemaSnapshot(objects, null);
  }

  /** This snapshot without its content. */
  SchemaSnapshot structureOnly() {
    return new SchemaSnapshot(objects, null);
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /**
   * Every difference from {@code before} to this snapshot, structure first; content is compared
   * only when both snapshots have it. Empty when identical.
   */
  public List<Difference> differencesFrom(SchemaSnapshot before) {
    List<Difference> differences = new ArrayList<>();
    compare(before.objects, objects, differences);
    if (content != null && before.content != null) {
      compare(before.content, content, differences);
    }
    return differences;
  }

  /** The differences of content only (rows, checksums, sequence values). */
  List<Difference> contentDifferencesFrom(SchemaSnapshot before) {
    List<Difference> differences = new ArrayList<>();
    compare(before.content, content, differences);
    return differences;
  }

  private static void compare(Map<String, String> before, Map<String, String> now, List<Difference> out) {
    TreeSet<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(now.keySet());
    for (String key : keys) {
      String was = before.get(key);
      String is = now.get(key);
      if (is == null) {
        out.add(new Difference(Difference.Kind.MISSING, key, was, null));
      } else if (was == null) {
        out.add(new Difference(Difference.Kind.ADDED, key, null, is));
      } else if (!Difference.same(was, is)) {
        out.add(new Difference(Difference.Kind.CHANGED, key, was, is));
      }
    }
  }

  /** The row count at the start of a {@code rows of} value. */
  static long rowCount(String value) {
    return Long.parseLong(value.substring(0, value.indexOf(' ')));
  }

  /** A value as shown in a difference: a row count without its checksum or note. */
  static String display(String value) {
    Matcher rows = ROW_COUNT.matcher(value);
    return rows.lookingAt() ? rows.group() : value;
  }
}
