package org.dpi.upgrade.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Where operator-given paths (a start form's {@code upgradeCsvPath}, {@code dbScriptsRoot}) may
 * point: only at a regular file or a directory inside the configured inputs root
 * ({@code orchestrator.inputs.root}), after resolving every symbolic link. Nothing is allowed when
 * no root is configured. Messages name the field and the reason, never anything read from a file.
 */
public final class InputPaths {

  /** System trees that never hold upgrade inputs, whatever the root. */
  private static final List<Path> FORBIDDEN = List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"));

  private final Path root;

  /** @param root the inputs root, or null/blank when none is configured */
  public InputPaths(String root) {
    this.root = root == null || root.isBlank() ? null : Path.of(root).toAbsolutePath().normalize();
  }

  /**
   * The canonical form of {@code value} for the field {@code key}; {@code kind} is {@code file} or
   * {@code directory}.
   *
   * @throws IllegalArgumentException naming the field and why the path is refused
   */
  public Path check(String key, String kind, String value) {
    if (root == null) {
      throw refused(key, "paths on the orchestrator host are disabled (no orchestrator.inputs.root is configured); "
          + "leave it empty to use the plan's value");
    }
    Path given;
    try {
      given = Path.of(value.strip());
    } catch (InvalidPathException e) {
      throw refused(key, "it is not a valid path");
    }
    if (!given.isAbsolute()) {
      throw refused(key, "it must be an absolute path under " + root);
    }
    for (Path part : given) {
      if (part.toString().equals("..")) {
        throw refused(key, "it must not contain '..'");
      }
    }
    Path real;
    Path realRoot;
    try {
      realRoot = root.toRealPath();
      real = given.toRealPath();
    } catch (IOException e) {
      throw refused(key, "it does not exist or cannot be read (it must be under " + root + ")");
    }
    if (FORBIDDEN.stream().anyMatch(real::startsWith) || !real.startsWith(realRoot)) {
      throw refused(key, "it is not under the inputs root " + root + " (symbolic links are followed)");
    }
    boolean ok = kind.equals("directory") ? Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)
        : Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS);
    if (!ok) {
      throw refused(key, "it is not a " + (kind.equals("directory") ? "directory" : "regular file"));
    }
    if (!Files.isReadable(real)) {
      throw refused(key, "it cannot be read by the orchestrator");
    }
    return real;
  }

  private static IllegalArgumentException refused(String key, String reason) {
    return new IllegalArgumentException("'" + key + "' is refused: " + reason);
  }
}
