package org.dpi.upgrade.database;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Pre-upgrade restore points: per change ticket and attempt, a directory
 * {@code <backup.directory>/<ticket>/attempt-<n>/} with, per database, its dump and its snapshot
 * taken at the same moment, and a {@code manifest.json} listing each file with its SHA-256
 * (itself checksummed in {@code manifest.json.sha256}). Every file is created once, never
 * replaced, and made read-only; the manifest is written last, so a directory without it is an
 * incomplete attempt and never used. Instances that use a restore point leave a reference
 * ({@code references/<process instance>}); retention keeps the newest restore points of a ticket
 * and never deletes one that a running instance references.
 */
public class RestorePoints {

  /** Change tickets become directory names. */
  static final Pattern TICKET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Pattern ATTEMPT = Pattern.compile("attempt-(\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private static final String MANIFEST = "manifest.json";

  /** One database of a restore point: its dump and snapshot files with their checksums. */
  public record Entry(String database, String dump, long size, String sha256, int tocEntries, String snapshot, String snapshotSha256) {}

  /** A complete restore point. {@code id} is {@code <ticket>/attempt-<n>}. */
  public record RestorePoint(String id, String ticket, int attempt, Instant created, String server, List<Entry> databases,
                             @JsonIgnore Path directory) {

    Optional<Entry> entry(String database) {
      return databases.stream().filter(e -> e.database().equals(database)).findFirst();
    }

    Path dump(Entry entry) {
      return directory.resolve(entry.dump());
    }

    /** The snapshot of {@code database} taken with its dump, checked against the manifest. */
    SchemaSnapshot snapshot(String database) throws IOException {
      Entry entry = entry(database).orElseThrow(() -> new IllegalStateException("the restore point " + id + " has no " + database));
      Path file = directory.resolve(entry.snapshot());
      String actual = BackupService.sha256(file);
      if (!actual.equals(entry.snapshotSha256())) {
        throw new IOException("the snapshot " + file + " is damaged: SHA-256 " + actual + " but " + entry.snapshotSha256() + " was recorded");
      }
      return JSON.readValue(file.toFile(), SchemaSnapshot.class);
    }

    @Override
    public String toString() {
      return "restore point " + id + " (taken " + created + " on " + server + ")";
    }
  }

  private final BackupService backups;

  public RestorePoints(BackupService backups) {
    this.backups = backups;
  }

  static String checkTicket(String ticket) {
    if (ticket == null || !TICKET.matcher(ticket).matches()) {
      throw new IllegalArgumentException("The change ticket (the instance's business key) must be 1 to 100 letters, digits, '.', '_' "
          + "or '-', starting with a letter or digit: restore points are kept per ticket; nothing was done");
    }
    return ticket;
  }

  /** Takes a new restore point (the next attempt of {@code ticket}) of every database. */
  public RestorePoint create(Server server, Path root, String ticket, List<String> databases, long checksumLimit)
      throws IOException, SQLException {
    Path ticketDir = Files.createDirectories(root.resolve(checkTicket(ticket)));
    int attempt = attempts(ticketDir).stream().mapToInt(RestorePoints::attempt).max().orElse(0) + 1;
    Path dir;
    while (true) {
      try {
        dir = Files.createDirectory(ticketDir.resolve("attempt-" + attempt));
        break;
      } catch (FileAlreadyExistsException taken) {
        attempt++;
      }
    }
    List<Entry> entries = new ArrayList<>();
    for (String db : databases) {
      BackupService.Dump dump = backups.dump(server, db, dir.resolve(db + ".dump"), checksumLimit);
      readOnly(dump.file().file());
      Path snapshot = write(dir.resolve(db + ".snapshot.json"), JSON.writeValueAsBytes(dump.snapshot()));
      entries.add(new Entry(db, dump.file().file().getFileName().toString(), dump.file().size(), dump.file().sha256(),
          dump.file().tocEntries(), snapshot.getFileName().toString(), BackupService.sha256(snapshot)));
    }
    RestorePoint point = new RestorePoint(ticket + "/" + dir.getFileName(), ticket, attempt, Instant.now(), server.toString(), entries, dir);
    Path manifest = write(dir.resolve(MANIFEST + ".partial"), JSON.writeValueAsBytes(point));
    write(dir.resolve(MANIFEST + ".sha256"), (BackupService.sha256(manifest) + "  " + MANIFEST + "\n").getBytes());
    Files.move(manifest, dir.resolve(MANIFEST));
    return point;
  }

  /** The complete restore points of {@code ticket}, newest first; a damaged manifest is an error. */
  public List<RestorePoint> complete(Path root, String ticket) throws IOException {
    Path ticketDir = root.resolve(checkTicket(ticket));
    List<RestorePoint> points = new ArrayList<>();
    for (Path dir : attempts(ticketDir)) {
      if (Files.isRegularFile(dir.resolve(MANIFEST))) {
        points.add(read(dir));
      }
    }
    points.sort(Comparator.comparingInt(RestorePoint::attempt).reversed());
    return points;
  }

  /** The restore point {@code <ticket>/attempt-<n>}. */
  public RestorePoint find(Path root, String id) throws IOException {
    String[] parts = id == null ? new String[0] : id.split("/");
    if (parts.length != 2 || !ATTEMPT.matcher(parts[1]).matches()) {
      throw new IllegalArgumentException("'" + id + "' is not a restore point id (<ticket>/attempt-<n>)");
    }
    Path dir = root.resolve(checkTicket(parts[0])).resolve(parts[1]);
    if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
      throw new IOException("the restore point " + id + " is missing or incomplete in " + root);
    }
    return read(dir);
  }

