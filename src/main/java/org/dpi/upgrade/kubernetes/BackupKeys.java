package org.dpi.upgrade.kubernetes;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.springframework.core.env.Environment;

/** Resolves the AES-256 key a plan refers to. The key stays in memory; messages name only its reference. */
public class BackupKeys {

  private final KubernetesClient client;
  private final Environment environment;

  public BackupKeys(KubernetesClient client, Environment environment) {
    this.client = client;
    this.environment = environment;
  }

  Cipher cipher(BackupSpec.KeyRef ref) {
    if (ref.secret() != null) {
      BackupSpec.SecretKeyRef s = ref.secret();
      String where = "key '" + s.key() + "' of secret " + s.namespace() + "/" + s.name();
      Secret secret = client.secrets().inNamespace(s.namespace()).withName(s.name()).get();
      if (secret == null || secret.getData() == null || secret.getData().get(s.key()) == null) {
        throw new IllegalStateException("the backup encryption key is missing: create the " + where
            + " holding 32 random bytes (e.g. kubectl create secret generic " + s.name() + " -n " + s.namespace()
            + " --from-file=" + s.key() + "=<(head -c 32 /dev/urandom))");
      }
      return new Cipher(key(Base64.getDecoder().decode(secret.getData().get(s.key())), where));
    }
    String value = environment.getProperty(ref.property());
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("the backup encryption key is missing: set the property " + ref.property()
          + " to the base64 of 32 random bytes");
    }
    return new Cipher(key(value.trim().getBytes(StandardCharsets.US_ASCII), "property " + ref.property()));
  }

  /** 32 raw bytes, or the base64 text of 32 bytes (what a secret created from a text file holds). */
  private static byte[] key(byte[] raw, String where) {
    if (raw.length == Cipher.KEY_BYTES) {
      return raw;
    }
    try {
      byte[] decoded = Base64.getDecoder().decode(new String(raw, StandardCharsets.US_ASCII).trim());
      if (decoded.length == Cipher.KEY_BYTES) {
        return decoded;
      }
    } catch (IllegalArgumentException notBase64) {
      // reported below
    }
    throw new IllegalStateException("the backup encryption key (" + where + ") must be 32 bytes or their base64, it has "
        + raw.length + " bytes");
  }
}
