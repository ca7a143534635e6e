package org.dpi.upgrade.sandbox;

import com.marcnuri.helm.Helm;
import java.nio.file.Files;
import java.nio.file.Path;

/** Real Helm charts for the sandbox and the tests: {@code helm create}, with the given version, packaged into {@code <dir>/charts}. */
public final class Charts {

  private Charts() {
  }

  /** {@code <dir>/charts/<name>-<version>.tgz}, a chart with one Deployment (nginx) named after the release. */
  public static Path packaged(Path dir, String name, String version) throws Exception {
    Path sources = Files.createDirectories(dir.resolve("sources").resolve(name + "-" + version));
    new Helm(create(sources, name)).packageIt().withDestination(Files.createDirectories(dir.resolve("charts"))).call();
    return dir.resolve("charts").resolve(name + "-" + version + ".tgz");
  }

  private static Path create(Path sources, String name) throws Exception {
    Helm.create().withName(name).withDir(sources).call();
    Path chart = sources.resolve(name);
    Path manifest = chart.resolve("Chart.yaml");
    String version = sources.getFileName().toString().substring(name.length() + 1);
    Files.writeString(manifest, Files.readString(manifest).replaceFirst("(?m)^version: .*$", "version: " + version));
    return chart;
  }
}
