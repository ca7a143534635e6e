package org.dpi.upgrade.database;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code pg_dump -Fc} of one database, taken together with its {@link SchemaSnapshot} in one
 * exported snapshot (so the dump and the snapshot describe the same moment even while the database
 * is in use), checked with {@code pg_restore --list}; restore verifies the SHA-256 before it drops
 * anything and restores with {@code --create}, which brings back the database's owner, privileges,
 * settings ({@code ALTER DATABASE ... SET}) and comment.
 */
public class BackupService {

  /** What the DBA gate shows for one dump. */
  public record BackupFile(String database, Path file, long size, String sha256, int tocEntries) {
    @Override
    public String toString() {
      return database + ": " + file + ", " + size + " bytes, SHA-256 " + sha256 + ", pg_restore --list ok (" + tocEntries + " entries)";
    }
  }

  /** A dump and the snapshot of the database at the moment of the dump. */
  public record Dump(BackupFile file, SchemaSnapshot snapshot) {}

  private final PgTools tools;

  public BackupService(PgTools tools) {
    this.tools = tools;
  }

  /**
   * Dumps {@code database} into {@code file} (written as {@code .partial}, then moved; an existing
   * file is never replaced) and snapshots it in the same transaction snapshot.
   */
  public Dump dump(Server server, String database, Path file, long checksumLimit) throws IOException, SQLException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.deleteIfExists(partial);
    SchemaSnapshot snapshot;
    try (Connection c = server.connect(database)) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      String exported;
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select pg_export_snapshot()")) {
        r.next();
        exported = r.getString(1);
      }
      snapshot = SchemaSnapshot.take(c, checksumLimit);
      tools.require(List.of("pg_dump", "-Fc", "--snapshot=" + exported, "--dbname=" + database, "-f", partial.toString()), server,
          "pg_dump of " + database);
      c.commit();
    }
    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    return new Dump(new BackupFile(database, file, Files.size(file), sha256(file), listEntries(server, file)), snapshot);
  }

  /** Checks the dump against the SHA-256 recorded when it was taken and that pg_restore can read it. */
  public BackupFile verify(Server server, String database, Path file, String recordedSha256) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("the backup " + file + " of " + database + " is missing");
    }
    String actual = sha256(file);
    if (!actual.equals(recordedSha256)) {
      throw new IOException("the backup " + file + " is damaged: SHA-256 " + actual + " but " + recordedSha256 + " was recorded when it was taken");
    }
    return new BackupFile(database, file, Files.size(file), actual, listEntries(server, file));
  }

  /** Verifies the dump, then replaces the database by it (connections to it are ended). */
  public BackupFile restore(Server server, String database, Path file, String recordedSha256) throws IOException, SQLException {
    BackupFile backup = verify(server, database, file, recordedSha256);
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("drop database if exists " + SchemaSnapshot.quote(database) + " with (force)");
    }
    tools.require(List.of("pg_restore", "--create", "--exit-on-error", "--dbname=postgres", backup.file().toString()), server,
        "pg_restore of " + database + " from " + backup.file());
    return backup;
  }

  private int listEntries(Server server, Path file) throws IOException {
    PgTools.Result list = tools.require(List.of("pg_restore", "--list", file.toString()), server, "pg_restore --list of " + file);
    if (list.contentLines() == 0) {
      throw new IOException("pg_restore --list finds no entries in " + file);
    }
    return list.contentLines();
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
