package org.dpi.upgrade.process;

import org.camunda.bpm.engine.EntityTypes;
import org.camunda.bpm.engine.history.UserOperationLogEntry;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.oplog.UserOperationLogContext;
import org.camunda.bpm.engine.impl.oplog.UserOperationLogContextEntryBuilder;
import org.camunda.bpm.engine.impl.persistence.entity.PropertyChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records an admin's use of break-glass powers (an action the gates refuse to everyone else): one
 * WARN log line and one user-operation-log entry of type {@value #OPERATION} (Cockpit, REST
 * {@code /history/user-operation}) naming the user, the instance, the rule set aside and the
 * reason. The reason is the annotation the admin gave a process-instance modification; without one
 * the entry says so, and the admin adds it afterwards.
 */
public final class BreakGlass {

  public static final String OPERATION = "BreakGlass";
  public static final String NO_REASON = "no reason given: annotate this entry with the reason";

  private static final Logger LOG = LoggerFactory.getLogger(BreakGlass.class);

  private BreakGlass() {}

  /** Records that {@code user} did {@code action}, which the rules refuse to non-admins. */
  public static void record(CommandContext context, String user, String processInstanceId, String action, String reason) {
    String annotation = reason == null || reason.isBlank() ? NO_REASON : reason;
    LOG.warn("break-glass by {} on instance {}: {} ({})", user, processInstanceId, action, annotation);
    UserOperationLogContext log = new UserOperationLogContext();
    log.addEntry(UserOperationLogContextEntryBuilder.entry(OPERATION, EntityTypes.PROCESS_INSTANCE)
        .category(UserOperationLogEntry.CATEGORY_OPERATOR)
        .processInstanceId(processInstanceId)
        .propertyChanges(new PropertyChange("action", null, truncate(action)))
        .annotation(truncate(annotation))
        .create());
    context.getOperationLogManager().logUserOperations(log);
  }

  private static String truncate(String text) {
    return text.length() <= 3900 ? text : text.substring(0, 3900) + " ...";
  }
}
