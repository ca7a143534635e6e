package org.dpi.upgrade.kubernetes;

import jakarta.servlet.ServletContextEvent;
import java.lang.reflect.Field;
import org.camunda.bpm.engine.rest.impl.FetchAndLockContextListener;
import org.camunda.bpm.engine.rest.impl.FetchAndLockHandlerImpl;
import org.springframework.stereotype.Component;

/**
 * Test-only fix for several web application contexts in one JVM: Camunda keeps the REST long-polling
 * handler of fetchAndLock in a static field, shuts it down when a context closes and never starts it
 * again, so the external-task client of every later context hangs (its long polls are never answered).
 * When a web context starts and finds that handler stopped, this puts a started one in its place.
 */
@Component
public class RestartedLongPolling extends FetchAndLockContextListener {

  @Override
  public void contextInitialized(ServletContextEvent event) {
    synchronized (FetchAndLockContextListener.class) {
      if (fetchAndLockHandler instanceof FetchAndLockHandlerImpl handler && !running(handler)) {
        FetchAndLockHandlerImpl fresh = new FetchAndLockHandlerImpl();
        fresh.contextInitialized(event);
        fresh.start();
        fetchAndLockHandler = fresh;
      }
    }
  }

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    // Camunda's own listener shuts the handler down
  }

  private static boolean running(FetchAndLockHandlerImpl handler) {
    try {
      Field running = FetchAndLockHandlerImpl.class.getDeclaredField("isRunning");
      running.setAccessible(true);
      return running.getBoolean(handler);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Camunda's FetchAndLockHandlerImpl changed: " + e.getMessage(), e);
    }
  }
}
