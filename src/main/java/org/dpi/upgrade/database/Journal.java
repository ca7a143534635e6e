package org.dpi.upgrade.database;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The record, kept in the target server itself (database {@code journalDatabase}, schema
 * {@code schema_journal}), of every script run against it and of the pre-upgrade snapshot of each
 * database. Retries, resumes and the undo read it; nothing is inferred from the process.
 */
public class Journal {

  static final String SCHEMA = "schema_journal";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One script run. {@code status} is running, ok or failed. */
  public record Entry(long id, String database, String from, String to, String action, String script, String sha256,
                      Instant startedAt, Instant finishedAt, String status, String outputTail) {
    String key() {
      return database + " " + from + " -> " + to;
    }

    public Duration duration() {
      return finishedAt == null ? Duration.ZERO : Duration.between(startedAt, finishedAt);
    }
  }

  private final Server server;
  private final String database;

  public Journal(Server server, String database) {
    this.server = server;
    this.database = database;
  }

  /** Creates the journal database, schema and tables when missing. */
  public Journal open() throws SQLException {
    try (Connection c = server.connect("postgres"); PreparedStatement exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
      exists.setString(1, database);
      try (ResultSet rows = exists.executeQuery()) {
        if (!rows.next()) {
          try (Statement create = c.createStatement()) {
            create.execute("create database " + SchemaSnapshot.quote(database));
          }
        }
      }
    }
    try (Connection c = server.connect(database); Statement s = c.createStatement()) {
      s.execute("create schema if not exists " + SCHEMA);
      s.execute("create table if not exists " + SCHEMA + ".script_run (id bigserial primary key, db_name text not null, "
          + "from_version text not null, to_version text not null, action text not null, script text not null, "
          + "sha256 text not null, started_at timestamptz not null, finished_at timestamptz, status text not null, output_tail text)");
      s.execute("create table if not exists " + SCHEMA + ".snapshot (db_name text primary key, taken_at timestamptz not null, "
          + "objects text not null, row_counts text not null)");
    }
    return this;
  }

  long start(UpgradeCsv.Row row, String action, String script, String sha256) throws SQLException {
    try (Connection c = server.connect(database); PreparedStatement s = c.prepareStatement("insert into " + SCHEMA
        + ".script_run (db_name, from_version, to_version, action, script, sha256, started_at, status) values (?, ?, ?, ?, ?, ?, now(), 'running') returning id")) {
      s.setString(1, row.database());
      s.setString(2, row.from());
      s.setString(3, row.to());
      s.setString(4, action);
      s.setString(5, script);
      s.setString(6, sha256);
      try (ResultSet rows = s.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  void finish(long id, boolean ok, String outputTail) throws SQLException {
    try (Connection c = server.connect(database); PreparedStatement s = c.prepareStatement(
        "update " + SCHEMA + ".script_run set finished_at = now(), status = ?, output_tail = ? where id = ?")) {
      s.setString(1, ok ? "ok" : "failed");
      s.setString(2, outputTail);
      s.setLong(3, id);
      s.executeUpdate();
    }
  }

  public List<Entry> entries() throws SQLException {
    List<Entry> entries = new ArrayList<>();
    try (Connection c = server.connect(database); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("select id, db_name, from_version, to_version, action, script, sha256, started_at, finished_at, "
             + "status, output_tail from " + SCHEMA + ".script_run order by id")) {
      while (r.next()) {
        var finished = r.getTimestamp(9);
        entries.add(new Entry(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
            r.getString(7), r.getTimestamp(8).toInstant(), finished == null ? null : finished.toInstant(), r.getString(10), r.getString(11)));
      }
    }
    return entries;
  }

  /**
   * The upgrade rows in effect, in the order they were applied: upgraded successfully and not
   * rolled back successfully since.
   */
  public List<Entry> applied() throws SQLException {
    Map<String, Entry> applied = new LinkedHashMap<>();
    for (Entry e : entries()) {
      if (!e.status().equals("ok")) {
        continue;
      }
      if (e.action().equals("upgrade")) {
        applied.remove(e.key());
        applied.put(e.key(), e);
      } else {
        applied.remove(e.key());
      }
    }
    return new ArrayList<>(applied.values());
  }

  void saveSnapshot(String db, SchemaSnapshot snapshot) throws SQLException {
    try (Connection c = server.connect(database); PreparedStatement s = c.prepareStatement("insert into " + SCHEMA
        + ".snapshot (db_name, taken_at, objects, row_counts) values (?, now(), ?, ?) on conflict (db_name) do update "
        + "set taken_at = excluded.taken_at, objects = excluded.objects, row_counts = excluded.row_counts")) {
      s.setString(1, db);
      s.setString(2, JSON.writeValueAsString(snapshot.objects()));
      s.setString(3, JSON.writeValueAsString(snapshot.rowCounts()));
      s.executeUpdate();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  Optional<SchemaSnapshot> snapshot(String db) throws SQLException {
    try (Connection c = server.connect(database); PreparedStatement s = c.prepareStatement(
        "select objects, row_counts from " + SCHEMA + ".snapshot where db_name = ?")) {
      s.setString(1, db);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        return Optional.of(new SchemaSnapshot(JSON.readValue(r.getString(1), new TypeReference<TreeMap<String, String>>() {}),
            JSON.readValue(r.getString(2), new TypeReference<TreeMap<String, Long>>() {})));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the snapshot of " + db + " in the journal is unreadable", e);
    }
  }
}
