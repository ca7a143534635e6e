package org.dpi.upgrade.database;

/** After a rollback a database still differs from its pre-upgrade snapshot; the message says how. */
public class RollbackMismatchException extends IllegalStateException {
  public RollbackMismatchException(String message) {
    super(message);
  }
}
