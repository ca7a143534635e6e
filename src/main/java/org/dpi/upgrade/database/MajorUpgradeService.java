package org.dpi.upgrade.database;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The PostgreSQL 15 to 16 move by dump and restore: roles, then each database from the old server
 * into the new one ({@code --create}: owner, privileges, settings), verified by row counts per
 * table, sequence values, roles, extensions and the database-level owner, privileges and settings. The
 * old server is only read, so the undo points MOSIP back to it after checking it still matches the
 * facts recorded at the move.
 */
public class MajorUpgradeService {

  /** Process variable naming the server MOSIP is on: {@code old} or {@code new}. */
  public static final String SERVER_VARIABLE = "postgresServer";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PgTools tools;
  private final BackupService backups;

  public MajorUpgradeService(PgTools tools, BackupService backups) {
    this.tools = tools;
    this.backups = backups;
  }

  /**
   * Moves every database, with {@code work} for the dumps and the facts; returns the verification
   * report. Safe to retry: the new server's copies are replaced.
   */
  public String move(PostgresPlan plan, Server old, Server target, Path work) throws IOException, SQLException {
    if (plan.majorUpgrade() == null) {
      throw new IllegalArgumentException("the plan's postgres.majorUpgrade (fromVersion, toVersion) is missing");
    }
    List<String> problems = new ArrayList<>();
    checkVersion(old, plan.majorUpgrade().fromVersion(), "old", problems);
    checkVersion(target, plan.majorUpgrade().toVersion(), "new", problems);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("The major upgrade cannot start, nothing was changed:\n- " + String.join("\n- ", problems));
    }
    Files.createDirectories(work);
    Path roles = work.resolve("roles.sql");
    tools.require(List.of("pg_dumpall", "--roles-only", "-f", roles.toString()), old, "pg_dumpall --roles-only");
    tools.run(List.of("psql", "--dbname=postgres", "-q", "-f", roles.toString()), target.environment(), null);
    SortedMap<String, String> before = facts(old, plan.databases());
    Files.writeString(work.resolve("facts.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(before));
    for (String db : plan.databases()) {
      Path dump = work.resolve(db + ".dump");
      Files.deleteIfExists(dump);
      BackupService.BackupFile file = backups.dump(old, db, dump, 0).file();
      backups.restore(target, db, file.file(), file.sha256());
    }
    List<String> differences = compare(before, facts(target, plan.databases()));
    if (!differences.isEmpty()) {
      throw new IllegalStateException("The new server differs from the old one after the move (the old server is untouched):\n- "
          + String.join("\n- ", differences));
    }
    return plan.databases().size() + " database(s) moved from " + old + " (PostgreSQL " + plan.majorUpgrade().fromVersion() + ") to "
        + target + " (PostgreSQL " + plan.majorUpgrade().toVersion() + "); " + before.size()
        + " facts identical (row counts per table, sequence values, roles, extensions).";
  }

  /** Checks the old server still matches what was recorded at the move; MOSIP can point back to it. */
  public String revert(PostgresPlan plan, Server old, Path work) throws IOException, SQLException {
    Path recorded = work.resolve("facts.json");
    if (!Files.isRegularFile(recorded)) {
      return "No record of a move in " + recorded + ": MOSIP stays on " + old + ".";
    }
    SortedMap<String, String> before = JSON.readValue(recorded.toFile(), new TypeReference<TreeMap<String, String>>() {});
    List<String> differences = compare(before, facts(old, plan.databases()));
    if (!differences.isEmpty()) {
      throw new IllegalStateException("The old server " + old + " changed since the move; check it before pointing MOSIP back:\n- "
          + String.join("\n- ", differences));
    }
    return "The old server " + old + " matches the " + before.size() + " facts recorded at the move; MOSIP points back to it.";
  }

  static SortedMap<String, String> facts(Server server, List<String> databases) throws SQLException {
    SortedMap<String, String> facts = new TreeMap<>();
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("select rolname, rolcanlogin, rolsuper from pg_roles where rolname not like 'pg\\_%'")) {
      while (r.next()) {
        facts.put("role " + r.getString(1), "login " + r.getBoolean(2) + " superuser " + r.getBoolean(3));
      }
    }
    for (String db : databases) {
      SchemaSnapshot snapshot = SchemaSnapshot.take(server, db, 0);
      snapshot.content().forEach((key, value) -> facts.put(db + " " + key, SchemaSnapshot.display(value)));
      snapshot.objects().entrySet().stream().filter(e -> e.getKey().startsWith("extension ") || e.getKey().startsWith("database"))
          .forEach(e -> facts.put(db + " " + e.getKey(), e.getValue()));
    }
    return facts;
  }

  private static List<String> compare(Map<String, String> before, Map<String, String> after) {
    List<String> differences = new ArrayList<>();
    before.forEach((fact, value) -> {
      if (!value.equals(after.get(fact))) {
        differences.add(fact + ": " + value + " before, " + after.getOrDefault(fact, "absent") + " now");
      }
    });
    return differences;
  }

  private static void checkVersion(Server server, int major, String which, List<String> problems) {
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("select current_setting('server_version_num')::int / 10000")) {
      r.next();
      if (r.getInt(1) != major) {
        problems.add("the " + which + " server " + server + " runs PostgreSQL " + r.getInt(1) + ", the plan says " + major);
      }
    } catch (SQLException e) {
      problems.add("the " + which + " server " + server + " is unreachable: " + e.getMessage());
    }
  }
}
