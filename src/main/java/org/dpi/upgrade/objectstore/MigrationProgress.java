package org.dpi.upgrade.objectstore;

import java.time.Duration;

/** Where a migration stands; objects and bytes done include those skipped as already identical. */
public record MigrationProgress(String mode, String bucket, long objectsDone, long objectsTotal, long bytesDone,
    long bytesTotal, long bytesPerSecond) {

  /** Receives progress after every object; {@link #every} thins it out for slow consumers. */
  @FunctionalInterface
  public interface Listener {
    void update(MigrationProgress progress);

    /** Passes at most one update per {@code interval}. */
    static Listener every(Duration interval, Listener listener) {
      long[] last = {0};
      return progress -> {
        long now = System.nanoTime();
        synchronized (last) {
          if (last[0] != 0 && now - last[0] < interval.toNanos()) {
            return;
          }
          last[0] = now;
          listener.update(progress);
        }
      };
    }
  }

  @Override
  public String toString() {
    return String.format("%s: bucket %s, %d/%d objects, %s/%s, %s/s", mode, bucket, objectsDone, objectsTotal,
        Sizes.human(bytesDone), Sizes.human(bytesTotal), Sizes.human(bytesPerSecond));
  }
}
