package org.dpi.upgrade.objectstore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the migration reads, writes and keeps its manifests. {@code partSize}: objects larger than
 * this are uploaded in parts of this size (at least 5 MiB, an S3 rule); one part per running copy is
 * the most held in memory.
 */
public record ObjectStoreSettings(Endpoint source, Endpoint target, Path manifestDirectory, int parallelism,
    long partSize) {

  static final long MIN_PART_SIZE = 5L * 1024 * 1024;

  /** Throws one error listing every missing or wrong setting. */
  void validate() {
    List<String> problems = new ArrayList<>(source.problems());
    problems.addAll(target.problems());
    if (manifestDirectory == null) {
      problems.add("the manifest directory is not set");
    }
    if (parallelism < 1) {
      problems.add("parallelism must be at least 1, not " + parallelism);
    }
    if (partSize < MIN_PART_SIZE) {
      problems.add("the part size must be at least 5 MiB, not " + partSize + " bytes");
    }
    if (!problems.isEmpty()) {
      throw new ObjectStoreException("The object-store migration is not configured: " + String.join("; ", problems)
          + ". Nothing was read or written.");
    }
  }
}