  /** Verifies every dump of the restore point (checksum and pg_restore --list). */
  public List<BackupService.BackupFile> verify(Server server, RestorePoint point) throws IOException {
    List<BackupService.BackupFile> files = new ArrayList<>();
    for (Entry e : point.databases()) {
      files.add(backups.verify(server, e.database(), point.dump(e), e.sha256()));
    }
    return files;
  }

  /** Replaces {@code database} by its dump in the restore point (checksum verified first). */
  public void restore(Server server, RestorePoint point, String database) throws IOException, SQLException {
    Entry entry = point.entry(database).orElseThrow(() -> new IllegalStateException("the " + point + " has no " + database));
    backups.restore(server, database, point.dump(entry), entry.sha256());
  }

  /** Records that the process instance uses the restore point (retention keeps it while the instance runs). */
  public void reference(RestorePoint point, String instance) throws IOException {
    Path references = Files.createDirectories(point.directory().resolve("references"));
    if (instance != null && instance.matches("[A-Za-z0-9:._-]+") && !Files.exists(references.resolve(instance))) {
      Files.createFile(references.resolve(instance));
    }
  }

  /**
   * Deletes the restore points of {@code ticket} beyond the {@code keep} newest complete ones, and
   * incomplete attempts older than the newest complete one, unless a running instance references
   * them. Returns the ids deleted.
   */
  public List<String> prune(Path root, String ticket, int keep, Predicate<String> running) throws IOException {
    Path ticketDir = root.resolve(checkTicket(ticket));
    List<RestorePoint> points = complete(root, ticket);
    int newest = points.isEmpty() ? 0 : points.get(0).attempt();
    List<String> deleted = new ArrayList<>();
    for (Path dir : attempts(ticketDir)) {
      boolean complete = Files.isRegularFile(dir.resolve(MANIFEST));
      int attempt = attempt(dir);
      boolean kept = complete ? points.stream().limit(keep).anyMatch(p -> p.attempt() == attempt) : attempt > newest;
      if (kept || referenced(dir, running)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
      deleted.add(ticket + "/" + dir.getFileName());
    }
    return deleted;
  }

  private static boolean referenced(Path dir, Predicate<String> running) throws IOException {
    Path references = dir.resolve("references");
    if (!Files.isDirectory(references)) {
      return false;
    }
    try (Stream<Path> files = Files.list(references)) {
      return files.map(p -> p.getFileName().toString()).anyMatch(running);
    }
  }

  private static RestorePoint read(Path dir) throws IOException {
    Path manifest = dir.resolve(MANIFEST);
    String recorded = Files.readString(dir.resolve(MANIFEST + ".sha256")).split("\\s+")[0];
    String actual = BackupService.sha256(manifest);
    if (!recorded.equals(actual)) {
      throw new IOException("the manifest " + manifest + " is damaged: SHA-256 " + actual + " but " + recorded + " was recorded");
    }
    RestorePoint point = JSON.readValue(manifest.toFile(), RestorePoint.class);
    return new RestorePoint(point.id(), point.ticket(), point.attempt(), point.created(), point.server(), point.databases(), dir);
  }

  private static List<Path> attempts(Path ticketDir) throws IOException {
    if (!Files.isDirectory(ticketDir)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(ticketDir)) {
      return dirs.filter(d -> Files.isDirectory(d) && ATTEMPT.matcher(d.getFileName().toString()).matches())
          .sorted(Comparator.comparingInt(RestorePoints::attempt)).toList();
    }
  }

  private static int attempt(Path dir) {
    Matcher m = ATTEMPT.matcher(dir.getFileName().toString());
    return m.matches() ? Integer.parseInt(m.group(1)) : 0;
  }

  private static Path write(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return readOnly(file);
  }

  private static Path readOnly(Path file) throws IOException {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r-----"));
    return file;
  }
}
