package org.dpi.upgrade.kubernetes;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The plan's {@code kubernetes.backup} section: what to back up, with which key, to which store.
 *
 * @param namespaces every Secret and ConfigMap of these namespaces
 * @param configMaps ConfigMaps that must exist (the config-server copies)
 * @param secrets Secrets that must exist
 * @param encryptionKey where the AES-256 key is: a Kubernetes secret or a Spring property
 * @param store bucket and key prefix of the archives
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BackupSpec(List<String> namespaces, List<ObjectRef> configMaps, List<ObjectRef> secrets,
    KeyRef encryptionKey, Store store) {

  private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

  public BackupSpec {
    namespaces = namespaces == null ? List.of() : namespaces;
    configMaps = configMaps == null ? List.of() : configMaps;
    secrets = secrets == null ? List.of() : secrets;
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ObjectRef(String namespace, String name) {
  }

  /** {@code secret: {namespace, name, key}} (the value is 32 raw bytes or their base64) or {@code property}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record KeyRef(SecretKeyRef secret, String property) {
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SecretKeyRef(String namespace, String name, String key) {
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Store(String bucket, String prefix) {
  }

  /** Every problem of the section, empty when it can be used. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (namespaces.isEmpty() && configMaps.isEmpty() && secrets.isEmpty()) {
      problems.add("nothing to back up: give namespaces, configMaps or secrets");
    }
    namespaces.forEach(ns -> checkName(problems, "namespace", ns));
    configMaps.forEach(ref -> checkRef(problems, "configMaps", ref));
    secrets.forEach(ref -> checkRef(problems, "secrets", ref));
    if (encryptionKey == null || (encryptionKey.secret() == null) == blank(encryptionKey.property())) {
      problems.add("encryptionKey must name either a secret {namespace, name, key} or a property");
    } else if (encryptionKey.secret() != null) {
      SecretKeyRef s = encryptionKey.secret();
      checkName(problems, "encryptionKey.secret.namespace", s.namespace());
      checkName(problems, "encryptionKey.secret.name", s.name());
      if (blank(s.key())) {
        problems.add("encryptionKey.secret.key is missing");
      }
    }
    if (store == null || blank(store.bucket())) {
      problems.add("store.bucket is missing");
    }
    if (store == null || blank(store.prefix())) {
      problems.add("store.prefix is missing");
    }
    return problems;
  }

  private static void checkRef(List<String> problems, String list, ObjectRef ref) {
    if (ref == null) {
      problems.add(list + " has an empty entry");
      return;
    }
    checkName(problems, list + " namespace", ref.namespace());
    checkName(problems, list + " name", ref.name());
  }

  private static void checkName(List<String> problems, String what, String value) {
    if (value == null || !DNS_NAME.matcher(value).matches()) {
      problems.add(what + " '" + value + "' is not a valid Kubernetes name");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
