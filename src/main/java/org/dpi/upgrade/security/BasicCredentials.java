package org.dpi.upgrade.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.webapp.impl.security.auth.Authentication;
import org.camunda.bpm.webapp.impl.security.auth.Authentications;
import org.camunda.bpm.webapp.impl.security.auth.AuthenticationUtil;

/**
 * Who calls an application endpoint outside the REST API, checked against the Camunda users: the
 * same passwords and groups as Tasklist and Cockpit.
 */
public final class BasicCredentials {

  private BasicCredentials() {
  }

  /**
   * The user logged in to the Camunda webapps for engine {@code engineName} in the request's session,
   * else the user of its HTTP Basic credentials if the password is right.
   */
  public static Optional<String> user(HttpServletRequest request, IdentityService identity, String engineName) {
    HttpSession session = request.getSession(false);
    Authentications authentications = session == null ? null : AuthenticationUtil.getAuthsFromSession(session);
    Authentication authentication = authentications == null ? null : authentications.getAuthenticationForProcessEngine(engineName);
    return authentication != null ? Optional.of(authentication.getIdentityId())
        : user(identity, request.getHeader("Authorization"));
  }

  /** The user named in the {@code Authorization} header, if the password is right. */
  public static Optional<String> user(IdentityService identity, String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String credentials;
    try {
      credentials = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    int colon = credentials.indexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    String user = credentials.substring(0, colon);
    return identity.checkPassword(user, credentials.substring(colon + 1)) ? Optional.of(user) : Optional.empty();
  }

  /** The user named in the {@code Authorization} header, if the password is right and the user is in one of {@code groups}. */
  public static Optional<String> member(IdentityService identity, String authorization, Collection<String> groups) {
    return user(identity, authorization).filter(user ->
        identity.createGroupQuery().groupMember(user).list().stream().anyMatch(g -> groups.contains(g.getId())));
  }
}
