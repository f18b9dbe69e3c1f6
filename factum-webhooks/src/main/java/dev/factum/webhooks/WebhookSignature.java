package dev.factum.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a webhook request: header {@value #HEADER} with value {@code t=<unix
 * seconds>,v1=<hex HMAC-SHA256>}, the MAC computed with the webhook's secret over the UTF-8 bytes
 * of {@code <t>.} followed by the exact request body. Binding the time into the MAC lets a receiver
 * refuse replays older than its tolerance; the body is signed as sent, byte for byte.
 *
 * <p>The one owner of the format: the sender signs with {@link #sign}, and {@link #verify} is what
 * a receiver does (the tests use it, docs/WEBHOOKS.md shows the same steps in other tools).
 */
public final class WebhookSignature {
  /** The request header carrying the signature. */
  public static final String HEADER = "Factum-Signature";

  private static final HexFormat HEX = HexFormat.of();

  private WebhookSignature() {}

  /** The header value for {@code body} sent at {@code epochSeconds}. */
  public static String sign(byte[] secret, long epochSeconds, byte[] body) {
    return "t=" + epochSeconds + ",v1=" + HEX.formatHex(mac(secret, epochSeconds, body));
  }

  /**
   * Whether {@code header} is a valid signature of {@code body} under {@code secret}, made at most
   * {@code toleranceSeconds} away from {@code nowEpochSeconds}. The MACs are compared in constant
   * time.
   */
  public static boolean verify(
      byte[] secret, String header, byte[] body, long nowEpochSeconds, long toleranceSeconds) {
    if (header == null) {
      return false;
    }
    long time = -1;
    byte[] given = null;
    for (String part : header.split(",")) {
      String trimmed = part.trim();
      try {
        if (trimmed.startsWith("t=")) {
          time = Long.parseLong(trimmed.substring(2));
        } else if (trimmed.startsWith("v1=")) {
          given = HEX.parseHex(trimmed.substring(3));
        }
      } catch (IllegalArgumentException malformed) {
        return false;
      }
    }
    if (time < 0 || given == null || Math.abs(nowEpochSeconds - time) > toleranceSeconds) {
      return false;
    }
    return MessageDigest.isEqual(given, mac(secret, time, body));
  }

  private static byte[] mac(byte[] secret, long epochSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update((epochSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
