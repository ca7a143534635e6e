package org.dpi.upgrade.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV as Python's {@code csv} module writes and reads it with the default dialect (the format of
 * prop_migrator's files): comma, double quotes doubled, a field quoted only when it holds a comma, a
 * quote or a line break, rows ended by CRLF. Blank lines are skipped when reading, as {@code DictReader} does.
 * A quoted field that never closes is an error naming the row and column where it opens.
 */
final class Csv {

  private Csv() { }

  static List<List<String>> read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The rows of {@code text}; an unclosed quote is an {@link IllegalArgumentException} naming the row and column (1-based lines and fields). */
  static List<List<String>> parse(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean fieldStarted = false;
    int line = 1;
    int quoteLine = 0;
    int quoteColumn = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
          line++;
        }
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.isEmpty()) {
        quoted = true;
        fieldStarted = true;
        quoteLine = line;
        quoteColumn = row.size() + 1;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
        fieldStarted = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        endRow(rows, row, field, fieldStarted);
        row = new ArrayList<>();
        fieldStarted = false;
        line++;
      } else {
        field.append(c);
        fieldStarted = true;
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("the quote opened at row " + quoteLine + ", column " + quoteColumn
          + " is never closed");
    }
    endRow(rows, row, field, fieldStarted);
    return rows;
  }

  private static void endRow(List<List<String>> rows, List<String> row, StringBuilder field, boolean started) {
    if (started || !row.isEmpty()) {
      row.add(field.toString());
      rows.add(row);
    }
    field.setLength(0);
  }

  static String format(List<String> header, List<List<String>> rows) {
    StringBuilder out = new StringBuilder();
    line(out, header);
    rows.forEach(r -> line(out, r));
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      String f = fields.get(i);
      boolean quote = f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0;
      out.append(quote ? '"' + f.replace("\"", "\"\"") + '"' : f);
    }
    out.append("\r\n");
  }

  static void write(Path file, List<String> header, List<List<String>> rows) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, format(header, rows), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
