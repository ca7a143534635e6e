package org.dpi.upgrade.objectstore;

import java.time.Duration;

/**
 * Where a migration stands: objects and bytes done (copied, already identical, vanished or failed)
 * of those on the source, the copy rate, failed objects so far, and the estimated seconds left (-1
 * while unknown), from the share of the objects and bytes to copy or check that are done.
 */
public record MigrationProgress(String mode, long objectsDone, long objectsTotal, long bytesDone, long bytesTotal,
    long bytesPerSecond, long failed, long etaSeconds) {

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
    return String.format("%s: %d/%d objects, %s/%s, %s/s, %d failed, %s", mode, objectsDone, objectsTotal,
        Sizes.human(bytesDone), Sizes.human(bytesTotal), Sizes.human(bytesPerSecond), failed,
        etaSeconds < 0 ? "time left unknown" : "about " + Sizes.duration(etaSeconds) + " left");
  }
}
