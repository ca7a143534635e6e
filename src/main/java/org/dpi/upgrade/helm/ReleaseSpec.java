package org.dpi.upgrade.helm;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** One release of the plan ({@code helm.activeMq}, {@code helm.keycloakInit}, ...). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReleaseSpec(String release, String namespace, String chart, String version, String oldVersion) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern CHART = Pattern.compile("[A-Za-z0-9._-]+/[A-Za-z0-9._-]+");

  ReleaseState target(String version) {
    return new ReleaseState(release, namespace, chart, version, "");
  }

  List<String> problems() {
    return problems("release", release, namespace, chart, version);
  }

  static List<String> problems(String at, String release, String namespace, String chart, String version) {
    List<String> problems = new ArrayList<>();
    if (!isName(release)) {
      problems.add(at + ": release name '" + release + "' is not valid");
    }
    if (!isName(namespace)) {
      problems.add(at + ": namespace '" + namespace + "' is not valid");
    }
    if (chart == null || !CHART.matcher(chart).matches()) {
      problems.add(at + ": chart '" + chart + "' is not <repository>/<chart>");
    }
    if (version == null || version.isBlank()) {
      problems.add(at + ": version is missing");
    }
    return problems;
  }

  static boolean isName(String value) {
    return value != null && NAME.matcher(value).matches();
  }

  static void check(String section, List<String> problems) {
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid " + section + ": " + String.join("; ", problems));
    }
  }
}
