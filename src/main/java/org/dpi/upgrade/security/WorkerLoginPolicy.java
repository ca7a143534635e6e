package org.dpi.upgrade.security;

import org.camunda.bpm.engine.impl.identity.db.DbGroupQueryImpl;
import org.camunda.bpm.engine.impl.identity.db.DbIdentityServiceProvider;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;

/**
 * Camunda's user store, with one change: wrong passwords never lock the worker account (group
 * {@code workers}), so that nobody can stop every automated step by sending wrong passwords for it.
 * Other users keep Camunda's growing delay after wrong passwords, made temporary-only by an unlimited
 * {@code loginMaxAttempts}; the per-address limit ({@link LoginThrottle}) slows guessing for all.
 */
public class WorkerLoginPolicy extends DbIdentityServiceProvider {

  @Override
  protected boolean isUserLocked(UserEntity user) {
    return !isWorker(user) && super.isUserLocked(user);
  }

  @Override
  protected void lockUser(UserEntity user) {
    if (!isWorker(user)) {
      super.lockUser(user);
    }
  }

  private boolean isWorker(UserEntity user) {
    DbGroupQueryImpl query = new DbGroupQueryImpl();
    query.groupMember(user.getId()).groupId(IdentitySetup.WORKERS);
    return findGroupCountByQueryCriteria(query) > 0;
  }
}
