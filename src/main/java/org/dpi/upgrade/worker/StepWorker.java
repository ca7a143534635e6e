package org.dpi.upgrade.worker;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.camunda.bpm.client.task.ExternalTask;
import org.camunda.bpm.client.task.ExternalTaskHandler;
import org.camunda.bpm.client.task.ExternalTaskService;
import org.dpi.upgrade.step.DecisionRequiredException;
import org.dpi.upgrade.step.RollbackRequiredException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the thin external-task workers: one subclass per BPMN topic maps the task's variables to
 * a call of a plain service and the result to variables. This class keeps the lock alive while the
 * step runs, and turns failures into what the operator sees:
 * <ul>
 *   <li>{@link RollbackRequiredException}: BPMN error {@value #ROLLBACK_ERROR}, which starts the
 *       rollback in reverse order;</li>
 *   <li>{@link DecisionRequiredException}: its BPMN error and variables, which a boundary event of
 *       the step leads to the user task that asks for the decision;</li>
 *   <li>any other exception: an incident (no automatic retry) whose message is the exception's,
 *       so it must say what to fix; the operator fixes it and retries in Cockpit. Steps are
 *       idempotent, so a retry after a crash is safe.</li>
 * </ul>
 * An operator who decides a step stuck at an incident cannot be fixed sets the process variable
 * {@value #ROLLBACK_REQUESTED} to {@code true} (Cockpit, as admin) and retries it: the worker then
 * undoes what the failed attempts of the step applied ({@link #undoApplied}) and starts the rollback.
 */
public abstract class StepWorker implements ExternalTaskHandler {

  public static final String ROLLBACK_ERROR = "UPGRADE_STEP_FAILED";
  public static final String ROLLBACK_REQUESTED = "rollbackRequested";
  /** Set with the rollback error: the step that failed (its own undo has already run). */
  public static final String FAILED_STEP = "failedStep";
  /** Camunda keeps at most this many characters of an incident message; the rest goes to the details. */
  static final int MESSAGE_LIMIT = 600;

  private static final ScheduledExecutorService LOCKS = Executors.newScheduledThreadPool(1, r -> {
    Thread t = new Thread(r, "external-task-lock-keeper");
    t.setDaemon(true);
    return t;
  });

  /** When each step starts and ends its work (DEBUG; bench/engine measures the engine's overhead around steps with it). */
  private static final Logger TIMING = LoggerFactory.getLogger("org.dpi.upgrade.worker.timing");

  private final Logger log = LoggerFactory.getLogger(getClass());
  private final long lockMillis;

  protected StepWorker(long lockMillis) {
    this.lockMillis = lockMillis;
  }

  protected StepWorker() {
    this(60_000);
  }

  /** Performs the step; returns the variables to set on completion (never a secret). */
  protected abstract Map<String, Object> run(ExternalTask task, Progress progress) throws Exception;

  /**
   * Undoes what failed attempts of this step applied, before the rollback starts. The rollback
   * undoes completed steps only, so a step that can fail half-way (rows applied, modules deployed,
   * releases removed) overrides this with its undo; it must be a no-op when nothing was applied.
   */
  protected void undoApplied(ExternalTask task) throws Exception {
  }

  @Override
  public final void execute(ExternalTask task, ExternalTaskService service) {
    // the lock keeper and the final call never overlap: both update the same external task
    var finished = new AtomicBoolean();
    // the client may have locked the task for less than lockMillis: extend before that lock runs out
    long locked = task.getLockExpirationTime() == null ? lockMillis
        : task.getLockExpirationTime().getTime() - System.currentTimeMillis();
    long period = Math.max(100, Math.min(locked, lockMillis) / 2);
    var keeper = LOCKS.scheduleAtFixedRate(() -> extend(task, service, finished), period, period, TimeUnit.MILLISECONDS);
    try {
      Object requested = task.getVariable(ROLLBACK_REQUESTED);
      if (Boolean.parseBoolean(String.valueOf(requested))) {
        throw new RollbackRequiredException("The operator abandoned '" + task.getActivityId()
            + "' (variable " + ROLLBACK_REQUESTED + "): the upgrade is rolled back");
      }
      TIMING.debug("{} of {}: step started", task.getActivityId(), task.getProcessInstanceId());
      Map<String, Object> variables = run(task, progress -> service.setVariables(task, progress));
      TIMING.debug("{} of {}: step done", task.getActivityId(), task.getProcessInstanceId());
      finish(finished, keeper, () -> service.complete(task, variables));
    } catch (DecisionRequiredException e) {
      log.info("{} ({}) waits for a decision: {}", task.getActivityId(), task.getTopicName(), e.errorCode());
      finish(finished, keeper, () -> service.handleBpmnError(task, e.errorCode(), e.getMessage(), e.variables()));
    } catch (RollbackRequiredException e) {
      log.error("{} ({}) needs a rollback: {}", task.getActivityId(), task.getTopicName(), e.getMessage());
      try {
        undoApplied(task);
      } catch (Exception undo) {
        log.error("{}: undoing the applied part failed: {}", task.getActivityId(), undo.getMessage(), undo);
        finish(finished, keeper, () -> service.handleFailure(task, incidentMessage(new IllegalStateException(
            "Before the rollback, undoing what this step applied failed: " + undo.getMessage())), details(undo), 0, 0));
        return;
      }
      finish(finished, keeper, () -> service.handleBpmnError(task, ROLLBACK_ERROR, e.getMessage(),
          Map.of(ROLLBACK_REQUESTED, false, FAILED_STEP, task.getActivityId())));
    } catch (Exception e) {
      log.error("{} ({}) failed: {}", task.getActivityId(), task.getTopicName(), e.getMessage(), e);
      finish(finished, keeper, () -> service.handleFailure(task, incidentMessage(e), details(e), 0, 0));
    }
  }

  private static void finish(AtomicBoolean finished, ScheduledFuture<?> keeper, Runnable last) {
    keeper.cancel(false);
    synchronized (finished) {
      finished.set(true);
      last.run();
    }
  }

  private void extend(ExternalTask task, ExternalTaskService service, AtomicBoolean finished) {
    synchronized (finished) {
      if (finished.get()) {
        return;
      }
      try {
        service.extendLock(task, lockMillis);
      } catch (RuntimeException e) {
        log.warn("could not extend the lock of {}: {}", task.getActivityId(), e.getMessage());
      }
    }
  }

  static String incidentMessage(Exception e) {
    String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getName() : e.getMessage();
    return message.length() <= MESSAGE_LIMIT ? message : message.substring(0, MESSAGE_LIMIT - 30) + " ... (see the details)";
  }

  private static String details(Exception e) {
    StringWriter out = new StringWriter();
    out.write(e.getMessage() == null ? "" : e.getMessage() + "\n\n");
    e.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  /** Publishes progress while a long step runs (e.g. module 3 of 23), visible in Cockpit. */
  @FunctionalInterface
  public interface Progress {
    void report(Map<String, Object> variables);
  }
}
