package org.dpi.upgrade.step;

/**
 * A step failed in a way that retrying cannot fix (for example a verification found the target
 * differs from what was recorded): the upgrade must be rolled back. Any other exception of a step
 * becomes an incident that the operator fixes and retries.
 */
public class RollbackRequiredException extends RuntimeException {
  public RollbackRequiredException(String message) {
    super(message);
  }

  public RollbackRequiredException(String message, Throwable cause) {
    super(message, cause);
  }
}
