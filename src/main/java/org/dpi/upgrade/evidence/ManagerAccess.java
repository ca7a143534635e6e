package org.dpi.upgrade.evidence;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.Set;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.authorization.Groups;
import org.dpi.upgrade.security.BasicCredentials;
import org.dpi.upgrade.security.IdentitySetup;
import org.springframework.stereotype.Component;

/**
 * Who may read the upgrade history and the evidence packs: members of {@code managers} and of
 * {@code camunda-admin}, logged in to the Camunda webapps (their session) or sending HTTP Basic
 * credentials. Group membership is read from the identity service at each request.
 */
@Component
public class ManagerAccess {

  static final Set<String> GROUPS = Set.of(IdentitySetup.MANAGERS, Groups.CAMUNDA_ADMIN);

  /** The outcome of a check: the user, or the HTTP status and one sentence saying why not. */
  public record Decision(String user, int status, String reason) {
    boolean allowed() {
      return status == 200;
    }
  }

  private final ProcessEngine engine;

  public ManagerAccess(ProcessEngine engine) {
    this.engine = engine;
  }

  public Decision check(HttpServletRequest request) {
    Optional<String> user = BasicCredentials.user(request, engine.getIdentityService(), engine.getName());
    if (user.isEmpty()) {
      return new Decision(null, 401, "Log in to Cockpit or Tasklist first, or send the HTTP Basic credentials of a manager.");
    }
    IdentityService identity = engine.getIdentityService();
    boolean member = identity.createGroupQuery().groupMember(user.get()).list().stream().anyMatch(g -> GROUPS.contains(g.getId()));
    return member ? new Decision(user.get(), 200, null)
        : new Decision(user.get(), 403, "Only managers and administrators can read the upgrade history and evidence packs.");
  }
}
