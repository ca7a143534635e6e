package org.dpi.upgrade.objectstore;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the migration reaches both servers and where it keeps its state. {@code stateDirectory} must
 * be absolute (the manifests decide what is copied again after a crash, so they must not depend on a
 * working directory). {@code partSize}: objects larger than this are uploaded in parts of this size
 * (at least 5 MiB, an S3 rule). A failed object is tried again {@code retries} times, waiting
 * {@code retryBackoff}, then twice as long each time. {@code propertyPrefix}: where these settings
 * live ({@code orchestrator.objectstore.}, or null on the command line), for messages.
 */
public record ObjectStoreSettings(Endpoint source, Endpoint target, Path stateDirectory, int parallelism,
    long partSize, Duration connectTimeout, Duration readTimeout, Duration writeTimeout, int retries,
    Duration retryBackoff, String propertyPrefix) {

  static final long MIN_PART_SIZE = 5L * 1024 * 1024;
  public static final int DEFAULT_PARALLELISM = 16;
  public static final long DEFAULT_PART_SIZE = 64L * 1024 * 1024;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_RETRIES = 3;
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);

  /** Where the operator sets {@code name}: the property and the environment variable (with its unit). */
  String setting(String name) {
    String environment = environment(name);
    return propertyPrefix == null ? environment : propertyPrefix + name + ", environment " + environment;
  }

  /** The environment variable of a setting: OBJECTSTORE_READ_TIMEOUT_SECONDS, OBJECTSTORE_PART_SIZE_MB, ... */
  static String environment(String name) {
    String base = "OBJECTSTORE_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    if (name.endsWith("-timeout") || name.equals("retry-backoff")) {
      return base + "_SECONDS";
    }
    return name.equals("part-size") ? base + "_MB" : base;
  }

  /** Throws one error listing every missing or wrong setting; nothing is read or written before. */
  void validate() {
    List<String> problems = new ArrayList<>(source.problems());
    problems.addAll(target.problems());
    if (stateDirectory == null || stateDirectory.toString().isBlank()) {
      problems.add("the state directory is not set (" + setting("state-directory") + "): an absolute path on a"
          + " persistent volume");
    } else if (!stateDirectory.isAbsolute()) {
      problems.add("the state directory must be an absolute path, not " + stateDirectory + " ("
          + setting("state-directory") + ")");
    }
    if (parallelism < 1) {
      problems.add("parallelism must be at least 1, not " + parallelism + " (" + setting("parallelism") + ")");
    }
    if (partSize < MIN_PART_SIZE) {
      problems.add("the part size must be at least 5 MiB, not " + partSize + " bytes (" + setting("part-size") + ")");
    }
    positive("connect-timeout", connectTimeout, problems);
    positive("read-timeout", readTimeout, problems);
    positive("write-timeout", writeTimeout, problems);
    if (retries < 0 || retryBackoff.isNegative()) {
      problems.add("retries and retry-backoff must not be negative (" + setting("retries") + ", "
          + setting("retry-backoff") + ")");
    }
    if (!problems.isEmpty()) {
      throw new ObjectStoreException("The object-store migration is not configured: " + String.join("; ", problems)
          + ". Nothing was read or written.");
    }
  }

  private void positive(String name, Duration timeout, List<String> problems) {
    if (timeout == null || timeout.toMillis() < 1) {
      problems.add("the " + name + " must be positive (" + setting(name) + ")");
    }
  }

  /** 5 s, or 250 ms. */
  static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }
}
