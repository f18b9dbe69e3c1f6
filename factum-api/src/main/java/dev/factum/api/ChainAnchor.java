package dev.factum.api;

import java.util.HexFormat;
import java.util.Locale;

/**
 * A chain value noted outside the store at some position ({@link ChainHead#anchor()}), written
 * {@code POS:HEX}. A verify given an anchor fails unless the store's chain passes through exactly
 * this value at this position, which is what catches a store rewritten and re-chained after the
 * anchor was taken.
 */
public record ChainAnchor(long position, String hash) {
  public ChainAnchor {
    if (position < 0) {
      throw new InvalidArgumentException("an anchor's position must be 0 or more");
    }
    checkHash(hash);
  }

  /** Parses {@code POS:HEX} (64 hex digits, either case). */
  public static ChainAnchor parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new InvalidArgumentException(
          "an anchor is POSITION:HASH (64 hex digits), not '" + text + "'");
    }
    long position;
    try {
      position = Long.parseLong(text.substring(0, colon));
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(
          "an anchor is POSITION:HASH (64 hex digits), not '" + text + "'", e);
    }
    return new ChainAnchor(position, text.substring(colon + 1).toLowerCase(Locale.ROOT));
  }

  static void checkHash(String hash) {
    if (hash == null || hash.length() != 64) {
      throw new InvalidArgumentException("a chain hash is 64 lowercase hex digits");
    }
    for (int i = 0; i < 64; i++) {
      char c = hash.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new InvalidArgumentException("a chain hash is 64 lowercase hex digits");
      }
    }
  }

  public byte[] hashBytes() {
    return HexFormat.of().parseHex(hash);
  }

  @Override
  public String toString() {
    return position + ":" + hash;
  }
}
