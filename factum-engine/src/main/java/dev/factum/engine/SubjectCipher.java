package dev.factum.engine;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The JCE objects that seal and open events under one {@link SubjectDataKey}, set up for that key
 * once and then re-initialised per event with that event's nonce only (GCM's rule: one {@code
 * Cipher} may serve many encryptions, each under a nonce of its own; the instance is reused, never
 * the parameters). Borrowed from its key's pool by one thread at a time.
 *
 * <p>Nonces for events without an id: the first 8 bytes are drawn at random when this object is
 * made (and again whenever the counter wraps), the last 4 count this object's encryptions. Within
 * one object nonces never repeat; two objects of one key (in this process or any other) share a
 * nonce only if they drew the same 64-bit prefix, as unlikely as two random 96-bit nonces colliding
 * over as many events, and far cheaper than drawing 12 random bytes per event.
 *
 * <p>What must stay true: every encryption gets a nonce this key never had for other input (fresh
 * above, or synthetic, which repeats only for the same input); a decryption releases no plaintext
 * that failed authentication (the JCE checks the tag before it writes any).
 */
final class SubjectCipher {
  static final int NONCE_BYTES = 12;
  static final int TAG_BITS = 128;
  private static final SecureRandom PREFIXES = new SecureRandom();

  /** Larger opened content is decrypted into a buffer of its own, not kept here. */
  private static final int MAX_KEPT_SCRATCH = 64 * 1024;

  private final SubjectDataKey key;
  private Cipher cipher;
  private Mac mac;
  private long prefix;
  private int counter;
  private byte[] scratch = new byte[0];

  SubjectCipher(SubjectDataKey key) {
    this.key = key;
    this.cipher = newCipher();
    this.prefix = PREFIXES.nextLong();
  }

  /** Writes a fresh nonce into {@code out} at {@code at}. */
  void freshNonce(byte[] out, int at) {
    if (++counter == 0) {
      prefix = PREFIXES.nextLong();
    }
    ByteBuffer.wrap(out, at, NONCE_BYTES).putLong(prefix).putInt(counter);
  }

  /**
   * The HMAC, under the key's nonce key, this object holds set up; the caller feeds it and calls
   * {@code doFinal}, which leaves it set up for the next use.
   */
  Mac nonceMac() {
    if (mac == null) {
      try {
        Mac made = Mac.getInstance("HmacSHA256");
        made.init(key.nonceKey());
        mac = made;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot set up the nonce HMAC", e);
      }
    }
    return mac;
  }

  /**
   * The cipher, initialised to encrypt under the nonce at {@code envelope[nonceAt..nonceAt+12)}.
   */
  Cipher encryptor(byte[] envelope, int nonceAt) {
    GCMParameterSpec spec = new GCMParameterSpec(TAG_BITS, envelope, nonceAt, NONCE_BYTES);
    try {
      try {
        cipher.init(Cipher.ENCRYPT_MODE, key.aes(), spec);
      } catch (InvalidAlgorithmParameterException reused) {
        // The JCE refuses to encrypt twice in a row with one key and nonce on one object, which a
        // synthetic nonce does on purpose for a retried event (it seals to the same bytes).
        cipher = newCipher();
        cipher.init(Cipher.ENCRYPT_MODE, key.aes(), spec);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM refused to set up an encryption", e);
    }
    return cipher;
  }

  /** The cipher, initialised to decrypt under the nonce at {@code envelope[nonceAt..+12)}. */
  Cipher decryptor(byte[] envelope, int nonceAt) {
    try {
      cipher.init(
          Cipher.DECRYPT_MODE,
          key.aes(),
          new GCMParameterSpec(TAG_BITS, envelope, nonceAt, NONCE_BYTES));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM refused to set up a decryption", e);
    }
    return cipher;
  }

  /** A buffer of at least {@code length} bytes to decrypt into; its content is not kept. */
  byte[] scratch(int length) {
    if (scratch.length >= length) {
      return scratch;
    }
    byte[] buffer = new byte[Math.max(length, Math.min(MAX_KEPT_SCRATCH, 2 * scratch.length))];
    if (buffer.length <= MAX_KEPT_SCRATCH) {
      scratch = buffer;
    }
    return buffer;
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK offers no AES/GCM", e);
    }
  }
}
