package org.dpi.upgrade.helm;

import java.util.List;
import sun.misc.Signal;

/**
 * helm-java's install calls Go's {@code signal.Notify} for SIGINT/SIGTERM inside the JVM process,
 * which makes the Go runtime replace the JVM's handlers for good: the orchestrator would then ignore
 * SIGTERM and Ctrl-C (no graceful stop; shutdown hooks never run). This installs a JVM handler again
 * that does what the JVM's own does: exit with 128 + the signal number, running the shutdown hooks
 * (helm-java issue 409).
 */
final class JvmSignals {

  private static final List<String> SIGNALS = List.of("TERM", "INT");

  private JvmSignals() {
  }

  static void restore() {
    for (String name : SIGNALS) {
      try {
        Signal.handle(new Signal(name), signal -> System.exit(128 + signal.getNumber()));
      } catch (IllegalArgumentException reservedWithXrs) {
        // the JVM runs with -Xrs: it leaves these signals to the embedding program
      }
    }
  }
}
