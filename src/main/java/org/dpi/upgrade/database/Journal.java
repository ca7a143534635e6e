package org.dpi.upgrade.database;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
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
 * {@code schema_journal}), of everything done to each database: every script run, every restore
 * from a restore point and every state a DBA accepted ({@code entry}), and after each of them what
 * the database looked like ({@code state}). It is the truth the steps act on: which rows are in
 * effect ({@link #applied()}) and what each database must look like now ({@link #state}). One
 * connection from {@link #open()} to {@link #close()}.
 */
public class Journal implements AutoCloseable {

  static final String SCHEMA = "schema_journal";
  static final String UPGRADE = "upgrade";
  static final String ROLLBACK = "rollback";
  /** The database was replaced by a restore point: no row is in effect. */
  static final String RESTORE = "restore";
  /** A DBA accepted the database as it is as its pre-upgrade state: no row is in effect. */
  static final String ACCEPT = "accept";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One entry. For script runs: versions, script, SHA-256, CSV row and status (running, ok,
   * failed); for restore/accept: {@code script} says from what or why.
   */
  public record Entry(long id, String database, String from, String to, String action, String script, String sha256, int csvRow,
                      Instant startedAt, Instant finishedAt, String status, String outputTail) {
    String key() {
      return database + " " + from + " -> " + to;
    }

    public Duration duration() {
      return finishedAt == null ? Duration.ZERO : Duration.between(startedAt, finishedAt);
    }
  }

  /** What a database looked like after the entry named in {@code reason}. */
  public record State(String database, Instant takenAt, String reason, SchemaSnapshot snapshot) {}

  private final Server server;
  private final String database;
  private Connection connection;

  public Journal(Server server, String database) {
    this.server = server;
    this.database = database;
  }

  /** Creates the journal database, schema and tables when missing (and adds the columns of older journals). */
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
    connection = server.connect(database);
    try (Statement s = connection.createStatement()) {
      s.execute("create schema if not exists " + SCHEMA);
      s.execute("create table if not exists " + SCHEMA + ".script_run (id bigserial primary key, db_name text not null, "
          + "from_version text not null, to_version text not null, action text not null, script text not null, "
          + "sha256 text not null, started_at timestamptz not null, finished_at timestamptz, status text not null, output_tail text)");
      s.execute("alter table " + SCHEMA + ".script_run add column if not exists csv_row integer not null default 0");
      s.execute("create table if not exists " + SCHEMA + ".state (id bigserial primary key, db_name text not null, "
          + "taken_at timestamptz not null, reason text not null, objects text not null, content text not null)");
    }
    return this;
  }

  private Connection connection() {
    if (connection == null) {
      throw new IllegalStateException("the journal is not open");
    }
    return connection;
  }

  @Override
  public void close() throws SQLException {
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }

  public List<Entry> entries() throws SQLException {
    List<Entry> entries = new ArrayList<>();
    try (Statement s = connection().createStatement();
         ResultSet r = s.executeQuery("select id, db_name, from_version, to_version, action, script, sha256, csv_row, started_at, finished_at, "
             + "status, output_tail from " + SCHEMA + ".script_run order by id")) {
      while (r.next()) {
        Timestamp finished = r.getTimestamp(10);
        entries.add(new Entry(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
            r.getString(7), r.getInt(8), r.getTimestamp(9).toInstant(), finished == null ? null : finished.toInstant(),
            r.getString(11), r.getString(12)));
      }
    }
    return entries;
  }

  /**
   * The upgrade rows in effect, in the order they were applied: upgraded successfully and since
   * then neither rolled back successfully nor wiped by a restore or a DBA's acceptance.
   */
  public List<Entry> applied() throws SQLException {
    Map<String, Entry> applied = new LinkedHashMap<>();
    for (Entry e : entries()) {
      if (!e.status().equals("ok")) {
        continue;
      }
      switch (e.action()) {
        case UPGRADE -> {
          applied.remove(e.key());
          applied.put(e.key(), e);
        }
        case ROLLBACK -> applied.remove(e.key());
        default -> applied.values().removeIf(a -> a.database().equals(e.database()));
      }
    }
    return new ArrayList<>(applied.values());
  }

  /** The last recorded state of {@code db}: what it must look like now. */
  Optional<State> state(String db) throws SQLException {
    try (PreparedStatement s = connection().prepareStatement("select taken_at, reason, objects, content from "
        + SCHEMA + ".state where db_name = ? order by id desc limit 1")) {
      s.setString(1, db);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        return Optional.of(new State(db, r.getTimestamp(1).toInstant(), r.getString(2), new SchemaSnapshot(
            JSON.readValue(r.getString(3), new TypeReference<TreeMap<String, String>>() {}),
            JSON.readValue(r.getString(4), new TypeReference<TreeMap<String, String>>() {}))));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the last state of " + db + " in the journal is unreadable", e);
    }
  }

  /** Records a restore or an acceptance (no row of {@code db} is in effect any more) and the state after it. */
  void record(String db, String action, String detail, String sha256, SchemaSnapshot after) throws SQLException {
    Batch batch = batch();
    Instant now = Instant.now();
    batch.entry(new Entry(0, db, "", "", action, detail, sha256, 0, now, now, "ok", ""));
    batch.state(db, action + ": " + detail, after);
    batch.flush();
  }

  Batch batch() {
    return new Batch();
  }

  /** Entries and states written together in one transaction when {@link #flush} is called. */
  final class Batch {
    private final List<Entry> entries = new ArrayList<>();
    private final List<State> states = new ArrayList<>();

    void entry(Entry entry) {
      entries.add(entry);
    }

    void state(String db, String reason, SchemaSnapshot snapshot) {
      states.add(new State(db, Instant.now(), reason, snapshot));
    }

    void flush() throws SQLException {
      if (entries.isEmpty() && states.isEmpty()) {
        return;
      }
      Connection c = connection();
      c.setAutoCommit(false);
      try {
        try (PreparedStatement run = c.prepareStatement("insert into " + SCHEMA + ".script_run (db_name, from_version, to_version, action, "
            + "script, sha256, csv_row, started_at, finished_at, status, output_tail) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement state = c.prepareStatement("insert into " + SCHEMA + ".state (db_name, taken_at, reason, objects, content) "
                 + "values (?, ?, ?, ?, ?)")) {
          for (Entry e : entries) {
            run.setString(1, e.database());
            run.setString(2, e.from());
            run.setString(3, e.to());
            run.setString(4, e.action());
            run.setString(5, e.script());
            run.setString(6, e.sha256());
            run.setInt(7, e.csvRow());
            run.setTimestamp(8, Timestamp.from(e.startedAt()));
            run.setTimestamp(9, e.finishedAt() == null ? null : Timestamp.from(e.finishedAt()));
            run.setString(10, e.status());
            run.setString(11, e.outputTail());
            run.addBatch();
          }
          for (State s : states) {
            state.setString(1, s.database());
            state.setTimestamp(2, Timestamp.from(s.takenAt()));
            state.setString(3, s.reason());
            state.setString(4, JSON.writeValueAsString(s.snapshot().objects()));
            state.setString(5, JSON.writeValueAsString(s.snapshot().content()));
            state.addBatch();
          }
          run.executeBatch();
          state.executeBatch();
          c.commit();
        } catch (JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      entries.clear();
      states.clear();
    }
  }
}
