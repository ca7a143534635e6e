package org.dpi.upgrade.objectstore;

/** Byte counts for people: 1.5 GiB. */
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
}
