package org.dpi.upgrade.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .properties} file read the way the released prop_migrator reads it ({@code file_comparator.py}):
 * line by line (Python universal newlines), a line is skipped when, stripped, it starts with {@code #}
 * or has no {@code =}; otherwise it is split at the first {@code =} and key and value are both
 * stripped. No continuation lines, no {@code :} separator, no escapes; the last duplicate wins.
 */
final class PropertyLines {

  /** One key/value line: 1-based line number, key and value as prop_migrator reads them (stripped). */
  record Entry(int line, String key, String value) { }

  final String text;
  final List<String> lines;
  /** Every key/value line, duplicates included, in file order. */
  final List<Entry> entries = new ArrayList<>();
  /** Key to value, the last duplicate winning, in order of first appearance (a Python dict). */
  final Map<String, String> values = new LinkedHashMap<>();

  private PropertyLines(String text) {
    this.text = text;
    this.lines = splitLines(text);
    for (int i = 0; i < lines.size(); i++) {
      String line = strip(lines.get(i));
      int eq = line.indexOf('=');
      if (line.startsWith("#") || eq < 0) {
        continue;
      }
      Entry entry = new Entry(i + 1, strip(line.substring(0, eq)), strip(line.substring(eq + 1)));
      entries.add(entry);
      values.put(entry.key(), entry.value());
    }
  }

  static PropertyLines parse(String text) {
    return new PropertyLines(text);
  }

  /** Lines as Python's text mode yields them: {@code \n}, {@code \r\n} and {@code \r} end a line; terminators removed. */
  static List<String> splitLines(String text) {
    List<String> result = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        result.add(text.substring(start, i));
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    if (start < text.length()) {
      result.add(text.substring(start));
    }
    return result;
  }

  /** Python's {@code str.strip()}: removes Unicode whitespace at both ends. */
  static String strip(String s) {
    int begin = 0;
    int end = s.length();
    while (begin < end && isPythonSpace(s.charAt(begin))) {
      begin++;
    }
    while (end > begin && isPythonSpace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(begin, end);
  }

  static boolean isPythonSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }
}
