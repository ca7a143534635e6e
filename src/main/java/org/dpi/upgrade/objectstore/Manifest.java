package org.dpi.upgrade.objectstore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What is known to be on the target, one file per bucket: for each key, the size and MD5 of the
 * bytes copied, the source ETag they were read under and the target ETag they were stored under.
 * An object is appended (one JSON line, flushed) only after its copy is verified, so after a crash
 * the manifest lists exactly the objects that need no copy again. The last line of a key wins;
 * {@code deleted} lines remove it. Opening compacts the file.
 */
final class Manifest implements Closeable {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Entry(String key, long size, String md5, String sourceEtag, String targetEtag, Boolean deleted) {
    Entry(String key, long size, String md5, String sourceEtag, String targetEtag) {
      this(key, size, md5, sourceEtag, targetEtag, null);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<String, Entry> entries;
  private final BufferedWriter out;

  private Manifest(Path file, Map<String, Entry> entries, BufferedWriter out) {
    this.file = file;
    this.entries = entries;
    this.out = out;
  }

  static Path file(Path directory, String bucket) {
    return directory.resolve(bucket + ".manifest.jsonl");
  }

  static Manifest open(Path directory, String bucket) {
    Path file = file(directory, bucket);
    try {
      Files.createDirectories(directory);
      Map<String, Entry> entries = read(file);
      Path compacted = file.resolveSibling(file.getFileName() + ".tmp");
      try (BufferedWriter tmp = Files.newBufferedWriter(compacted, StandardCharsets.UTF_8)) {
        for (Entry entry : entries.values()) {
          tmp.write(JSON.writeValueAsString(entry));
          tmp.newLine();
        }
      }
      Files.move(compacted, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new Manifest(file, entries, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use the manifest " + file + ": " + e.getMessage(), e);
    }
  }

  /** The entries of an existing manifest, empty if there is none. Reads only. */
  static Map<String, Entry> read(Path file) throws IOException {
    Map<String, Entry> entries = new ConcurrentHashMap<>();
    if (!Files.exists(file)) {
      return entries;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      Entry entry;
      try {
        entry = JSON.readValue(lines.get(i), Entry.class);
      } catch (IOException e) {
        if (i == lines.size() - 1) {
          break; // a line cut by a crash: that object was not recorded, so it is copied again
        }
        throw new IOException("line " + (i + 1) + " is damaged: " + e.getMessage(), e);
      }
      if (Boolean.TRUE.equals(entry.deleted())) {
        entries.remove(entry.key());
      } else {
        entries.put(entry.key(), entry);
      }
    }
    return entries;
  }

  Path file() {
    return file;
  }

  Entry get(String key) {
    return entries.get(key);
  }

  Map<String, Entry> entries() {
    return entries;
  }

  void record(Entry entry) {
    append(entry);
    entries.put(entry.key(), entry);
  }

  void remove(String key) {
    append(new Entry(key, 0, null, null, null, true));
    entries.remove(key);
  }

  private synchronized void append(Entry entry) {
    try {
      out.write(JSON.writeValueAsString(entry));
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the manifest " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
