package org.dpi.upgrade.helm;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.dpi.upgrade.kubernetes.BackupSpec;

/**
 * Single-release steps: uninstall (recording first), reinstall what was recorded, install a release,
 * re-run keycloak-init, check/upgrade/roll back a release in place.
 */
public class HelmReleases {

  private final HelmClient helm;
  private final Readiness readiness;
  private final ReleaseRecords records;
  private final HelmDeployer deployer;
  private final KubernetesClient client;
  private final HelmProperties properties;

  public HelmReleases(HelmClient helm, Readiness readiness, ReleaseRecords records, HelmDeployer deployer,
      KubernetesClient client, HelmProperties properties) {
    this.helm = helm;
    this.readiness = readiness;
    this.records = records;
    this.deployer = deployer;
    this.client = client;
    this.properties = properties;
  }

  /** What an uninstall did: releases removed (namespace/release) and namespaces that had none. */
  public record Uninstalled(List<String> releases, List<String> namespacesWithoutRelease) {
  }

  /**
   * Uninstalls every release of the namespaces, in order, after recording all of them (chart, version,
   * values) in the encrypted record {@code helm-uninstall}.
   */
  public Uninstalled uninstallNamespaces(List<String> namespaces, BackupSpec store, String run) throws Exception {
    List<String> problems = new ArrayList<>();
    if (namespaces.isEmpty()) {
      problems.add("namespaces is empty");
    }
    namespaces.stream().filter(ns -> !ReleaseSpec.isName(ns)).forEach(ns -> problems.add("namespace '" + ns + "' is not valid"));
    ReleaseSpec.check("helm.uninstall", problems);
    List<ReleaseState> found = new ArrayList<>();
    List<String> empty = new ArrayList<>();
    for (String ns : namespaces) {
      List<ReleaseState> releases = helm.releases(ns);
      found.addAll(releases);
      if (releases.isEmpty()) {
        empty.add(ns);
      }
    }
    records.add(store, run, ReleaseRecords.UNINSTALL, found);
    for (ReleaseState r : found) {
      helm.uninstall(r.release(), r.namespace());
    }
    return new Uninstalled(found.stream().map(ReleaseState::id).toList(), empty);
  }

  /** Uninstalls one release, recording it first (record {@code helm-release-<namespace>-<release>}). */
  public String uninstallRelease(ReleaseSpec spec, BackupSpec store, String run) throws Exception {
    ReleaseSpec.check("release", spec.problems());
    Optional<ReleaseState> current = helm.current(spec.release(), spec.namespace());
    if (current.isEmpty()) {
      return spec.namespace() + "/" + spec.release() + " was not installed";
    }
    records.add(store, run, ReleaseRecords.ofRelease(spec.namespace(), spec.release()), List.of(current.get()));
    helm.uninstall(spec.release(), spec.namespace());
    return current.get().describe() + " uninstalled";
  }

  /**
   * Reinstalls what an uninstall recorded ({@code release} null: the namespaces' record), in reverse
   * order of removal; releases already at their recorded chart, version and values are left alone.
   */
  public List<String> reinstall(ReleaseSpec release, BackupSpec store, String run) throws Exception {
    String name = release == null ? ReleaseRecords.UNINSTALL : ReleaseRecords.ofRelease(release.namespace(), release.release());
    List<ReleaseState> recorded = new ArrayList<>(records.get(store, run, name));
    Collections.reverse(recorded);
    List<String> done = new ArrayList<>();
    for (ReleaseState r : recorded) {
      done.add(deployer.restore(r));
    }
    return done;
  }

  /** Installs or upgrades a release to the plan's chart version and waits for it; nothing if already there. */
  public String install(ReleaseSpec spec, String version) throws Exception {
    ReleaseSpec.check("release", spec.problems());
    ReleaseState target = spec.target(version);
    Optional<ReleaseState> current = helm.current(spec.release(), spec.namespace());
    if (current.isEmpty() || !HelmDeployer.sameChart(current.get(), target)) {
      helm.deploy(target);
    }
    readiness.await(spec.release(), spec.namespace(), properties.readinessTimeout());
    return target.describe() + " ready";
  }

  /**
   * Deletes the keycloak-init release and its jobs and installs it again at {@code version} with the
   * values it had before the upgrade (recorded once, {@code helm-keycloak-init}); waits for its job.
   */
  public String rerunKeycloakInit(ReleaseSpec spec, String version, BackupSpec store, String run) throws Exception {
    List<String> problems = new ArrayList<>(spec.problems());
    if (version == null || version.isBlank()) {
      problems.add("version is missing");
    }
    ReleaseSpec.check("keycloak-init", problems);
    Optional<ReleaseState> current = helm.current(spec.release(), spec.namespace());
    List<ReleaseState> recorded = records.add(store, run, ReleaseRecords.KEYCLOAK_INIT, current.stream().toList());
    String values = recorded.isEmpty() ? "" : recorded.get(0).values();
    helm.uninstall(spec.release(), spec.namespace());
    client.batch().v1().jobs().inNamespace(spec.namespace()).withLabel(Readiness.INSTANCE, spec.release()).delete();
    ReleaseState target = new ReleaseState(spec.release(), spec.namespace(), spec.chart(), version, values);
    helm.deploy(target);
    readiness.await(spec.release(), spec.namespace(), properties.readinessTimeout());
    return target.describe() + " re-run, job complete";
  }

