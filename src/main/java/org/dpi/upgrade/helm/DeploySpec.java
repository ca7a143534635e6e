package org.dpi.upgrade.helm;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The plan's {@code helm.deploy}: modules in deployment order, readiness timeout in seconds per module.
 * A module may carry {@code values} (YAML) for its release.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeploySpec(Integer readinessTimeout, List<Module> modules) {

  public DeploySpec {
    modules = modules == null ? List.of() : modules;
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Module(String name, String namespace, String chart, String version, String values) {
    ReleaseState target() {
      return new ReleaseState(name, namespace, chart, version, values);
    }
  }

  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (readinessTimeout == null || readinessTimeout <= 0) {
      problems.add("readinessTimeout must be a positive number of seconds");
    }
    if (modules.isEmpty()) {
      problems.add("modules is empty");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < modules.size(); i++) {
      Module m = modules.get(i);
      String at = "module " + (i + 1);
      if (m == null) {
        problems.add(at + " is empty");
        continue;
      }
      problems.addAll(ReleaseSpec.problems(at, m.name(), m.namespace(), m.chart(), m.version()));
      if (m.name() != null && !seen.add(m.namespace() + "/" + m.name())) {
        problems.add(at + ": " + m.namespace() + "/" + m.name() + " appears twice");
      }
    }
    return problems;
  }
}
