package org.dpi.upgrade.config;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The manual rows of a run, a page of one group at a time, for the adjudication form: thousands of
 * rows stay on disk instead of in process variables. Readable by the members of
 * {@value #REVIEWERS} and {@code camunda-admin}, authenticated with their Camunda password (HTTP Basic).
 */
@RestController
public class AdjudicationRows {

  static final String PATH = "/config-adjudication";
  static final String REVIEWERS = "config-reviewers";
  static final int PAGE_SIZE = 50;

  private final IdentityService identity;
  private final ConfigMigration migration;

  public AdjudicationRows(IdentityService identity, ConfigMigration migration) {
    this.identity = identity;
    this.migration = migration;
  }

  @GetMapping(PATH + "/{run}/rows")
  public ResponseEntity<String> rows(@PathVariable String run, @RequestParam(required = false) String group,
      @RequestParam(defaultValue = "0") int page, @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false)
      String authorization) throws java.io.IOException {
    if (!reviewer(authorization)) {
      return ResponseEntity.status(HttpStatus.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE,
          "Basic realm=\"config-adjudication\"").body("Sign in as a member of " + REVIEWERS + "\n");
    }
    Adjudication adjudication;
    try {
      adjudication = ConfigMigration.recorded(migration.runDir(run));
    } catch (IllegalStateException | IllegalArgumentException e) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND).body(e.getMessage() + "\n");
    }
    if (group != null && !adjudication.groups().containsKey(group)) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND).body("No group '" + group + "'. The groups:\n" + adjudication.overview());
    }
    return ResponseEntity.ok().contentType(new MediaType("text", "plain", StandardCharsets.UTF_8))
        .body(adjudication.page(group, Math.max(page, 0), PAGE_SIZE));
  }

  private boolean reviewer(String authorization) {
    if (authorization == null || !authorization.startsWith("Basic ")) {
      return false;
    }
    String credentials;
    try {
      credentials = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = credentials.indexOf(':');
    if (colon < 0) {
      return false;
    }
    String user = credentials.substring(0, colon);
    if (!identity.checkPassword(user, credentials.substring(colon + 1))) {
      return false;
    }
    return identity.createGroupQuery().groupMember(user).list().stream()
        .anyMatch(g -> List.of(REVIEWERS, "camunda-admin").contains(g.getId()));
  }
}
