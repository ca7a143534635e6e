package org.dpi.upgrade.objectstore;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * What is known to be on the target, one file per bucket in the state directory
 * ({@code <bucket>.manifest.jsonl}, JSON lines, append-only, each flushed):
 * <ul>
 *   <li>an {@link Entry} per object whose copy was verified: size, digest of the bytes, the source's
 *       and the target's ETag and LastModified when it was verified, and the digest of its
 *       {@link Metadata}; the last line of a key wins, {@code deleted} lines remove it;</li>
 *   <li>the migrator's own multipart uploads: a line when one starts, one with the expected entry
 *       just before it is completed, and one when it was aborted. An entry for the key ends them.</li>
 * </ul>
 * Opening compacts the file when lines were superseded; a last line cut by a crash is ignored.
 */
final class Manifest implements Closeable {

  /**
   * @param md5 the MD5 of the bytes, or for an object copied in parts of {@code partSize} bytes the
   *     MD5 of the parts' MD5s, dash, part count (its S3 ETag)
   * @param sourceModified epoch seconds, 0 when not known (then the object is checked again)
   * @param meta {@link Metadata#digest()}, null when not known
   */
  record Entry(String key, long size, String md5, Long partSize, String sourceEtag, long sourceModified,
      String targetEtag, long targetModified, String meta) {

    Entry verified(String targetEtag, long targetModified) {
      return new Entry(key, size, md5, partSize, sourceEtag, sourceModified, targetEtag, targetModified, meta);
    }
  }

  /** An upload started by the migrator; {@code completing}: the entry it gives once completed. */
  record Upload(String key, String id, Entry completing) {
  }

  record Line(String key, Long size, String md5, Long partSize, String sourceEtag, Long sourceModified,
      String targetEtag, Long targetModified, String meta, String upload, Boolean deleted) {

    static Line of(Entry e, String upload) {
      return new Line(e.key(), e.size(), e.md5(), e.partSize(), e.sourceEtag(), e.sourceModified(), e.targetEtag(),
          e.targetModified(), e.meta(), upload, null);
    }

    /** One line as {@link #json} writes it (JSON object of strings, whole numbers and booleans). */
    static Line parse(String json) throws IOException {
      Map<String, Object> fields = new JsonReader(json).object();
      return new Line(text(fields, "key"), number(fields, "size"), text(fields, "md5"), number(fields, "partSize"),
          text(fields, "sourceEtag"), number(fields, "sourceModified"), text(fields, "targetEtag"),
          number(fields, "targetModified"), text(fields, "meta"), text(fields, "upload"),
          (Boolean) fields.get("deleted"));
    }

    private static String text(Map<String, Object> fields, String name) throws IOException {
      Object value = fields.get(name);
      if (value != null && !(value instanceof String)) {
        throw new IOException(name + " is not a string");
      }
      return (String) value;
    }

    private static Long number(Map<String, Object> fields, String name) throws IOException {
      Object value = fields.get(name);
      if (value != null && !(value instanceof Long)) {
        throw new IOException(name + " is not a whole number");
      }
      return (Long) value;
    }

    Entry entry() {
      return new Entry(key, size == null ? 0 : size, md5, partSize, sourceEtag,
          sourceModified == null ? 0 : sourceModified, targetEtag, targetModified == null ? 0 : targetModified, meta);
    }
  }

  private static final String SUFFIX = ".manifest.jsonl";

  private final Path file;
  private final Map<String, Entry> entries;
  private final Map<String, Upload> uploads;
  private final BufferedWriter out;

  private Manifest(Path file, State state, BufferedWriter out) {
    this.file = file;
    this.entries = state.entries;
    this.uploads = state.uploads;
    this.out = out;
  }

  static Path file(Path directory, String bucket) {
    return directory.resolve(bucket + SUFFIX);
  }