  /** A release found at the chart version the plan upgrades from. */
  public record Checked(String summary, int revision) {
  }

  /**
   * Pre-check of an in-place upgrade: the release is installed at {@code oldVersion} of the plan's
   * chart and {@code version} is in the chart repository. Changes nothing.
   */
  public Checked checkRelease(ReleaseSpec spec) {
    ReleaseState current = installedAtOldVersion(spec);
    helm.chart(spec.chart(), spec.version());
    int revision = helm.revision(spec.release(), spec.namespace());
    return new Checked(current.describe() + ", revision " + revision + "; chart " + spec.version() + " is in the repository",
        revision);
  }

  /** An in-place upgrade: the revision to return to and the one the upgrade made. */
  public record Upgraded(String summary, int rollbackRevision, int revision) {
  }

  /**
   * Upgrades the release in place to {@code version} with its own user-supplied values, after
   * recording its state (record {@code helm-upgrade-<namespace>-<release>}, first record wins, so a
   * retry keeps the state from before the first attempt); waits for readiness. The revision to
   * return to is the newest one at the recorded chart version, read from the release history.
   */
  public Upgraded upgradeRelease(ReleaseSpec spec, BackupSpec store, String run) throws Exception {
    ReleaseState target = spec.target(spec.version());
    Optional<ReleaseState> current = helm.current(spec.release(), spec.namespace());
    List<ReleaseState> record = records.get(store, run, ReleaseRecords.ofUpgrade(spec.namespace(), spec.release()));
    if (record.isEmpty()) {
      record = records.add(store, run, ReleaseRecords.ofUpgrade(spec.namespace(), spec.release()), List.of(installedAtOldVersion(spec)));
    } else if (current.isEmpty()) {
      throw new IllegalStateException(spec.namespace() + "/" + spec.release() + " is no longer installed: nothing was changed");
    }
    ReleaseState before = record.get(0);
    int rollbackRevision = helm.lastRevisionAt(spec.release(), spec.namespace(), before.chart(), before.version())
        .orElseThrow(() -> new IllegalStateException("the history of " + before.id() + " has no revision at " + before.chart()
            + " " + before.version() + ": nothing was changed"));
    ReleaseState upgraded = new ReleaseState(target.release(), target.namespace(), target.chart(), target.version(), before.values());
    if (!HelmDeployer.sameChart(helm.current(spec.release(), spec.namespace()).orElseThrow(), upgraded)) {
      helm.deploy(upgraded);
    }
    readiness.await(spec.release(), spec.namespace(), properties.readinessTimeout());
    int revision = helm.revision(spec.release(), spec.namespace());
    return new Upgraded(before.describe() + " upgraded to " + target.chart() + " " + target.version() + " (revision " + revision
        + "; rollback to revision " + rollbackRevision + ")", rollbackRevision, revision);
  }

  /**
   * Undo of {@link #upgradeRelease}: redeploys the recorded chart, version and values as a new
   * revision (what {@code helm rollback <revision>} does; helm-java has no rollback command), waits
   * for readiness and verifies that the release again runs exactly the recorded chart, version and
   * values. Nothing recorded (the upgrade never started): nothing to do.
   */
  public String rollbackRelease(ReleaseSpec spec, BackupSpec store, String run) throws Exception {
    ReleaseSpec.check("release", spec.problems());
    List<ReleaseState> record = records.get(store, run, ReleaseRecords.ofUpgrade(spec.namespace(), spec.release()));
    if (record.isEmpty()) {
      return spec.namespace() + "/" + spec.release() + " was never upgraded by this change: nothing to roll back";
    }
    ReleaseState before = record.get(0);
    int recordedRevision = helm.lastRevisionAt(spec.release(), spec.namespace(), before.chart(), before.version()).orElse(0);
    String done = deployer.restore(before);
    ReleaseState now = helm.current(spec.release(), spec.namespace())
        .orElseThrow(() -> new IllegalStateException(before.id() + " is not installed after the rollback"));
    if (!HelmDeployer.sameChart(now, before) || !now.values().equals(before.values())) {
      throw new IllegalStateException(before.id() + " runs " + now.chart() + " " + now.version()
          + " after the rollback, not the recorded " + before.chart() + " " + before.version() + " with its recorded values");
    }
    return done + " and verified: chart, version and values equal revision " + recordedRevision + " (now revision "
        + helm.revision(spec.release(), spec.namespace()) + ")";
  }

  private ReleaseState installedAtOldVersion(ReleaseSpec spec) {
    List<String> problems = new ArrayList<>(spec.problems());
    if (spec.oldVersion() == null || spec.oldVersion().isBlank()) {
      problems.add("oldVersion (the chart version installed now) is missing");
    }
    ReleaseSpec.check("release", problems);
    ReleaseState current = helm.current(spec.release(), spec.namespace()).orElseThrow(() -> new IllegalStateException(
        "release " + spec.release() + " is not installed in namespace " + spec.namespace() + ": check the plan (helm list -n "
            + spec.namespace() + "); nothing was changed"));
    if (!HelmDeployer.sameChart(current, spec.target(spec.oldVersion()))) {
      throw new IllegalStateException(current.describe() + " is not at " + spec.chart() + " " + spec.oldVersion()
          + " as the plan expects: nothing was changed");
    }
    // recorded with the plan's chart reference: the rollback finds the chart in the plan's repository
    return new ReleaseState(current.release(), current.namespace(), spec.chart(), current.version(), current.values());
  }
}
