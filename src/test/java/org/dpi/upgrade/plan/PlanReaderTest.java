package org.dpi.upgrade.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanReaderTest {

  static final Path MOSIP = Path.of("processes/mosip/mosip-1.2.0.1-to-1.2.1.0.plan.yaml");

  @Test
  void theMosipPlanFollowsTheRunbook() throws Exception {
    var plan = PlanReader.read(Files.newInputStream(MOSIP), MOSIP.toString(), Map.of());
    assertThat(PlanReader.at(plan, "helm.deploy.modules").findValuesAsText("name")).containsExactly(
        "config-server", "captcha", "artifactory", "keymanager", "websub", "mock-smtp", "kernel", "biosdk",
        "packetmanager", "datashare", "prereg", "idrepo", "pms", "mock-abis", "mock-mv", "regproc", "admin", "ida",
        "print", "digitalcard", "resident", "mosip-file-server", "regclient");
    assertThat(PlanReader.at(plan, "helm.skip")).extracting(n -> n.asText()).containsExactly("kernel-keygen",
        "masterdata-loader", "regproc-salt", "regproc-reprocess", "idrepo-saltgen", "ida-keygen", "partner-onboarder",
        "conf-secrets");
    assertThat(PlanReader.at(plan, "kubernetes.backup.secrets").findValuesAsText("name")).contains(
        "db-common-secrets", "keycloak", "keycloak-client-secrets", "activemq-activemq-artemis", "softhsm-kernel",
        "softhsm-ida", "s3", "msg-gateway", "mosip-captcha", "conf-secrets-various");
    assertThat(PlanReader.at(plan, "kubernetes.backup.configMaps").findValuesAsText("name")).containsExactly(
        "global", "keycloak-host", "activemq-activemq-artemis-share", "s3", "msg-gateway");
    assertThat(plan.toString()).as("no credential in the plan").doesNotContainIgnoringCase("password:");
  }

  @Test
  void theIdentityServicePlanNamesTheReleaseTheChartVersionsAndTheKeycloakDatabase() throws Exception {
    Path identity = Path.of("processes/alfresco-identity/alfresco-identity-1.1-to-1.2.plan.yaml");
    var plan = PlanReader.read(Files.newInputStream(identity), identity.toString(), Map.of());
    assertThat(PlanReader.at(plan, "helm.identity.chart").asText()).isEqualTo("alfresco-incubator/alfresco-infrastructure");
    assertThat(PlanReader.at(plan, "helm.identity.version").asText()).isEqualTo("5.2.0");
    assertThat(PlanReader.at(plan, "postgres.databases").get(0).asText()).isEqualTo("keycloak");
    assertThat(plan.toString()).as("no credential in the plan").doesNotContainIgnoringCase("password:");
  }

  @Test
  void eachPlatformNeedsItsOwnSectionsAndAnUnknownPlatformIsNamed() {
    assertThatThrownBy(() -> PlanReader.read(in("planVersion: 1\nplatform: alfresco-identity\nfrom: '1.1'\nto: '1.2'\n"
        + "gates: {dueAfter: PT4H}\npostgres: {databases: [keycloak], backup: {directory: /b}, onRollbackMismatch: restore}\n"),
        "x", Map.of()))
        .satisfies(e -> assertThat(((InvalidPlanException) e).problems()).containsExactlyInAnyOrder(
            "section 'helm.identity' is missing", "section 'kubernetes.backup' is missing"));
    assertThatThrownBy(() -> PlanReader.read(in("planVersion: 1\nplatform: wso2\nfrom: a\nto: b\n"), "x", Map.of()))
        .satisfies(e -> assertThat(((InvalidPlanException) e).problems()).containsExactly(
            "platform 'wso2' is not known (known: [alfresco-identity, mosip])"));
  }

  @Test
  void overridesReplaceValuesAndBlankOnesAreIgnored() throws Exception {
    var plan = PlanReader.read(Files.newInputStream(MOSIP), "plan",
        Map.of("postgres.upgradeCsv", " /srv/upgrade.csv ", "postgres.scriptsRoot", ""));
    assertThat(PlanReader.at(plan, "postgres.upgradeCsv").asText()).isEqualTo("/srv/upgrade.csv");
    assertThat(PlanReader.at(plan, "postgres.scriptsRoot").asText()).isEqualTo("/etc/upgrade-orchestrator/mosip/db_upgrade_scripts");
  }

  @Test
  void everyProblemIsListedAtOnce() {
    String yaml = """
        planVersion: 1
        platform: mosip
        helm:
          uninstall: {namespaces: [kernel]}
          skip: [kernel]
          deploy:
            readinessTimeout: 60
            modules:
              - {name: kernel, namespace: kernel, chart: mosip/kernel, version: 1.3.0}
              - {name: kernel, namespace: kernel, chart: mosip/kernel}
        postgres: {upgradeCsv: /x.csv, scriptsRoot: /s, databases: [a], backup: {directory: /b}, onRollbackMismatch: hope}
        gates: {dueAfter: 4h, remindAfter: PT2H, escalateAfter: PT4H, schemaUpgradeApprovers: 0}
        """;
    assertThatThrownBy(() -> PlanReader.read(in(yaml), "test.yaml", Map.of()))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageStartingWith("The upgrade plan test.yaml cannot be used")
        .satisfies(e -> assertThat(((InvalidPlanException) e).problems()).containsExactlyInAnyOrder(
            "'from' is missing", "'to' is missing",
            "section 'config' is missing", "section 'kubernetes.backup' is missing", "section 'objectstore' is missing",
            "'helm.deploy.modules[1].version' is missing", "module 'kernel' is listed twice in helm.deploy.modules",
            "release 'kernel' is both deployed and skipped",
            "'postgres.onRollbackMismatch' must be 'restore' or 'ask-dba', not 'hope'",
            "'gates.dueAfter' must be an ISO-8601 duration such as PT4H, not '4h'",
            "'gates.schemaUpgradeApprovers' must be a whole number of at least 1"));
  }

  @Test
  void notYamlOrNotAMappingIsRefused() {
    assertThatThrownBy(() -> PlanReader.read(in("a: [unclosed"), "x", Map.of())).hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> PlanReader.read(in("- a\n- b\n"), "x", Map.of())).hasMessageContaining("must be a YAML mapping");
  }

  private static InputStream in(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
