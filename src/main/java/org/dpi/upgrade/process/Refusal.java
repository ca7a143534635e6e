package org.dpi.upgrade.process;

import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a refused request gets: one plain sentence naming each problem, answered 400 (invalid input)
 * or 403 (forbidden action) by the REST API, and one WARN line in the log without a stack trace
 * (the engine and the REST API log these exception types at DEBUG only).
 */
public final class Refusal {

  private static final Logger LOG = LoggerFactory.getLogger(Refusal.class);

  private Refusal() {}

  /** Input that breaks a rule (form field, answer, path): HTTP 400. */
  public static InvalidInputException invalid(String user, String message) {
    String line = oneLine(message);
    LOG.warn("refused (invalid input) for {}: {}", user, line);
    return new InvalidInputException(line);
  }

  /** An action the user may not take: HTTP 403. */
  public static ForbiddenActionException forbidden(String user, String message) {
    String line = oneLine(message);
    LOG.warn("refused (forbidden) for {}: {}", user, line);
    return new ForbiddenActionException(line);
  }

  private static String oneLine(String message) {
    return message.replaceAll("\\s*\\R\\s*", " ");
  }

  /** Invalid input; nothing was changed. */
  public static class InvalidInputException extends BadUserRequestException {
    InvalidInputException(String message) {
      super(message);
    }
  }

  /** A forbidden action; nothing was changed. */
  public static class ForbiddenActionException extends AuthorizationException {
    ForbiddenActionException(String message) {
      super(message);
    }
  }
}
