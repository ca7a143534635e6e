package org.dpi.upgrade.objectstore;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of a migration: {@code objects}/{@code bytes} on the source; {@code skipped} were
 * already identical on the target; {@code vanished} were deleted on the live source between its
 * listing and their copy; {@code mismatches} is 0 (a copy that stays different fails the step).
 */
public record MigrationSummary(String mode, List<String> buckets, long objects, long bytes, long copied,
    long bytesCopied, long skipped, long deleted, long vanished, long mismatches, Duration duration) {

  @Override
  public String toString() {
    return String.format("%s of %d bucket(s) %s: %d objects (%s) on the source, %d copied (%s), %d already identical,"
            + " %d deleted on the target, %d vanished from the source, %d mismatches, in %d s",
        mode, buckets.size(), buckets, objects, Sizes.human(bytes), copied, Sizes.human(bytesCopied), skipped, deleted,
        vanished, mismatches, duration.toSeconds());
  }
}
