package org.dpi.upgrade.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One version of the configuration as the migration sees it: the paths of every file of a commit and
 * the content of its {@code .properties} files, parsed once (prop_migrator's line reading and the config
 * server's reading). The files are UTF-8 text; {@link #utf8Problems()} names the lines where they are not.
 */
final class ConfigVersion {

  static final String PROPERTIES = ".properties";

  /** Which version: {@code old} or {@code latest}. */
  final String side;
  private final Map<String, byte[]> properties;
  private final Map<String, String> texts = new HashMap<>();
  private final Map<String, PropertyLines> lines = new HashMap<>();
  private final Map<String, SpringProperties> spring = new HashMap<>();

  /** {@code files}: path to content of every {@code .properties} file of the version. */
  ConfigVersion(String side, Map<String, byte[]> files) {
    this.side = side;
    this.properties = new TreeMap<>(files);
  }

  /** Every {@code .properties} file under {@code dir} (tests and benchmarks; the steps read commits). */
  static ConfigVersion read(String side, Path dir) {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path f : walk.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(PROPERTIES)).toList()) {
        files.put(dir.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir, e);
    }
    return new ConfigVersion(side, files);
  }

  /** This version with some files' text replaced (the rewrites); what was parsed of the other files is kept. */
  ConfigVersion with(Map<String, String> replaced) {
    Map<String, byte[]> files = new TreeMap<>(properties);
    replaced.forEach((path, text) -> files.put(path, text.getBytes(StandardCharsets.UTF_8)));
    ConfigVersion version = new ConfigVersion(side, files);
    texts.forEach((path, text) -> version.texts.put(path, text));
    lines.forEach((path, parsed) -> version.lines.put(path, parsed));
    spring.forEach((path, parsed) -> version.spring.put(path, parsed));
    replaced.keySet().forEach(path -> {
      version.lines.remove(path);
      version.spring.remove(path);
    });
    version.texts.putAll(replaced);
    return version;
  }

  /** Paths of the {@code .properties} files, sorted. */
  List<String> files() {
    return List.copyOf(properties.keySet());
  }

  boolean exists(String path) {
    return properties.containsKey(path);
  }

  byte[] bytes(String path) {
    return properties.get(path);
  }

  /** The file's text; only for files {@link #utf8Problems()} found valid. */
  String text(String path) {
    return texts.computeIfAbsent(path, p -> new String(properties.get(p), StandardCharsets.UTF_8));
  }

  PropertyLines lines(String path) {
    return lines.computeIfAbsent(path, p -> PropertyLines.parse(text(p)));
  }

  SpringProperties spring(String path) {
    return spring.computeIfAbsent(path, p -> SpringProperties.parse(text(p)));
  }

  /** One line per file that is not UTF-8 text, naming the lines and columns (never the bytes). */
  List<String> utf8Problems() {
    List<String> problems = new ArrayList<>();
    properties.forEach((path, content) -> {
      List<String> places = invalidUtf8(content);
      if (!places.isEmpty()) {
        problems.add(side + " " + path + " is not UTF-8 text at " + String.join(", ", places));
      }
    });
    return problems;
  }

  /** "line L, column C" of each malformed sequence (column counted in bytes from 1), at most five. */
  static List<String> invalidUtf8(byte[] content) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(content);
    CharBuffer out = CharBuffer.allocate(4096);
    List<String> places = new ArrayList<>();
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isError()) {
        int at = in.position();
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
          if (content[i] == '\n') {
            line++;
            lineStart = i + 1;
          }
        }
        if (places.size() < 5) {
          places.add("line " + line + ", column " + (at - lineStart + 1));
        }
        in.position(at + result.length());
      } else if (result.isOverflow()) {
        out.clear();
      } else {
        return places;
      }
    }
  }
}
