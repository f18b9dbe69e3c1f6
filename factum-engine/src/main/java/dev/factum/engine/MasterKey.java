package dev.factum.engine;

import dev.factum.api.InvalidArgumentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The operator's master key: 32 bytes (AES-256) that every data subject's key is encrypted under
 * (docs/LIFECYCLE.md, "Crypto-shredding"). Given as base64 text, in a file ({@code factum serve
 * --master-key-file}, {@code FACTUM_MASTER_KEY_FILE}) or the environment ({@code
 * FACTUM_MASTER_KEY}); make one with {@code head -c 32 /dev/urandom | base64}.
 *
 * <p>What must stay true: the key's bytes never appear in a string, a log line or an exception
 * message ({@link #toString} says nothing of them). The store keeps only what the key encrypts; a
 * lost master key makes every subject's data unreadable, exactly as if each were forgotten.
 */
public final class MasterKey {
  static final int BYTES = 32;

  private final SecretKey key;

  private MasterKey(byte[] bytes) {
    this.key = new SecretKeySpec(bytes, "AES");
  }

  /** The key from its base64 text (surrounding white space ignored). */
  public static MasterKey fromBase64(String text) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("the master key is not base64 text");
    }
    if (bytes.length != BYTES) {
      throw new InvalidArgumentException(
          "the master key must be "
              + BYTES
              + " bytes (base64 of 32 random bytes), not "
              + bytes.length);
    }
    return new MasterKey(bytes);
  }

  /** The key from a file holding its base64 text. */
  public static MasterKey fromFile(Path file) throws IOException {
    return fromBase64(Files.readString(file, StandardCharsets.US_ASCII));
  }

  /** A fresh random key (tests, and {@code factum} tooling that makes one). */
  public static MasterKey generate() {
    byte[] bytes = new byte[BYTES];
    new SecureRandom().nextBytes(bytes);
    return new MasterKey(bytes);
  }

  /** The key as base64 text, to write to a key file. */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  SecretKey secretKey() {
    return key;
  }

  @Override
  public String toString() {
    return "MasterKey[not shown]";
  }
}
