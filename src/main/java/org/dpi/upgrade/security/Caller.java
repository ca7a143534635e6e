package org.dpi.upgrade.security;

import java.util.List;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.impl.identity.Authentication;

/** The authenticated user a command runs for, with the groups that decide what it may do. */
record Caller(String userId, List<String> groups) {

  static Caller of(Authentication authentication) {
    return new Caller(authentication.getUserId(),
        authentication.getGroupIds() == null ? List.of() : List.copyOf(authentication.getGroupIds()));
  }

  /** Break-glass powers: everything is allowed, and every use of a gate rule's exception is recorded. */
  boolean admin() {
    return groups.contains(Groups.CAMUNDA_ADMIN);
  }

  /** The technical account of the external-task workers: external-task commands only. */
  boolean worker() {
    return !admin() && groups.contains(IdentitySetup.WORKERS);
  }

  @Override
  public String toString() {
    return userId;
  }
}
