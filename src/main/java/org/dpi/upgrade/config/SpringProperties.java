package org.dpi.upgrade.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .properties} text read as the config server reads it: the rules of Spring Boot's
 * {@code OriginTrackedPropertiesLoader} (3.5), which {@code PropertiesPropertySourceLoader} uses.
 * Lines end at {@code \n}, {@code \r\n} or {@code \r}; a line whose first non-blank character is
 * {@code #} or {@code !} is a comment, and {@code #---} / {@code !---} alone at the start of a line
 * begins a new document; a key ends at an unescaped {@code =}, {@code :} or blank, and is trimmed;
 * blanks before the value are skipped, blanks after it are kept; {@code \} at the end of a line continues
 * the value on the next line (its leading blanks skipped); {@code \t \r \n \f} and {@code \}uXXXX
 * are escapes, any other escaped character stands for itself; {@code key[]=a,b} becomes
 * {@code key[0]}, {@code key[1]}; an empty key is ignored.
 *
 * <p>Where Spring Boot stops at the first malformed {@code \}uXXXX ("Malformed \\uxxxx encoding."),
 * this reader records a {@link Problem} with its line and column and goes on, so that one run lists
 * every place to fix. {@link #conflicts()} lists keys defined twice in a document with different values.
 */
final class SpringProperties {

  /** One key with its value, on lines {@code line} to {@code lastLine} (more than one when continued), in document {@code document}. */
  record Entry(String key, String value, int line, int lastLine, int document) { }

  /** A place the config server refuses: 1-based line and column, and what is wrong (never the text itself). */
  record Problem(int line, int column, String reason) { }

  /** A key defined more than once in one document with different values: its entries in file order. */
  record Conflict(String key, List<Entry> entries) { }

  static final String INVALID_ESCAPE = "malformed \\uXXXX escape (the config server stops with \"Malformed \\uxxxx encoding.\")";

  final List<Entry> entries = new ArrayList<>();
  final List<Problem> problems = new ArrayList<>();

  private final String text;
  private int pos;
  private int character;
  private boolean escaped;
  private int line = 1;
  private int lineStart;
  private int column = -1;
  private int lastLineCommentPrefix;
  private int document;

  private SpringProperties(String text) {
    this.text = text;
  }

  static SpringProperties parse(String text) {
    SpringProperties reader = new SpringProperties(text);
    reader.load();
    return reader;
  }

  /** Key to value, a later definition winning, as the config server resolves them. */
  Map<String, String> values() {
    Map<String, String> values = new LinkedHashMap<>();
    entries.forEach(e -> values.put(e.key(), e.value()));
    return values;
  }

  List<Conflict> conflicts() {
    Map<String, List<Entry>> byKey = new LinkedHashMap<>();
    entries.forEach(e -> byKey.computeIfAbsent(e.document() + "\n" + e.key(), k -> new ArrayList<>()).add(e));
    List<Conflict> conflicts = new ArrayList<>();
    byKey.values().stream().filter(list -> list.stream().map(Entry::value).distinct().count() > 1)
        .forEach(list -> conflicts.add(new Conflict(list.get(0).key(), list)));
    return conflicts;
  }

  private void load() {
    StringBuilder buffer = new StringBuilder();
    while (read()) {
      if (character == '#' || character == '!') {
        int prefix = character;
        if (isNewDocument()) {
          document++;
        } else {
          lastLineCommentPrefix = prefix;
          while (character != '\n' && character != -1) {
            character = next();
          }
          column = -1;
        }
      } else {
        lastLineCommentPrefix = -1;
        loadKeyAndValue(buffer);
      }
    }
  }

  private void loadKeyAndValue(StringBuilder buffer) {
    int first = line;
    String key = loadKey(buffer).trim();
    if (key.endsWith("[]")) {
      key = key.substring(0, key.length() - 2);
      int index = 0;
      do {
        String value = loadValue(buffer, true);
        put(key + "[" + index++ + "]", value, first);
        if (!isEndOfLine()) {
          read();
        }
      } while (!isEndOfLine());
    } else {
      put(key, loadValue(buffer, false), first);
    }
  }

  private void put(String key, String value, int first) {
    if (!key.isEmpty()) {
      entries.add(new Entry(key, value, first, character == '\n' ? line - 1 : line, document));
    }
  }

  private String loadKey(StringBuilder buffer) {
    buffer.setLength(0);
    boolean previousWhitespace = false;
    while (!isEndOfLine()) {
      if (!escaped && (character == '=' || character == ':')) {
        read();
        return buffer.toString();
      }
      if (!isWhiteSpace() && previousWhitespace) {
        return buffer.toString();
      }
      previousWhitespace = isWhiteSpace();
      buffer.append((char) character);
      read();
    }
    return buffer.toString();
  }

  private String loadValue(StringBuilder buffer, boolean splitLists) {
    buffer.setLength(0);
    while (isWhiteSpace() && !isEndOfLine()) {
      read();
    }
    while (!isEndOfLine() && !(splitLists && !escaped && character == ',')) {
      buffer.append((char) character);
      read();
    }
    return buffer.toString();
  }

  private boolean isNewDocument() {
    if (lastLineCommentPrefix == character) {
      return false;
    }
    boolean result = column == 0;
    for (int i = 0; i < 3; i++) {
      read();
      result = result && character == '-';
    }
    if (!isEndOfLine()) {
      read();
      skipWhitespace();
    }
    return result && isEndOfLine();
  }

  /** The next character, line ends made {@code \n} (as {@code LineNumberReader} does); -1 at the end. */
  private int next() {
    if (pos >= text.length()) {
      return -1;
    }
    char c = text.charAt(pos++);
    if (c == '\r') {
      if (pos < text.length() && text.charAt(pos) == '\n') {
        pos++;
      }
      c = '\n';
    }
    if (c == '\n') {
      line++;
      lineStart = pos;
    }
    return c;
  }

  private boolean read() {
    escaped = false;
    character = next();
    column++;
    if (column == 0) {
      skipWhitespace();
    }
    if (character == '\\') {
      escaped = true;
      readEscaped();
    } else if (character == '\n') {
      column = -1;
    }
    return character != -1;
  }

  private void skipWhitespace() {
    while (isWhiteSpace()) {
      character = next();
      column++;
    }
  }

  private void readEscaped() {
    character = next();
    int index = "trnf".indexOf(character);
    if (index != -1) {
      character = "\t\r\n\f".charAt(index);
    } else if (character == '\n') {
      column = -1;
      read();
    } else if (character == 'u') {
      readUnicode();
    }
  }

  /** Reads the four hex digits after {@code \\u}; a malformed one is recorded at the backslash's column and left unread. */
  private void readUnicode() {
    int backslash = pos - 2 - lineStart + 1;
    int value = 0;
    for (int i = 0; i < 4; i++) {
      int digit = pos < text.length() ? text.charAt(pos) : -1;
      int hex = digit >= '0' && digit <= '9' ? digit - '0' : digit >= 'a' && digit <= 'f' ? digit - 'a' + 10
          : digit >= 'A' && digit <= 'F' ? digit - 'A' + 10 : -1;
      if (hex < 0) {
        problems.add(new Problem(line, backslash, INVALID_ESCAPE));
        character = '\uFFFD';
        return;
      }
      pos++;
      value = (value << 4) + hex;
    }
    character = value;
  }

  private boolean isWhiteSpace() {
    return !escaped && (character == ' ' || character == '\t' || character == '\f');
  }

  private boolean isEndOfLine() {
    return character == -1 || (!escaped && character == '\n');
  }
}
