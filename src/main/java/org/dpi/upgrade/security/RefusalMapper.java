package org.dpi.upgrade.security;

import jakarta.annotation.Priority;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.camunda.bpm.engine.rest.exception.ExceptionHandlerHelper;
import org.camunda.bpm.engine.rest.exception.RestException;
import org.dpi.upgrade.process.Refusal;

/**
 * Some REST endpoints (start, submit-form) wrap every engine exception into a 500; a refusal inside
 * is answered as itself instead: 400 for invalid input, 403 for a forbidden action, with its
 * one-line message. Anything else is answered as the REST API always does.
 */
@Priority(1)
public class RefusalMapper implements ExceptionMapper<RestException> {

  @Override
  public Response toResponse(RestException exception) {
    for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
      if (cause instanceof Refusal.InvalidInputException || cause instanceof Refusal.ForbiddenActionException) {
        return ExceptionHandlerHelper.getInstance().getResponse(cause);
      }
    }
    return ExceptionHandlerHelper.getInstance().getResponse(exception);
  }
}
