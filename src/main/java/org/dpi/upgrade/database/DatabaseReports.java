package org.dpi.upgrade.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.camunda.bpm.engine.IdentityService;
import org.dpi.upgrade.security.BasicCredentials;
import org.dpi.upgrade.security.IdentitySetup;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The complete reports of the database steps ({@code rehearsal}, {@code schema-upgrade},
 * {@code schema-rollback}, {@code restore-point-decision}, {@code database-decision}, ...) of a process
 * instance, linked from the DBA forms: {@code GET /database-reports/<process instance>/<report>},
 * readable by the members of {@code dba}, {@code managers} and {@code camunda-admin} with their
 * Camunda password (HTTP Basic).
 */
@RestController
public class DatabaseReports {

  static final List<String> READERS = List.of(IdentitySetup.DBA, IdentitySetup.MANAGERS, "camunda-admin");

  private final IdentityService identity;
  private final ReportFiles reports;

  public DatabaseReports(IdentityService identity, DatabaseSettings settings) {
    this.identity = identity;
    this.reports = new ReportFiles(settings.reportDirectory());
  }

  @GetMapping(ReportFiles.PATH + "/{instance}/{report}")
  public ResponseEntity<String> report(@PathVariable String instance, @PathVariable String report,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) throws IOException {
    if (BasicCredentials.member(identity, authorization, READERS).isEmpty()) {
      return ResponseEntity.status(HttpStatus.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"database-reports\"")
          .body("Sign in as a member of dba or managers\n");
    }
    Optional<Path> file = reports.file(instance, report);
    if (file.isEmpty() || !Files.isRegularFile(file.get())) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND).body("No such report: the database steps of this process instance have not written it\n");
    }
    return ResponseEntity.ok().contentType(new MediaType("text", "plain", StandardCharsets.UTF_8)).body(Files.readString(file.get()));
  }
}
