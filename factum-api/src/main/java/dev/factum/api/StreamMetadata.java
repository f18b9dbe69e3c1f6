package dev.factum.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A stream's metadata: how much of it reads may see (its retention), and the application's own
 * JSON. Every setting is optional (null: not set). See docs/LIFECYCLE.md.
 *
 * <p>A read sees only the revisions at or after the stream's <em>first visible revision</em>, the
 * largest of: where its last soft delete left it, {@code truncateBefore}, {@code lastRevision + 1 -
 * maxCount}, and the first revision committed less than {@code maxAge} before now. Revisions keep
 * their numbers; what is below is invisible to stream reads and subscriptions at once (the global
 * log still shows it until scavenging removes it).
 *
 * @param maxCount keep at most this many of the newest events visible; at least 1
 * @param maxAge hide events whose commit timestamp is older than this; whole seconds, at least 1
 * @param truncateBefore hide revisions below this one; at least 0
 * @param custom the application's own JSON object (UTF-8 text, at most {@value #MAX_CUSTOM_BYTES}
 *     bytes); the store keeps it as given and never reads it
 */
public record StreamMetadata(Long maxCount, Duration maxAge, Long truncateBefore, String custom) {
  /** The largest custom JSON the store keeps, in UTF-8 bytes. */
  public static final int MAX_CUSTOM_BYTES = 16 * 1024;

  /** No setting at all: what a stream whose metadata was never set has. */
  public static final StreamMetadata NONE = new StreamMetadata(null, null, null, null);

  public StreamMetadata {
    if (maxCount != null && maxCount < 1) {
      throw new InvalidArgumentException("maxCount must be at least 1, was " + maxCount);
    }
    if (maxAge != null
        && (maxAge.compareTo(Duration.ofSeconds(1)) < 0 || maxAge.toNanosPart() != 0)) {
      throw new InvalidArgumentException(
          "maxAge must be a whole number of seconds, at least 1, was " + maxAge);
    }
    if (truncateBefore != null && truncateBefore < 0) {
      throw new InvalidArgumentException(
          "truncateBefore must be a revision >= 0, was " + truncateBefore);
    }
    if (custom != null && custom.getBytes(StandardCharsets.UTF_8).length > MAX_CUSTOM_BYTES) {
      throw new InvalidArgumentException(
          "custom metadata may hold at most " + MAX_CUSTOM_BYTES + " bytes of JSON");
    }
  }

  public StreamMetadata withMaxCount(Long value) {
    return new StreamMetadata(value, maxAge, truncateBefore, custom);
  }

  public StreamMetadata withMaxAge(Duration value) {
    return new StreamMetadata(maxCount, value, truncateBefore, custom);
  }

  public StreamMetadata withTruncateBefore(Long value) {
    return new StreamMetadata(maxCount, maxAge, value, custom);
  }

  public StreamMetadata withCustom(String json) {
    return new StreamMetadata(maxCount, maxAge, truncateBefore, json);
  }

  /** Whether any retention setting is set (custom JSON alone hides nothing). */
  public boolean limitsReads() {
    return maxCount != null || maxAge != null || truncateBefore != null;
  }
}
