package org.dpi.upgrade.objectstore;

/** A failure of the migration or verification, worded for the operator: what is wrong and what to do. */
public class ObjectStoreException extends RuntimeException {
  public ObjectStoreException(String message) {
    super(message);
  }

  public ObjectStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
