package org.dpi.upgrade.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(180)
class HelmDeployerTest {

  static final List<String> MODULES = List.of("config-server", "conf-secrets", "captcha", "keymanager", "websub");
  static final String OLD_VALUES = "replicaCount: 1\nmosipSecret: old-Vx93\n";

  @TempDir Path temp;
  HelmFixture f;
  List<String> progress = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    f = new HelmFixture(temp);
    for (String m : MODULES) {
      f.chart(m, "12.0.1", "1.3.0");
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  static DeploySpec plan(int timeoutSeconds) {
    return new DeploySpec(timeoutSeconds, MODULES.stream()
        .map(m -> new DeploySpec.Module(m, m, "mosip/" + m, "1.3.0", null)).toList());
  }

  List<String> deploy(int timeoutSeconds) throws Exception {
    return f.deployer.deploy(plan(timeoutSeconds), List.of("conf-secrets", "masterdata-loader"), f.store, HelmFixture.RUN,
        step -> progress.add(step.variables().get("deployProgress") + " " + step.variables().get("deployRelease")));
  }

  @Test
  void deploysInPlanOrderSkippingTheRunbookSkipsAndReportsProgress() throws Exception {
    assertThat(deploy(10)).containsExactly("config-server/config-server", "captcha/captcha", "keymanager/keymanager", "websub/websub");
    assertThat(f.revisionsSince(Set.of())).containsExactly("config-server v1", "captcha v1", "keymanager v1", "websub v1");
    assertThat(f.helm.current("conf-secrets", "conf-secrets")).isEmpty();
    assertThat(progress).containsExactly("module 1 of 4 config-server/config-server", "module 2 of 4 captcha/captcha",
        "module 3 of 4 keymanager/keymanager", "module 4 of 4 websub/websub");
  }

  @Test
  void aModuleThatIsNotReadyStopsTheDeploymentNamingReleaseNamespaceAndPod() throws Exception {
    f.cluster.kubelet().breakRelease("keymanager");
    assertThatThrownBy(() -> deploy(2))
        .hasMessageContaining("release keymanager in namespace keymanager is not ready after 2 s")
        .hasMessageContaining("Deployment keymanager 0/1 ready")
        .hasMessageContaining("pod keymanager-7d4b9c-x2x9z: keymanager CrashLoopBackOff");
    assertThat(f.helm.current("websub", "websub")).isEmpty();
  }

  @Test
  void aRetryAfterAFailureDoesNotRedeployWhatIsDone() throws Exception {
    f.cluster.kubelet().breakRelease("keymanager");
    assertThatThrownBy(() -> deploy(2)).hasMessageContaining("keymanager");
    Set<String> before = f.revisions();
    f.cluster.kubelet().repair("keymanager");
    deploy(10);
    assertThat(f.revisionsSince(before)).containsExactly("websub v1");
  }

  @Test
  void revertAfterModuleKRedeploysModulesKTo1InReverseWithTheirOldChartsAndValues() throws Exception {
    for (String m : List.of("config-server", "captcha", "keymanager", "websub")) {
      f.helm.deploy(new ReleaseState(m, m, "mosip/" + m, "12.0.1", OLD_VALUES));
    }
    HelmReleases.Uninstalled uninstalled = f.releases.uninstallNamespaces(
        List.of("websub", "keymanager", "captcha", "config-server", "regclient"), f.store, HelmFixture.RUN);
    assertThat(uninstalled.releases()).containsExactly("websub/websub", "keymanager/keymanager", "captcha/captcha",
        "config-server/config-server");
    assertThat(uninstalled.namespacesWithoutRelease()).containsExactly("regclient");
    f.cluster.kubelet().breakRelease("keymanager");
    assertThatThrownBy(() -> deploy(2)).hasMessageContaining("keymanager");
    f.cluster.kubelet().repair("keymanager");
    Set<String> before = f.revisions();

    assertThat(f.deployer.revert(f.store, HelmFixture.RUN)).hasSize(3);

    assertThat(f.revisionsSince(before)).containsExactly("keymanager v2", "captcha v2", "config-server v2");
    for (String m : List.of("config-server", "captcha", "keymanager")) {
      ReleaseState now = f.helm.current(m, m).orElseThrow();
      assertThat(now.version()).isEqualTo("12.0.1");
      assertThat(now.values()).contains("mosipSecret: old-Vx93");
    }
    assertThat(f.helm.current("websub", "websub")).isEmpty();

    Set<String> afterRevert = f.revisions();
    f.releases.reinstall(null, f.store, HelmFixture.RUN);
    assertThat(f.revisionsSince(afterRevert)).containsExactly("websub v1");
    assertThat(f.helm.current("websub", "websub").orElseThrow().version()).isEqualTo("12.0.1");
  }

  @Test
  void theRecordedValuesAreEncryptedInTheStore() throws Exception {
    f.helm.deploy(new ReleaseState("captcha", "captcha", "mosip/captcha", "12.0.1", OLD_VALUES));
    f.releases.uninstallNamespaces(List.of("captcha"), f.store, HelmFixture.RUN);
    try (var in = f.s3.client().getObject(io.minio.GetObjectArgs.builder().bucket("upgrade-backups")
        .object("mosip/config/run-7/helm-uninstall.enc").build())) {
      String stored = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
      assertThat(stored).doesNotContain("old-Vx93").doesNotContain("captcha");
    }
    assertThat(f.records.get(f.store, HelmFixture.RUN, ReleaseRecords.UNINSTALL))
        .extracting(ReleaseState::describe).containsExactly("captcha/captcha (mosip/captcha 12.0.1)");
  }

  @Test
  void anInvalidPlanIsRejectedWithEveryProblemBeforeAnythingIsDeployed() {
    DeploySpec bad = new DeploySpec(0, List.of(new DeploySpec.Module("Kernel", "kernel", "kernel", null, null)));
    assertThatThrownBy(() -> f.deployer.deploy(bad, List.of(), f.store, HelmFixture.RUN, step -> { }))
        .hasMessageContaining("readinessTimeout must be a positive number")
        .hasMessageContaining("release name 'Kernel' is not valid")
        .hasMessageContaining("chart 'kernel' is not <repository>/<chart>")
        .hasMessageContaining("version is missing");
    assertThat(f.revisionsSince(Set.of())).isEmpty();
  }
}
