package org.dpi.upgrade.kubernetes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a random 96-bit nonce per message; the stored form is nonce + ciphertext + tag.
 * The associated data (the entry name) binds each ciphertext to its place in the archive.
 */
final class Cipher {

  static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  Cipher(byte[] key) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("the backup key must be 32 bytes (AES-256), it has " + key.length);
    }
    this.key = new SecretKeySpec(key, "AES");
  }

  byte[] encrypt(byte[] plain, String associated) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
      c.init(javax.crypto.Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      c.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(plain);
      return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
    }
  }

  /** @throws WrongKeyException when the key is not the one that encrypted the data (or the data was altered) */
  byte[] decrypt(byte[] stored, String associated) {
    try {
      javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
      c.init(javax.crypto.Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, stored, 0, NONCE_BYTES));
      c.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
      return c.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new WrongKeyException(associated);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
    }
  }

  static final class WrongKeyException extends IllegalStateException {
    WrongKeyException(String entry) {
      super("cannot decrypt " + entry + ": the backup key is not the one this archive was written with, "
          + "or the archive was altered");
    }
  }
}
