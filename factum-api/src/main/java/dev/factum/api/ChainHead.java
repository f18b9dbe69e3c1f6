package dev.factum.api;

import java.util.HexFormat;

/**
 * The head of a store's hash chain over its global log (docs/LIFECYCLE.md, "Tamper evidence"): the
 * newest chained position and the chain value after it, as 64 lowercase hex digits.
 *
 * <p>The chain is {@code chain(p) = SHA-256(chain(p-1) || digest(p))}, where {@code digest(p)} is
 * the SHA-256 of event p as stored, and the chain value before {@link #chainedFrom} is 32 zero
 * bytes. A store written before the chain existed is chained from the first position written after
 * the upgrade; {@code chainedFrom} says which. When nothing is chained yet, {@code position} is
 * {@code chainedFrom - 1} and {@code hash} is the genesis (all zeros).
 *
 * <p>Noting a head elsewhere (an {@link #anchor()}) is what makes a rewrite detectable: without
 * one, whoever can rewrite the store can recompute the chain after the rewrite.
 */
public record ChainHead(long position, String hash, long chainedFrom) {
  /** The chain value before the first chained position: 32 zero bytes. */
  public static final String GENESIS = "0".repeat(64);

  public ChainHead {
    ChainAnchor.checkHash(hash);
    if (chainedFrom < 0 || position < chainedFrom - 1) {
      throw new IllegalArgumentException(
          "a chain head at " + position + " cannot be chained from " + chainedFrom);
    }
  }

  /** The head as bytes. */
  public byte[] hashBytes() {
    return HexFormat.of().parseHex(hash);
  }

  /** The head as an anchor to note elsewhere and check later ({@code POS:HEX}). */
  public ChainAnchor anchor() {
    return new ChainAnchor(position, hash);
  }
}
