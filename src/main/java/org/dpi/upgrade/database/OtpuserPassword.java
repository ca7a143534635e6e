package org.dpi.upgrade.database;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Gives the {@code otpuser} role (created by the mosip_otp upgrade scripts) a strong random password
 * and stores it in a Kubernetes Secret. The password is hashed by the client (SCRAM), so it is in no
 * SQL text, server log, variable or application log; only the Secret holds it.
 */
public class OtpuserPassword {

  static final String ROLE = "otpuser";
  private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Where the password goes: data key {@code key} of Secret {@code namespace/name}. */
  public record SecretRef(String namespace, String name, String key) {
    @Override
    public String toString() {
      return "Secret " + namespace + "/" + name + " key " + key;
    }
  }

  private final KubernetesClient kubernetes;

  public OtpuserPassword(KubernetesClient kubernetes) {
    this.kubernetes = kubernetes;
  }

  /** Sets a new password on the role and in the Secret; checks both before changing anything. */
  public String rotate(Server server, SecretRef ref) throws SQLException {
    List<String> problems = new ArrayList<>();
    if (ref == null || blank(ref.namespace()) || blank(ref.name()) || blank(ref.key())) {
      throw new IllegalArgumentException("the input 'secret' needs namespace, name and key, got " + ref);
    }
    if (kubernetes.secrets().inNamespace(ref.namespace()).withName(ref.name()).get() == null) {
      problems.add(ref + " does not exist (it is the plan's kubernetes.otpuserSecret)");
    }
    try (Connection c = server.connect("postgres"); PreparedStatement s = c.prepareStatement("select 1 from pg_roles where rolname = ?")) {
      s.setString(1, ROLE);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          problems.add("role " + ROLE + " does not exist on " + server + " (the mosip_otp upgrade scripts create it)");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("The otpuser password was not changed:\n- " + String.join("\n- ", problems));
    }
    char[] password = generate();
    byte[] bytes = new String(password).getBytes(StandardCharsets.UTF_8);
    String encoded = Base64.getEncoder().encodeToString(bytes);
    Arrays.fill(bytes, (byte) 0);
    try (Connection c = server.connect("postgres")) {
      // hashes on the client and zeroes the array
      c.unwrap(PGConnection.class).alterUserPassword(ROLE, password, "scram-sha-256");
    } finally {
      Arrays.fill(password, '\0');
    }
    kubernetes.secrets().inNamespace(ref.namespace()).withName(ref.name()).edit(secret -> put(secret, ref.key(), encoded));
    return "A new " + password.length + "-character password was set on role " + ROLE + " of " + server + " (SCRAM-SHA-256) and stored in " + ref + ".";
  }

  private static Secret put(Secret secret, String key, String value) {
    if (secret.getData() == null) {
      secret.setData(new java.util.HashMap<>());
    }
    secret.getData().put(key, value);
    return secret;
  }

  static char[] generate() {
    char[] password = new char[32];
    for (int i = 0; i < password.length; i++) {
      password[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return password;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
