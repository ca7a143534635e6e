package org.dpi.upgrade.helm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.dpi.upgrade.kubernetes.BackupSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runbook step 7: deploys the plan's modules in order, skipping the releases the runbook skips,
 * waiting for each to be ready. Before touching a module it records the release's previous state
 * (the installed release, else what the uninstall step recorded for it), so that {@link #revert}
 * can redeploy the older chart and values, in reverse order. A retry finds the modules already at
 * their target chart version and only waits for their readiness.
 */
public class HelmDeployer {

  private static final Logger log = LoggerFactory.getLogger(HelmDeployer.class);

  private final HelmClient helm;
  private final Readiness readiness;
  private final ReleaseRecords records;
  private final Duration singleTimeout;

  public HelmDeployer(HelmClient helm, Readiness readiness, ReleaseRecords records, Duration singleTimeout) {
    this.helm = helm;
    this.readiness = readiness;
    this.records = records;
    this.singleTimeout = singleTimeout;
  }

  /** Progress of a deployment: module {@code index} of {@code total} is {@code module}. */
  public record Step(int index, int total, DeploySpec.Module module) {
    public Map<String, Object> variables() {
      return Map.of("deployProgress", "module " + index + " of " + total,
          "deployRelease", module.namespace() + "/" + module.name());
    }
  }

  /** @return namespace/release of the modules deployed, in order */
  public List<String> deploy(DeploySpec spec, List<String> skip, BackupSpec store, String run, Consumer<Step> progress)
      throws Exception {
    ReleaseSpec.check("helm.deploy", spec.problems());
    List<DeploySpec.Module> modules = spec.modules().stream().filter(m -> !skip.contains(m.name())).toList();
    List<ReleaseState> uninstalled = records.get(store, run, ReleaseRecords.UNINSTALL);
    List<String> deployed = new ArrayList<>();
    for (int i = 0; i < modules.size(); i++) {
      DeploySpec.Module module = modules.get(i);
      progress.accept(new Step(i + 1, modules.size(), module));
      ReleaseState target = module.target();
      Optional<ReleaseState> current = helm.current(module.name(), module.namespace());
      if (current.isPresent() && sameChart(current.get(), target)) {
        log.info("{} is already at {} {}: waiting for its readiness only", target.id(), target.chart(), target.version());
      } else {
        Optional<ReleaseState> previous = current.or(() -> uninstalled.stream().filter(u -> u.id().equals(target.id())).findFirst());
        records.add(store, run, ReleaseRecords.DEPLOY_PLAN,
            List.of(previous.orElse(new ReleaseState(module.name(), module.namespace(), null, null, null))));
        log.info("deploying {} ({} of {})", target.describe(), i + 1, modules.size());
        helm.deploy(target);
      }
      readiness.await(module.name(), module.namespace(), Duration.ofSeconds(spec.readinessTimeout()));
      deployed.add(target.id());
    }
    return deployed;
  }

  /**
   * Undoes {@link #deploy}: for each module it touched, in reverse order, redeploys the recorded
   * previous chart and values, or uninstalls the release if there was none.
   *
   * @return what was done, one line per module
   */
  public List<String> revert(BackupSpec store, String run) throws Exception {
    List<ReleaseState> touched = new ArrayList<>(records.get(store, run, ReleaseRecords.DEPLOY_PLAN));
    java.util.Collections.reverse(touched);
    List<String> done = new ArrayList<>();
    for (ReleaseState previous : touched) {
      if (previous.chart() == null) {
        helm.uninstall(previous.release(), previous.namespace());
        done.add(previous.id() + " uninstalled (it did not exist before)");
      } else {
        done.add(restore(previous));
      }
    }
    return done;
  }

  /** Brings a release back to a recorded state unless it is already there; waits for readiness. */
  String restore(ReleaseState recorded) throws Exception {
    Optional<ReleaseState> current = helm.current(recorded.release(), recorded.namespace());
    if (current.isPresent() && sameChart(current.get(), recorded) && current.get().values().equals(recorded.values())) {
      return recorded.describe() + " already in place";
    }
    helm.deploy(recorded);
    readiness.await(recorded.release(), recorded.namespace(), singleTimeout);
    return recorded.describe() + " redeployed";
  }

  static boolean sameChart(ReleaseState a, ReleaseState b) {
    return a.chart() != null && a.chart().substring(a.chart().indexOf('/') + 1).equals(b.chart().substring(b.chart().indexOf('/') + 1))
        && a.version().equals(b.version());
  }
}
