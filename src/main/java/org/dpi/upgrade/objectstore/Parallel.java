package org.dpi.upgrade.objectstore;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs tasks on at most {@code parallelism} threads with at most twice as many waiting, so millions
 * of objects never queue at once. The first failure stops new tasks; {@link #await()} rethrows it.
 */
final class Parallel implements AutoCloseable {

  interface Task {
    void run() throws Exception;
  }

  private final ExecutorService threads;
  private final Semaphore slots;
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  Parallel(int parallelism, String name) {
    this.threads = Executors.newFixedThreadPool(parallelism, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    this.slots = new Semaphore(parallelism * 2);
  }

  /** False once a task failed: the caller stops submitting. */
  boolean submit(Task task) throws InterruptedException {
    if (failure.get() != null) {
      return false;
    }
    slots.acquire();
    threads.execute(() -> {
      try {
        if (failure.get() == null) {
          task.run();
        }
      } catch (Exception e) {
        failure.compareAndSet(null, e);
      } finally {
        slots.release();
      }
    });
    return true;
  }

  /** Waits for every submitted task; throws the first failure. */
  void await() throws Exception {
    threads.shutdown();
    while (!threads.awaitTermination(1, TimeUnit.SECONDS)) {
      // a copy of a large object can take minutes
    }
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