  /** The buckets that have a manifest in {@code directory}: those this migration copied. */
  static List<String> buckets(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(SUFFIX))
          .map(n -> n.substring(0, n.length() - SUFFIX.length())).sorted().toList();
    }
  }

  static void delete(Path directory, String bucket) throws IOException {
    Files.deleteIfExists(file(directory, bucket));
  }

  static Manifest open(Path directory, String bucket) {
    Path file = file(directory, bucket);
    try {
      Files.createDirectories(directory);
      State state = read(file);
      if (state.lines() == state.entries().size() + state.uploads().size()) {
        return new Manifest(file, state, Files.newBufferedWriter(file, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND));
      }
      Path compacted = file.resolveSibling(file.getFileName() + ".tmp");
      try (BufferedWriter tmp = Files.newBufferedWriter(compacted, StandardCharsets.UTF_8)) {
        for (Entry entry : state.entries.values()) {
          write(tmp, Line.of(entry, null));
        }
        for (Upload upload : state.uploads.values()) {
          write(tmp, upload.completing() == null ? new Line(upload.key(), null, null, null, null, null, null, null, null,
              upload.id(), null) : Line.of(upload.completing(), upload.id()));
        }
      }
      Files.move(compacted, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new Manifest(file, state, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use the manifest " + file + ": " + e.getMessage(), e);
    }
  }

  /** The entries and open uploads of a manifest file, and how many lines it had. */
  record State(Map<String, Entry> entries, Map<String, Upload> uploads, int lines) {
  }

  /** Reads a manifest; empty if there is none. */
  static State read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return new State(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), 0);
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    State state = new State(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), lines.size());
    for (int i = 0; i < lines.size(); i++) {
      Line line;
      try {
        line = Line.parse(lines.get(i));
      } catch (IOException e) {
        if (i == lines.size() - 1) {
          break; // a line cut by a crash: that object was not recorded, so it is copied again
        }
        throw new IOException("line " + (i + 1) + " is damaged: " + e.getMessage(), e);
      }
      boolean deleted = Boolean.TRUE.equals(line.deleted());
      if (line.upload() == null) {
        state.uploads.values().removeIf(u -> u.key().equals(line.key()));
        if (deleted) {
          state.entries.remove(line.key());
        } else {
          state.entries.put(line.key(), line.entry());
        }
      } else if (deleted) {
        state.uploads.remove(line.upload());
      } else {
        state.uploads.put(line.upload(), new Upload(line.key(), line.upload(), line.md5() == null ? null : line.entry()));
      }
    }
    return state;
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

  /** The uploads started and neither completed and recorded nor aborted. */
  List<Upload> openUploads() {
    return new ArrayList<>(uploads.values());
  }

  /** Records a verified object; ends the open uploads of its key. */
  void record(Entry entry) {
    append(Line.of(entry, null));
    entries.put(entry.key(), entry);
    uploads.values().removeIf(u -> u.key().equals(entry.key()));
  }

  void remove(String key) {
    append(new Line(key, null, null, null, null, null, null, null, null, null, true));
    entries.remove(key);
    uploads.values().removeIf(u -> u.key().equals(key));
  }

  void uploadStarted(String key, String id) {
    append(new Line(key, null, null, null, null, null, null, null, null, id, null));
    uploads.put(id, new Upload(key, id, null));
  }

  /** Just before completing: what the object will be once it is. */
  void uploadCompleting(String id, Entry expected) {
    append(Line.of(expected, id));
    uploads.put(id, new Upload(expected.key(), id, expected));
  }

  void uploadAborted(String key, String id) {
    append(new Line(key, null, null, null, null, null, null, null, null, id, true));
    uploads.remove(id);
  }

  private synchronized void append(Line line) {
    try {
      write(out, line);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the manifest " + file + ": " + e.getMessage(), e);
    }
  }

  private static void write(BufferedWriter out, Line line) throws IOException {
    out.write(json(line));
    out.newLine();
  }

  /** The line as JSON, null fields left out (written by hand: one line per copied object). */
  static String json(Line line) {
    StringBuilder json = new StringBuilder(200).append('{');
    field(json, "key", line.key());
    field(json, "size", line.size());
    field(json, "md5", line.md5());
    field(json, "partSize", line.partSize());
    field(json, "sourceEtag", line.sourceEtag());
    field(json, "sourceModified", line.sourceModified());
    field(json, "targetEtag", line.targetEtag());
    field(json, "targetModified", line.targetModified());
    field(json, "meta", line.meta());
    field(json, "upload", line.upload());
    field(json, "deleted", line.deleted());
    return json.append('}').toString();
  }

  private static void field(StringBuilder json, String name, Object value) {
    if (value == null) {
      return;
    }
    json.append(json.length() > 1 ? "," : "").append('"').append(name).append("\":");
    if (!(value instanceof String text)) {
      json.append(value);
      return;
    }
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c < 0x20) {
        json.append(String.format("\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    json.append('"');
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  /** Reads one flat JSON object: string, whole-number, boolean and null values. */
  private static final class JsonReader {
    private final String text;
    private int at;

    JsonReader(String text) {
      this.text = text;
    }

    Map<String, Object> object() throws IOException {
      Map<String, Object> fields = new HashMap<>();
      expect('{');
      if (peek() == '}') {
        at++;
      } else {
        do {
          String name = string();
          expect(':');
          fields.put(name, value());
        } while (next(',', '}') == ',');
      }
      if (peek() != 0) {
        throw error("text after the object");
      }
      return fields;
    }

    private Object value() throws IOException {
      char c = peek();
      if (c == '"') {
        return string();
      }
      if (text.startsWith("true", at) || text.startsWith("false", at) || text.startsWith("null", at)) {
        String word = c == 't' ? "true" : c == 'f' ? "false" : "null";
        at += word.length();
        return word.equals("null") ? null : Boolean.valueOf(word);
      }
      int start = at;
      while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '-')) {
        at++;
      }
      try {
        return Long.parseLong(text.substring(start, at));
      } catch (NumberFormatException e) {
        throw error("a value");
      }
    }

    private String string() throws IOException {
      expect('"');
      StringBuilder value = new StringBuilder();
      while (at < text.length()) {
        char c = text.charAt(at++);
        if (c == '"') {
          return value.toString();
        }
        if (c != '\\') {
          value.append(c);
          continue;
        }
        if (at >= text.length()) {
          break;
        }
        char escaped = text.charAt(at++);
        switch (escaped) {
          case 'n' -> value.append('\n');
          case 't' -> value.append('\t');
          case 'r' -> value.append('\r');
          case 'b' -> value.append('\b');
          case 'f' -> value.append('\f');
          case 'u' -> {
            if (at + 4 > text.length()) {
              throw error("four hex digits");
            }
            value.append((char) Integer.parseInt(text, at, at + 4, 16));
            at += 4;
          }
          default -> value.append(escaped);
        }
      }
      throw error("the end of a string");
    }

    private void expect(char c) throws IOException {
      if (peek() != c) {
        throw error("'" + c + "'");
      }
      at++;
    }

    private char next(char one, char other) throws IOException {
      char c = peek();
      if (c != one && c != other) {
        throw error("'" + one + "' or '" + other + "'");
      }
      at++;
      return c;
    }

    /** The next character that is not white space, or 0 at the end. */
    private char peek() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
        at++;
      }
      return at < text.length() ? text.charAt(at) : 0;
    }

    private IOException error(String expected) {
      return new IOException("expected " + expected + " at character " + (at + 1));
    }
  }
}
