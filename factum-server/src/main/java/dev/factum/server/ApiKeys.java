package dev.factum.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The API key format: {@code fk_<id>_<secret>}, the id 16 lowercase hex digits (64 random bits,
 * public: it names the key in lists, audit records and revocations), the secret 64 lowercase hex
 * digits (256 bits from {@link SecureRandom}).
 *
 * <p>What must stay true: only {@link #hash} of the secret is ever stored; the key string exists in
 * memory at creation (shown once) and in requests. Parsing is exact (fixed lengths, lowercase hex
 * only), so padded, truncated or look-alike keys are malformed before any lookup. The check
 * compares digests with {@link MessageDigest#isEqual}, which takes the same time wherever they
 * differ. SHA-256 (not a slow password hash) is right here because the secret is 256 random bits:
 * there is no dictionary to try, so slowing each guess buys nothing, and a fast check keeps
 * authentication off the request's critical path.
 */
final class ApiKeys {
  static final String PREFIX = "fk_";
  private static final int ID_HEX = 16;
  private static final int SECRET_HEX = 64;
  static final int LENGTH = PREFIX.length() + ID_HEX + 1 + SECRET_HEX;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private ApiKeys() {}

  /** A key just generated: its id and the whole key string (to show once). */
  record Generated(String id, String key, String secretHash) {}

  /** A key string split into its id and secret. */
  record Parsed(String id, String secret) {}

  static Generated generate() {
    byte[] id = new byte[ID_HEX / 2];
    byte[] secret = new byte[SECRET_HEX / 2];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    String idHex = HEX.formatHex(id);
    String secretHex = HEX.formatHex(secret);
    return new Generated(idHex, PREFIX + idHex + "_" + secretHex, hash(secretHex));
  }

  /** The key in a string, or null when it is not exactly a well-formed key. */
  static Parsed parse(String key) {
    if (key == null || key.length() != LENGTH || !key.startsWith(PREFIX)) {
      return null;
    }
    int sep = PREFIX.length() + ID_HEX;
    if (key.charAt(sep) != '_') {
      return null;
    }
    String id = key.substring(PREFIX.length(), sep);
    String secret = key.substring(sep + 1);
    return isLowerHex(id) && isLowerHex(secret) ? new Parsed(id, secret) : null;
  }

  static boolean isId(String text) {
    return text != null && text.length() == ID_HEX && isLowerHex(text);
  }

  private static boolean isLowerHex(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** SHA-256 of the secret, as lowercase hex: what the store keeps. */
  static String hash(String secret) {
    return HEX.formatHex(digest(secret));
  }

  /** Whether {@code secret} hashes to {@code storedHash}, compared in constant time. */
  static boolean matches(String secret, String storedHash) {
    byte[] stored;
    try {
      stored = HEX.parseHex(storedHash);
    } catch (IllegalArgumentException corrupt) {
      return false;
    }
    return MessageDigest.isEqual(digest(secret), stored);
  }

  private static byte[] digest(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
