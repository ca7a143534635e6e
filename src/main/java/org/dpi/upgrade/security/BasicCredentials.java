package org.dpi.upgrade.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;
import org.camunda.bpm.engine.IdentityService;

/**
 * HTTP Basic credentials of an application endpoint outside the REST API, checked against the
 * Camunda users: the same passwords and groups as Tasklist and Cockpit.
 */
public final class BasicCredentials {

  private BasicCredentials() {
  }

  /** The user named in the {@code Authorization} header, if the password is right and the user is in one of {@code groups}. */
  public static Optional<String> member(IdentityService identity, String authorization, Collection<String> groups) {
    if (authorization == null || !authorization.startsWith("Basic ")) {
      return Optional.empty();
    }
    String credentials;
    try {
      credentials = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
    int colon = credentials.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    String user = credentials.substring(0, colon);
    if (!identity.checkPassword(user, credentials.substring(colon + 1))) {
      return Optional.empty();
    }
    return identity.createGroupQuery().groupMember(user).list().stream().anyMatch(g -> groups.contains(g.getId()))
        ? Optional.of(user) : Optional.empty();
  }
}
