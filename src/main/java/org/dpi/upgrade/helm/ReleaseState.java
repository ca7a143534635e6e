package org.dpi.upgrade.helm;

/**
 * A release as recorded before a change: enough to install it again. {@code values} (YAML of the
 * user-supplied values) may hold secrets: a ReleaseState only ever goes to the encrypted records.
 *
 * @param chart chart reference {@code <repository alias>/<name>}
 */
public record ReleaseState(String release, String namespace, String chart, String version, String values) {

  public String id() {
    return namespace + "/" + release;
  }

  public String describe() {
    return id() + " (" + chart + " " + version + ")";
  }
}
