package dev.factum.engine;

import dev.factum.api.StreamMetadata;
import dev.factum.api.UnsupportedFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The value of a stream's metadata record (namespace {@value StreamMetadataStore#NAMESPACE}, key
 * the stream name). The record carries its own length and checksum (every storage checks records),
 * so this layout adds a format byte and which settings are present:
 *
 * <pre>
 *  0        1        2                 10                18                26
 *  +--------+--------+-----------------+-----------------+-----------------+---------------+
 *  | format | flags  | maxCount (i64)  | maxAge s (i64)  | truncBefore i64 | custom UTF-8  |
 *  +--------+--------+-----------------+-----------------+-----------------+---------------+
 *  flags: bit 0 maxCount, bit 1 maxAge, bit 2 truncateBefore, bit 3 custom (absent fields are 0)
 * </pre>
 *
 * Format 1 is the only one; a value of another format, or with unknown flags, is refused ({@code
 * unsupported-format}), never decoded with the wrong layout.
 */
final class StreamMetadataCodec {
  static final byte FORMAT = 1;
  private static final int HEADER = 26;
  private static final int MAX_COUNT = 1;
  private static final int MAX_AGE = 2;
  private static final int TRUNCATE_BEFORE = 4;
  private static final int CUSTOM = 8;

  private StreamMetadataCodec() {}

  static byte[] encode(StreamMetadata metadata) {
    byte[] custom =
        metadata.custom() == null
            ? new byte[0]
            : metadata.custom().getBytes(StandardCharsets.UTF_8);
    int flags =
        (metadata.maxCount() == null ? 0 : MAX_COUNT)
            | (metadata.maxAge() == null ? 0 : MAX_AGE)
            | (metadata.truncateBefore() == null ? 0 : TRUNCATE_BEFORE)
            | (metadata.custom() == null ? 0 : CUSTOM);
    return ByteBuffer.allocate(HEADER + custom.length)
        .put(FORMAT)
        .put((byte) flags)
        .putLong(metadata.maxCount() == null ? 0 : metadata.maxCount())
        .putLong(metadata.maxAge() == null ? 0 : metadata.maxAge().toSeconds())
        .putLong(metadata.truncateBefore() == null ? 0 : metadata.truncateBefore())
        .put(custom)
        .array();
  }

  static StreamMetadata decode(byte[] value) {
    if (value.length < HEADER || value[0] != FORMAT || (value[1] & ~0x0F) != 0) {
      throw new UnsupportedFormatException(
          "a stream metadata record of "
              + value.length
              + " bytes has format "
              + (value.length == 0 ? "none" : Byte.toString(value[0]))
              + "; this build reads format "
              + FORMAT);
    }
    ByteBuffer in = ByteBuffer.wrap(value);
    in.get();
    int flags = in.get();
    long maxCount = in.getLong();
    long maxAge = in.getLong();
    long truncateBefore = in.getLong();
    byte[] custom = new byte[in.remaining()];
    in.get(custom);
    return new StreamMetadata(
        (flags & MAX_COUNT) == 0 ? null : maxCount,
        (flags & MAX_AGE) == 0 ? null : Duration.ofSeconds(maxAge),
        (flags & TRUNCATE_BEFORE) == 0 ? null : truncateBefore,
        (flags & CUSTOM) == 0 ? null : new String(custom, StandardCharsets.UTF_8));
  }
}
