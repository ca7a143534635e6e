package org.dpi.upgrade.database;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code pg_dump -Fc} of each database into a directory, each dump with a {@code <db>.dump.sha256}
 * file (sha256sum format) and checked with {@code pg_restore --list}; restore verifies the checksum
 * before it drops anything.
 */
public class BackupService {

  /** What the DBA gate shows for one dump. */
  public record BackupFile(String database, Path file, long size, String sha256, int tocEntries) {
    @Override
    public String toString() {
      return database + ": " + file + ", " + size + " bytes, SHA-256 " + sha256 + ", pg_restore --list ok (" + tocEntries + " entries)";
    }
  }

  private final PgTools tools;

  public BackupService(PgTools tools) {
    this.tools = tools;
  }

  /** Dumps every database; a retry rewrites the dumps (written to a temporary file, then moved). */
  public List<BackupFile> backup(Server server, List<String> databases, Path directory) throws IOException {
    Files.createDirectories(directory);
    List<BackupFile> files = new ArrayList<>();
    for (String db : databases) {
      Path file = dumpFile(directory, db);
      Path partial = directory.resolve(db + ".dump.partial");
      tools.require(List.of("pg_dump", "-Fc", "--dbname=" + db, "-f", partial.toString()), server, "pg_dump of " + db);
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      String sha256 = sha256(file);
      Files.writeString(checksumFile(file), sha256 + "  " + file.getFileName() + "\n");
      files.add(new BackupFile(db, file, Files.size(file), sha256, listEntries(server, file)));
    }
    return files;
  }

  /** Checks the dump against its recorded SHA-256 and that pg_restore can read it. */
  public BackupFile verify(Server server, String database, Path directory) throws IOException {
    Path file = dumpFile(directory, database);
    if (!Files.isRegularFile(file) || !Files.isRegularFile(checksumFile(file))) {
      throw new IOException("no backup of " + database + " in " + directory + " (expected " + file.getFileName() + " and its .sha256)");
    }
    String recorded = Files.readString(checksumFile(file)).split("\\s+")[0];
    String actual = sha256(file);
    if (!recorded.equals(actual)) {
      throw new IOException("the backup " + file + " is damaged: SHA-256 " + actual + " but " + recorded + " was recorded when it was taken");
    }
    return new BackupFile(database, file, Files.size(file), actual, listEntries(server, file));
  }

  /** Verifies the backup, then replaces the database by it (connections to it are ended). */
  public BackupFile restore(Server server, String database, Path directory) throws IOException, SQLException {
    BackupFile backup = verify(server, database, directory);
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("drop database if exists " + SchemaSnapshot.quote(database) + " with (force)");
    }
    tools.require(List.of("pg_restore", "--create", "--exit-on-error", "--dbname=postgres", backup.file().toString()), server,
        "pg_restore of " + database + " from " + backup.file());
    return backup;
  }

  /** Restores a dump under another name (rehearsal copies), replacing that database. */
  public void restoreAs(Server server, Path dump, String database) throws IOException, SQLException {
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("drop database if exists " + SchemaSnapshot.quote(database) + " with (force)");
      s.execute("create database " + SchemaSnapshot.quote(database));
    }
    tools.require(List.of("pg_restore", "--exit-on-error", "--no-owner", "--dbname=" + database, dump.toString()), server,
        "pg_restore of " + dump + " into " + database);
  }

  static Path dumpFile(Path directory, String database) {
    return directory.resolve(database + ".dump");
  }

  private static Path checksumFile(Path dump) {
    return dump.resolveSibling(dump.getFileName() + ".sha256");
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
