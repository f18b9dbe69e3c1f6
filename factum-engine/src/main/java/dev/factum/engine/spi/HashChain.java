package dev.factum.engine.spi;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The arithmetic of the tamper-evident log (docs/LIFECYCLE.md, "Tamper evidence"): {@code digest(p)
 * = SHA-256(stored bytes of event p)} and {@code chain(p) = SHA-256(chain(p-1) || digest(p))}, with
 * {@code chain(chainedFrom - 1)} = {@link #genesis()}, 32 zero bytes.
 *
 * <p>What must stay true: every storage chains what it <em>stores</em> (RocksDB the log value's
 * exact bytes, PostgreSQL its canonical row encoding), never what a read shows, so a change of what
 * reads show (crypto-shredding) never breaks the chain, and a change of what is stored always does.
 * The writer thread computes the chain in commit order; an instance is not thread-safe (one per
 * thread), and costs one SHA-256 of the event plus one of 64 bytes per event.
 */
public final class HashChain {
  public static final int HASH_BYTES = 32;

  private final MessageDigest sha256;

  public HashChain() {
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** The chain value before the first chained position. */
  public static byte[] genesis() {
    return new byte[HASH_BYTES];
  }

  /** {@code digest(p)}: the SHA-256 of an event's stored bytes. */
  public byte[] digest(byte[] stored) {
    return sha256.digest(stored);
  }

  /** {@code chain(p)} from {@code chain(p-1)} and {@code digest(p)}. */
  public byte[] next(byte[] previous, byte[] digest) {
    sha256.update(previous);
    sha256.update(digest);
    return sha256.digest();
  }

  /** Compares two hashes in constant time (an auditor's habit; nothing secret is compared). */
  public static boolean same(byte[] a, byte[] b) {
    return a != null && b != null && MessageDigest.isEqual(a, b);
  }

  static byte[] copy(byte[] hash) {
    if (hash.length != HASH_BYTES) {
      throw new IllegalArgumentException("a chain hash has 32 bytes, not " + hash.length);
    }
    return Arrays.copyOf(hash, HASH_BYTES);
  }
}
