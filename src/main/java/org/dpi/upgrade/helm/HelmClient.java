package org.dpi.upgrade.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.ReleaseHistory;
import com.marcnuri.helm.UpgradeCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Helm 3 (embedded through helm-java) on the target cluster. Charts come from the configured
 * repository directories; values are handed over in a private temporary file, deleted at once.
 * Install and upgrade are separate calls: helm-java's {@code upgrade --install} ignores in-memory
 * kubeconfig contents when it installs; the namespace of a new release is created with fabric8.
 */
public class HelmClient {

  /** Annotation of a namespace created for a release: the release's name. */
  static final String CREATED_FOR = "upgrade-orchestrator/created-for-release";

  /** {@code name-1.2.3} as Helm reports a release's chart. */
  private static final Pattern CHART = Pattern.compile("(.+)-(\\d[^-]*(?:-[^-]+)?)");

  private final Supplier<String> kubeconfig;
  private final HelmProperties properties;
  private final KubernetesClient client;

  public HelmClient(Supplier<String> kubeconfig, HelmProperties properties, KubernetesClient client) {
    this.kubeconfig = kubeconfig;
    this.properties = properties;
    this.client = client;
  }

  /** The deployed release, with its user-supplied values; empty if not installed. */
  public Optional<ReleaseState> current(String release, String namespace) {
    return Helm.list().withNamespace(namespace).withKubeConfigContents(kubeconfig.get()).call().stream()
        .filter(r -> r.getName().equals(release)).findFirst().map(this::state);
  }

  public List<ReleaseState> releases(String namespace) {
    return Helm.list().withNamespace(namespace).withKubeConfigContents(kubeconfig.get()).call().stream()
        .map(this::state).toList();
  }

  private ReleaseState state(Release r) {
    Matcher chart = CHART.matcher(r.getChart());
    String name = chart.matches() ? chart.group(1) : r.getChart();
    String version = chart.matches() ? chart.group(2) : "";
    String values = Helm.get(r.getName()).values().withNamespace(r.getNamespace())
        .withKubeConfigContents(kubeconfig.get()).call();
    return new ReleaseState(r.getName(), r.getNamespace(), properties.recordedRepository() + "/" + name, version, values);
  }

  /** Installs or upgrades to exactly {@code target} (chart, version, values). */
  public void deploy(ReleaseState target) throws Exception {
    Path chart = chart(target.chart(), target.version());
    Path values = Files.createTempFile("helm-values-", ".yaml",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(values, target.values() == null ? "" : target.values());
      if (current(target.release(), target.namespace()).isPresent()) {
        UpgradeCommand upgrade = new Helm(chart).upgrade().resetValues().withName(target.release())
            .withNamespace(target.namespace()).withValuesFile(values).withKubeConfigContents(kubeconfig.get());
        if (!properties.openapiValidation()) {
          upgrade.disableOpenApiValidation();
        }
        upgrade.call();
      } else {
        ensureNamespace(target.namespace(), target.release());
        InstallCommand install = new Helm(chart).install().withName(target.release())
            .withNamespace(target.namespace()).withValuesFile(values).withKubeConfigContents(kubeconfig.get());
        if (!properties.openapiValidation()) {
          install.disableOpenApiValidation();
        }
        try {
          install.call();
        } finally {
          JvmSignals.restore();
        }
      }
    } finally {
      Files.deleteIfExists(values);
    }
  }

  /** Creates the namespace of a new release if it is missing, noting that it was created for that release. */
  private void ensureNamespace(String namespace, String release) {
    if (client.namespaces().withName(namespace).get() == null) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
              .addToAnnotations(CREATED_FOR, release).endMetadata().build())
          .createOr(NonDeletingOperation::update);
    }
  }

  /**
   * The newest revision of the release that ran {@code chart} (name without repository) at
   * {@code version}, from the release history; empty if none did.
   */
  public OptionalInt lastRevisionAt(String release, String namespace, String chart, String version) {
    String name = chart.substring(chart.indexOf('/') + 1) + "-" + version;
    return Helm.history(release).withNamespace(namespace).withKubeConfigContents(kubeconfig.get()).call().stream()
        .filter(h -> name.equals(h.getChart())).mapToInt(ReleaseHistory::getRevision).max();
  }

  /** The release's current revision (0 when it has no history). */
  public int revision(String release, String namespace) {
    return Helm.history(release).withNamespace(namespace).withKubeConfigContents(kubeconfig.get()).call().stream()
        .mapToInt(ReleaseHistory::getRevision).max().orElse(0);
  }

  /**
   * Uninstalls the release; a namespace this client created for it goes too, once no release is left
   * in it, so that undoing an install leaves the cluster as it was.
   */
  public void uninstall(String release, String namespace) {
    Helm.uninstall(release).withNamespace(namespace).ignoreNotFound().withKubeConfigContents(kubeconfig.get()).call();
    var created = client.namespaces().withName(namespace).get();
    if (created != null && created.getMetadata().getAnnotations() != null
        && release.equals(created.getMetadata().getAnnotations().get(CREATED_FOR)) && releases(namespace).isEmpty()) {
      client.namespaces().withName(namespace).delete();
    }
  }

  /** The packaged chart {@code <repository directory>/<name>-<version>.tgz}. */
  Path chart(String reference, String version) {
    String[] parts = reference.split("/", 2);
    if (parts.length != 2 || !properties.repositories().containsKey(parts[0])) {
      throw new IllegalStateException("chart " + reference + ": no chart repository '" + parts[0]
          + "' in orchestrator.helm.repositories (known: " + properties.repositories().keySet() + ")");
    }
    Path chart = Path.of(properties.repositories().get(parts[0])).resolve(parts[1] + "-" + version + ".tgz");
    if (!Files.isReadable(chart)) {
      throw new IllegalStateException("chart " + reference + " " + version + " is not in repository " + parts[0]
          + ": put " + chart.getFileName() + " into " + chart.getParent() + " (helm pull " + reference + " --version "
          + version + ")");
    }
    return chart;
  }
}
