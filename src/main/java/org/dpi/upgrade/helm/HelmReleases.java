package org.dpi.upgrade.helm;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.dpi.upgrade.kubernetes.BackupSpec;

/**
 * Single-release steps: uninstall (recording first), reinstall what was recorded, install a release,
 * re-run keycloak-init.
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
}
