package org.dpi.upgrade.objectstore;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of a migration: {@code objects}/{@code bytes} on the source; {@code identical} were
 * already on the target with the same bytes and metadata; {@code vanished} were deleted on the live
 * source between its listing and their copy; {@code failed} could not be copied ({@code failures}
 * names the first {@value ObjectMigrator#LISTED}: bucket/key, side and the server's reason);
 * {@code onlyOnTarget} objects are on the target but not on the source and were kept;
 * {@code buckets} gone from the source are reported in {@code goneBuckets}.
 */
public record MigrationSummary(String mode, List<String> buckets, long objects, long bytes, long copied,
    long bytesCopied, long identical, long deleted, long vanished, long failed, long onlyOnTarget,
    List<String> goneBuckets, List<String> failures, Duration duration) {

  @Override
  public String toString() {
    return String.format("%s of %d bucket(s) %s: %d objects (%s) on the source, %d copied (%s), %d already identical,"
            + " %d deleted on the target, %d vanished from the source, %d failed, %d only on the target and kept%s,"
            + " in %d s",
        mode, buckets.size(), buckets, objects, Sizes.human(bytes), copied, Sizes.human(bytesCopied), identical, deleted,
        vanished, failed, onlyOnTarget, goneBuckets.isEmpty() ? "" : "; " + String.join("; ", goneBuckets),
        duration.toSeconds());
  }
}
