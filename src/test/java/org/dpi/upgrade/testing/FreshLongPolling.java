package org.dpi.upgrade.testing;

import java.lang.reflect.Field;
import org.camunda.bpm.engine.rest.impl.FetchAndLockContextListener;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Camunda's REST API answers long-polling fetches with one handler per JVM (a static field of
 * {@link FetchAndLockContextListener}), started with the first application context and shut down
 * for good when any context closes: a later test whose workers long-poll would wait forever. Clearing
 * the field before this test's context starts and after it closed gives each context a running one;
 * a running handler (of a context Spring keeps for the next test class) is kept.
 * Registered for every test class (src/test/resources/META-INF/services, autodetection on in
 * junit-platform.properties), before the Spring extension, so its afterAll runs after a dirtied
 * context is closed.
 */
public class FreshLongPolling implements BeforeAllCallback, AfterAllCallback {

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    clear();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    clear();
  }

  private static void clear() throws ReflectiveOperationException {
    Field handler = FetchAndLockContextListener.class.getDeclaredField("fetchAndLockHandler");
    handler.setAccessible(true);
    Object current = handler.get(null);
    if (current != null) {
      Field running = current.getClass().getDeclaredField("isRunning");
      running.setAccessible(true);
      if (running.getBoolean(current)) {
        return;
      }
    }
    handler.set(null, null);
  }
}
