package org.dpi.upgrade.evidence;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Escaping and formatting shared by the evidence pack and the history pages (XHTML: well-formed XML). */
final class Html {

  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private Html() {
  }

  /** Text for an element or attribute; also drops characters XML cannot carry. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (c == '\n' || c == '\t' || c == '\r' || (c >= 0x20 && c != 0xFFFE && c != 0xFFFF)) {
            out.appendCodePoint(c);
          }
        }
      }
    });
    return out.toString();
  }

  static String time(Instant instant) {
    return instant == null ? "" : TIME.format(instant);
  }

  /** 1 h 02 min, 3 min 05 s, 12 s, 850 ms. */
  static String duration(Duration d) {
    if (d == null) {
      return "";
    }
    long s = d.toSeconds();
    if (s >= 3600) {
      return String.format("%d h %02d min", s / 3600, (s % 3600) / 60);
    }
    if (s >= 60) {
      return String.format("%d min %02d s", s / 60, s % 60);
    }
    return s > 0 ? s + " s" : d.toMillis() + " ms";
  }
}
