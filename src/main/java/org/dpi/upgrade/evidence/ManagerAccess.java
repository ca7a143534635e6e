package org.dpi.upgrade.evidence;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.webapp.impl.security.auth.Authentication;
import org.camunda.bpm.webapp.impl.security.auth.AuthenticationUtil;
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
    Optional<String> user = sessionUser(request.getSession(false)).or(() -> basicUser(request.getHeader("Authorization")));
    if (user.isEmpty()) {
      return new Decision(null, 401, "Log in to Cockpit or Tasklist first, or send the HTTP Basic credentials of a manager.");
    }
    IdentityService identity = engine.getIdentityService();
    boolean member = identity.createGroupQuery().groupMember(user.get()).list().stream().anyMatch(g -> GROUPS.contains(g.getId()));
    return member ? new Decision(user.get(), 200, null)
        : new Decision(user.get(), 403, "Only managers and administrators can read the upgrade history and evidence packs.");
  }

  /** The user logged in to the Camunda webapps in this session, for this engine. */
  private Optional<String> sessionUser(HttpSession session) {
    if (session == null) {
      return Optional.empty();
    }
    Authentication authentication = AuthenticationUtil.getAuthsFromSession(session).getAuthenticationForProcessEngine(engine.getName());
    return Optional.ofNullable(authentication).map(Authentication::getName);
  }

  private Optional<String> basicUser(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    String user = decoded.substring(0, colon);
    return engine.getIdentityService().checkPassword(user, decoded.substring(colon + 1)) ? Optional.of(user) : Optional.empty();
  }
}
