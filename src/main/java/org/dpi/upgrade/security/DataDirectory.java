package org.dpi.upgrade.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Keeps the orchestrator's own files private to its user: the data directory
 * ({@code orchestrator.data-directory}, default {@code ./data}) and the directory of an H2 file
 * database are created 0700, and the files directly in them made 0600 (directories 0700): before the
 * database opens, and again once the application is ready (the database files exist then).
 */
public class DataDirectory implements SmartApplicationListener {

  static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

  @Override
  public boolean supportsEventType(Class<? extends ApplicationEvent> type) {
    return ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(type) || ApplicationReadyEvent.class.isAssignableFrom(type);
  }

  @Override
  public void onApplicationEvent(ApplicationEvent event) {
    if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
      secure(prepared.getEnvironment(), true);
    } else if (event instanceof ApplicationReadyEvent ready) {
      secure(ready.getApplicationContext().getEnvironment(), false);
    }
  }

  static void secure(Environment environment, boolean create) {
    Set<Path> directories = new LinkedHashSet<>();
    Path h2 = h2Directory(property(environment, "spring.datasource.url", ""));
    if (h2 != null) {
      directories.add(h2);
    }
    Path data = Path.of(property(environment, "orchestrator.data-directory", "./data")).toAbsolutePath().normalize();
    if (Files.isDirectory(data)) {
      directories.add(data);
    }
    for (Path directory : directories) {
      try {
        if (create) {
          Files.createDirectories(directory);
        }
        ownerOnly(directory);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot make " + directory + " private to the orchestrator's user", e);
      }
    }
  }

  /** The property's value, or the default while it cannot be resolved yet (set by the test or the context later). */
  private static String property(Environment environment, String name, String otherwise) {
    try {
      return environment.getProperty(name, otherwise);
    } catch (IllegalArgumentException unresolvable) {
      return otherwise;
    }
  }

  /** The directory of an H2 file database URL, or null for another database. */
  static Path h2Directory(String url) {
    if (!url.startsWith("jdbc:h2:") || url.startsWith("jdbc:h2:mem:") || url.startsWith("jdbc:h2:tcp:")
        || url.startsWith("jdbc:h2:ssl:")) {
      return null;
    }
    String file = url.substring("jdbc:h2:".length()).replaceFirst("^file:", "").split(";", 2)[0];
    if (file.startsWith("~")) {
      file = System.getProperty("user.home") + file.substring(1);
    }
    return Path.of(file).toAbsolutePath().normalize().getParent();
  }

  private static void ownerOnly(Path directory) throws IOException {
    if (!Files.getFileStore(directory).supportsFileAttributeView("posix")) {
      return;
    }
    Files.setPosixFilePermissions(directory, OWNER_DIRECTORY);
    try (Stream<Path> children = Files.list(directory)) {
      for (Path child : children.toList()) {
        if (!Files.isSymbolicLink(child)) {
          Files.setPosixFilePermissions(child, Files.isDirectory(child) ? OWNER_DIRECTORY : OWNER_FILE);
        }
      }
    }
  }
}
