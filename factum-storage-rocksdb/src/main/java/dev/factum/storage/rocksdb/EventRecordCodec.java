package dev.factum.storage.rocksdb;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.RecordedEvent;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes an event record: the value stored in the log column family under the event's
 * position (8 bytes, big-endian).
 *
 * <pre>
 *  0        1                 5                 9
 *  +--------+-----------------+-----------------+-------------------------------------+
 *  | ver=1  | CRC32C (u32)    | body length n   | body (n bytes)                      |
 *  +--------+-----------------+-----------------+-------------------------------------+
 *
 *  body:
 *  +------------------+----------+---------------+------------------+---------------+
 *  | event id (16)    | rev (8)  | time µs (8)   | u16 len + stream | u16 len + type|
 *  +------------------+----------+---------------+------------------+---------------+
 *  | u16 len + content type | u8 tag count, each u16 len + tag (sorted)             |
 *  +------------------------+------------------------------------------------------+
 *  | i32 metadata length (-1: none) + metadata | i32 data length + data            |
 *  +-------------------------------------------+-----------------------------------+
 * </pre>
 *
 * All integers are big-endian; strings are UTF-8. The CRC32C covers the 8-byte position key
 * followed by the body, so a record that is damaged, truncated, or found under another position
 * fails its check. Decoding is defensive: every length is bounds-checked, strings must be valid
 * UTF-8, and the body must be consumed exactly; anything else is a {@link DataCorruptedException},
 * never wrong data. An unknown version byte is also refused.
 */
final class EventRecordCodec {
  static final byte VERSION = 1;
  private static final int HEADER = 9;

  private EventRecordCodec() {}

  static byte[] encode(RecordedEvent event) {
    byte[] stream = utf8(event.stream());
    byte[] type = utf8(event.type());
    byte[] contentType = utf8(event.contentType());
    List<byte[]> tags = new ArrayList<>(event.tags().size());
    for (String tag : event.tags()) {
      tags.add(utf8(tag));
    }
    tags.sort(Arrays::compareUnsigned);
    int tagBytes = 0;
    for (byte[] tag : tags) {
      tagBytes += 2 + tag.length;
    }
    byte[] metadata = event.metadata();
    int bodyLength =
        16
            + 8
            + 8
            + 2
            + stream.length
            + 2
            + type.length
            + 2
            + contentType.length
            + 1
            + tagBytes
            + 4
            + (metadata == null ? 0 : metadata.length)
            + 4
            + event.data().length;
    ByteBuffer out = ByteBuffer.allocate(HEADER + bodyLength);
    out.put(VERSION).putInt(0).putInt(bodyLength);
    out.putLong(event.id().getMostSignificantBits()).putLong(event.id().getLeastSignificantBits());
    out.putLong(event.revision()).putLong(toMicros(event.timestamp()));
    putShortBytes(out, stream);
    putShortBytes(out, type);
    putShortBytes(out, contentType);
    out.put((byte) tags.size());
    for (byte[] tag : tags) {
      putShortBytes(out, tag);
    }
    if (metadata == null) {
      out.putInt(-1);
    } else {
      out.putInt(metadata.length).put(metadata);
    }
    out.putInt(event.data().length).put(event.data());
    byte[] record = out.array();
    ByteBuffer.wrap(record, 1, 4).putInt(checksum(event.position(), record));
    return record;
  }

  static RecordedEvent decode(long position, byte[] record) {
    if (record == null) {
      throw corrupt(position, "record is missing");
    }
    if (record.length < HEADER) {
      throw corrupt(position, "record of " + record.length + " bytes is shorter than its header");
    }
    ByteBuffer in = ByteBuffer.wrap(record);
    byte version = in.get();
    if (version != VERSION) {
      throw corrupt(position, "unknown record version " + version);
    }
    int storedCrc = in.getInt();
    int bodyLength = in.getInt();
    if (bodyLength != record.length - HEADER) {
      throw corrupt(
          position,
          "body length "
              + bodyLength
              + " does not match the record ("
              + (record.length - HEADER)
              + " bytes)");
    }
    if (storedCrc != checksum(position, record)) {
      throw corrupt(position, "checksum mismatch");
    }
    try {
      UUID id = new UUID(in.getLong(), in.getLong());
      long revision = in.getLong();
      long micros = in.getLong();
      String stream = getShortString(in, position);
      String type = getShortString(in, position);
      String contentType = getShortString(in, position);
      int tagCount = Byte.toUnsignedInt(in.get());
      Set<String> tags = tagCount == 0 ? Set.of() : new HashSet<>(tagCount * 2);
      int previousStart = -1;
      int previousEnd = -1;
      for (int i = 0; i < tagCount; i++) {
        int start = in.position() + 2;
        tags.add(getShortString(in, position));
        // The encoder writes tags sorted and distinct; anything else is not a record it wrote.
        if (previousStart >= 0
            && Arrays.compareUnsigned(
                    record, previousStart, previousEnd, record, start, in.position())
                >= 0) {
          throw corrupt(position, "tags are not distinct and in ascending order");
        }
        previousStart = start;
        previousEnd = in.position();
      }
      byte[] metadata = getBytes(in, position, true);
      byte[] data = getBytes(in, position, false);
      if (in.hasRemaining()) {
        throw corrupt(position, in.remaining() + " trailing bytes");
      }
      if (revision < 0 || stream.isEmpty() || type.isEmpty()) {
        throw corrupt(position, "invalid field values");
      }
      return new RecordedEvent(
          id,
          stream,
          revision,
          position,
          fromMicros(micros),
          type,
          contentType,
          data,
          metadata,
          tagCount == 0 ? tags : Collections.unmodifiableSet(tags));
    } catch (BufferUnderflowException e) {
      throw corrupt(position, "a field runs past the end of the record");
    }
  }

  static int checksum(long position, byte[] record) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(8).putLong(0, position));
    crc.update(record, HEADER, record.length - HEADER);
    return (int) crc.getValue();
  }

  static long toMicros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }

  static Instant fromMicros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  private static void putShortBytes(ByteBuffer out, byte[] bytes) {
    out.putShort((short) bytes.length).put(bytes);
  }

  private static String getShortString(ByteBuffer in, long position) {
    int length = Short.toUnsignedInt(in.getShort());
    if (length > in.remaining()) {
      throw corrupt(position, "string length " + length + " runs past the end of the record");
    }
    int start = in.position();
    in.position(start + length);
    return Utf8.decodeStrict(in.array(), in.arrayOffset() + start, length, position);
  }

  private static byte[] getBytes(ByteBuffer in, long position, boolean optional) {
    int length = in.getInt();
    if (optional && length == -1) {
      return null;
    }
    if (length < 0 || length > in.remaining()) {
      throw corrupt(position, "byte length " + length + " is out of bounds");
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static DataCorruptedException corrupt(long position, String what) {
    return new DataCorruptedException(
        "event record at position " + position + " is corrupt: " + what);
  }
}
