package org.dpi.upgrade.objectstore;

import java.util.List;

/**
 * The comparison of source and target: {@code differences} counts every difference and
 * {@code listed} names the first {@value ObjectMigrator#LISTED} ("bucket/key: what differs", metadata
 * by name). {@code contentRead}: mode content (every target object read back and hashed), else listing.
 */
public record VerificationReport(List<String> buckets, long objects, long bytesRead, boolean contentRead,
    long differences, List<String> listed) {

  @Override
  public String toString() {
    return String.format("%d object(s) of %d bucket(s) %s compared%s: %d difference(s)", objects, buckets.size(),
        buckets, contentRead ? " by listing, metadata and reading " + Sizes.human(bytesRead) + " back from the target"
            : " by listing and metadata", differences);
  }
}
