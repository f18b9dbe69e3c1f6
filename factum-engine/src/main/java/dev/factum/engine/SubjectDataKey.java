package dev.factum.engine;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One data subject's data key, ready to seal and open its events, with a small pool of {@link
 * SubjectCipher}s already set up for it.
 *
 * <p>Design note: setting a JCE {@code Cipher} up for a key expands the AES key schedule, and an
 * HMAC's set-up hashes its key's pads; done once per event, that was most of what sealing cost
 * beyond the encryption itself (docs/LIFECYCLE.md, "Where it runs"). So each key keeps up to
 * {@value #POOL} ciphers made for it: a thread borrows one for one seal or open and gives it back.
 * With many subjects and few cores a per-thread cache would miss nearly always; a per-key pool hits
 * whenever the key was used before and nobody is using it at this instant.
 *
 * <p>What must stay true: a borrowed cipher is used by one thread at a time and only for this key;
 * the pool never grows past {@value #POOL} (a cipher given back to a full pool is dropped), so the
 * memory it holds is bounded by the key cache's bound (SubjectKeys) times {@value #POOL}; the key's
 * bytes never leave this object but through the JCE.
 */
final class SubjectDataKey {
  /** Ciphers kept per key: enough for the cores that may seal one subject at the same instant. */
  static final int POOL = 2;

  private static final byte[] NONCE_LABEL = "factum.nonce".getBytes(StandardCharsets.US_ASCII);

  private final long id;
  private final byte[] subject;
  private final SecretKey aes;
  private final SecretKey nonceKey;
  private final AtomicReferenceArray<SubjectCipher> pool = new AtomicReferenceArray<>(POOL);

  /**
   * @param bytes the 32 bytes of the AES-256 key
   */
  SubjectDataKey(String subject, long id, byte[] bytes) {
    this.id = id;
    this.subject = subject.getBytes(StandardCharsets.UTF_8);
    this.aes = new SecretKeySpec(bytes, "AES");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(bytes, "HmacSHA256"));
      this.nonceKey = new SecretKeySpec(mac.doFinal(NONCE_LABEL), "HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot derive a subject's nonce key", e);
    }
  }

  long id() {
    return id;
  }

  /** The subject's name in UTF-8 (shared: do not change it). */
  byte[] subjectUtf8() {
    return subject;
  }

  SecretKey aes() {
    return aes;
  }

  SecretKey nonceKey() {
    return nonceKey;
  }

  /** A cipher for this key, for the calling thread alone until {@link #release}. */
  SubjectCipher borrow() {
    for (int i = 0; i < POOL; i++) {
      SubjectCipher cipher = pool.get(i);
      if (cipher != null && pool.compareAndSet(i, cipher, null)) {
        return cipher;
      }
    }
    return new SubjectCipher(this);
  }

  /** Gives back a cipher borrowed from this key; kept if the pool has room. */
  void release(SubjectCipher cipher) {
    for (int i = 0; i < POOL; i++) {
      if (pool.get(i) == null && pool.compareAndSet(i, null, cipher)) {
        return;
      }
    }
  }

  @Override
  public String toString() {
    return "SubjectDataKey[" + Long.toHexString(id) + "]";
  }
}
