package org.dpi.upgrade.objectstore;

/** Byte counts and durations for people: 1.5 GiB, 2 min 5 s. */
final class Sizes {
  private Sizes() {
  }

  static String human(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit == 0 ? bytes + " B" : String.format("%.1f %s", value, units[unit]);
  }

  static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + " s";
    }
    return seconds < 3600 ? seconds / 60 + " min " + seconds % 60 + " s" : seconds / 3600 + " h " + seconds % 3600 / 60
        + " min";
  }
}
