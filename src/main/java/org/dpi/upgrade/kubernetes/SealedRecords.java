package org.dpi.upgrade.kubernetes;

import java.util.List;
import java.util.Optional;

/**
 * Small encrypted documents beside the config backup ({@code <prefix>/<run>/<name>.enc}), with the same
 * key and store: the Helm release records, whose values may hold secrets.
 */
public class SealedRecords {

  private final BackupKeys keys;
  private final BackupStore store;

  public SealedRecords(BackupKeys keys, BackupStore store) {
    this.keys = keys;
    this.store = store;
  }

  public void put(BackupSpec spec, String run, String name, byte[] content) throws Exception {
    check(spec);
    String key = key(spec, run, name);
    store.put(spec.store().bucket(), key, keys.cipher(spec.encryptionKey()).encrypt(content, key));
  }

  public Optional<byte[]> get(BackupSpec spec, String run, String name) throws Exception {
    check(spec);
    String key = key(spec, run, name);
    Cipher cipher = keys.cipher(spec.encryptionKey());
    return store.get(spec.store().bucket(), key).map(sealed -> cipher.decrypt(sealed, key));
  }

  public String location(BackupSpec spec, String run, String name) {
    return store.location(spec.store().bucket(), key(spec, run, name));
  }

  private static String key(BackupSpec spec, String run, String name) {
    return spec.store().prefix().replaceAll("/+$", "") + "/" + run + "/" + name + ".enc";
  }

  private static void check(BackupSpec spec) {
    List<String> problems = spec.problems().stream().filter(p -> p.startsWith("encryptionKey") || p.startsWith("store")).toList();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid kubernetes.backup section (key and store of the records): "
          + String.join("; ", problems));
    }
  }
}
