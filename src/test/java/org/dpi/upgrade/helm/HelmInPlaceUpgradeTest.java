package org.dpi.upgrade.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Check, upgrade in place and roll back one release (the Alfresco infrastructure chart carrying the
 * Identity Service) with real Helm on the test cluster; the revision to return to is read from the
 * release history, never assumed to be 1.
 */
@Timeout(180)
class HelmInPlaceUpgradeTest {

  static final String VALUES = "keycloak:\n  adminPassword: Adm-47xq\n  realm: alfresco\n";
  static final ReleaseSpec IDENTITY = new ReleaseSpec("knobby-wolf", "identity", "alfresco-incubator/alfresco-infrastructure",
      "5.2.0", "5.1.1");

  @TempDir Path temp;
  HelmFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new HelmFixture(temp);
    f.chart("alfresco-infrastructure", "5.1.1", "5.2.0");
    // two revisions at 5.1.1: the runbook's "helm rollback ... 1" would be wrong here
    f.helm.deploy(new ReleaseState("knobby-wolf", "identity", "alfresco-incubator/alfresco-infrastructure", "5.1.1", ""));
    f.helm.deploy(new ReleaseState("knobby-wolf", "identity", "alfresco-incubator/alfresco-infrastructure", "5.1.1", VALUES));
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @Test
  void upgradeKeepsTheValuesAndTheRollbackReturnsToTheRecordedRevision() throws Exception {
    HelmReleases.Checked checked = f.releases.checkRelease(IDENTITY);
    assertThat(checked.revision()).isEqualTo(2);

    HelmReleases.Upgraded upgraded = f.releases.upgradeRelease(IDENTITY, f.store, HelmFixture.RUN);
    assertThat(upgraded.rollbackRevision()).isEqualTo(2);
    assertThat(upgraded.revision()).isEqualTo(3);
    ReleaseState now = f.helm.current("knobby-wolf", "identity").orElseThrow();
    assertThat(now.version()).isEqualTo("5.2.0");
    assertThat(now.values()).isEqualTo(VALUES);

    String rolledBack = f.releases.rollbackRelease(IDENTITY, f.store, HelmFixture.RUN);
    assertThat(rolledBack).contains("redeployed", "verified", "equal revision 2", "now revision 4");
    ReleaseState back = f.helm.current("knobby-wolf", "identity").orElseThrow();
    assertThat(back.version()).isEqualTo("5.1.1");
    assertThat(back.values()).isEqualTo(VALUES);
    // a second undo (retry) changes nothing
    assertThat(f.releases.rollbackRelease(IDENTITY, f.store, HelmFixture.RUN)).contains("already in place");
    assertThat(f.helm.revision("knobby-wolf", "identity")).isEqualTo(4);
  }

  @Test
  void theCheckRefusesAnotherChartVersionAMissingTargetChartAndAMissingRelease() throws Exception {
    assertThatThrownBy(() -> f.releases.checkRelease(new ReleaseSpec("knobby-wolf", "identity",
        "alfresco-incubator/alfresco-infrastructure", "5.2.0", "5.0.0")))
        .hasMessage("identity/knobby-wolf (mosip/alfresco-infrastructure 5.1.1) is not at alfresco-incubator/alfresco-infrastructure "
            + "5.0.0 as the plan expects: nothing was changed");
    assertThatThrownBy(() -> f.releases.checkRelease(new ReleaseSpec("knobby-wolf", "identity",
        "alfresco-incubator/alfresco-infrastructure", "5.3.0", "5.1.1")))
        .hasMessageContaining("alfresco-infrastructure 5.3.0 is not in repository alfresco-incubator");
    assertThatThrownBy(() -> f.releases.checkRelease(new ReleaseSpec("other", "identity",
        "alfresco-incubator/alfresco-infrastructure", "5.2.0", "5.1.1")))
        .hasMessageContaining("release other is not installed in namespace identity");
    assertThatThrownBy(() -> f.releases.checkRelease(new ReleaseSpec("knobby-wolf", "identity",
        "alfresco-incubator/alfresco-infrastructure", "5.2.0", null)))
        .hasMessageContaining("oldVersion (the chart version installed now) is missing");
    assertThat(f.helm.revision("knobby-wolf", "identity")).isEqualTo(2);
  }

  @Test
  void aRetryOfTheUpgradeKeepsTheFirstRecordAndDeploysNothingNew() throws Exception {
    f.releases.upgradeRelease(IDENTITY, f.store, HelmFixture.RUN);
    // the worker lost its lock after Helm had upgraded: the retry finds the release at 5.2.0
    HelmReleases.Upgraded retried = f.releases.upgradeRelease(IDENTITY, f.store, HelmFixture.RUN);
    assertThat(retried.rollbackRevision()).isEqualTo(2);
    assertThat(retried.revision()).isEqualTo(3);

    f.releases.rollbackRelease(IDENTITY, f.store, HelmFixture.RUN);
    assertThat(f.helm.current("knobby-wolf", "identity").orElseThrow().version()).isEqualTo("5.1.1");
  }

  @Test
  void nothingRecordedMeansNothingToRollBack() throws Exception {
    assertThat(f.releases.rollbackRelease(IDENTITY, f.store, HelmFixture.RUN)).contains("never upgraded by this change");
    assertThat(f.helm.revision("knobby-wolf", "identity")).isEqualTo(2);
  }
}
