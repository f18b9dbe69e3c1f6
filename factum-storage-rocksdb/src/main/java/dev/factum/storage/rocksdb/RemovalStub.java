package dev.factum.storage.rocksdb;

import dev.factum.api.DataCorruptedException;
import dev.factum.engine.spi.RemovedEvent;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The removal stub: what scavenging leaves in the log column family at the position of an event it
 * removed, instead of the event record (docs/LIFECYCLE.md, "Scavenging"). The log stays dense in
 * positions, a position is never reused, and a reader (and {@code verify}) can tell "removed" from
 * "missing": a missing position is damage, a stub is not, unless it names a revision its stream
 * still shows.
 *
 * <pre>
 *  0        1                 5          6           14            30
 *  +--------+-----------------+----------+-----------+-------------+------------------+
 *  | 0xF1   | CRC32C (u32)    | reason   | rev (8)   | event id 16 | u16 len + stream |
 *  +--------+-----------------+----------+-----------+-------------+------------------+
 * </pre>
 *
 * The first byte can never begin an event record (whose first byte is its format version, 1): it is
 * what {@link #isStub} tests, the one predicate every reader of the log column family uses (the
 * hash chain's verify included: a stub's position was removed, not altered). The CRC32C covers the
 * 8-byte position key followed by the bytes after it, as an event record's does. Reasons: 1
 * retention, 2 soft delete, 3 tombstone ({@link RemovedEvent.Reason#code}).
 */
public final class RemovalStub {
  /** The stub's marker and format version in one byte. */
  static final byte MARKER = (byte) 0xF1;

  private static final int HEADER = 5;

  private RemovalStub() {}

  /** Whether a log value is a removal stub rather than an event record. */
  public static boolean isStub(byte[] value) {
    return value != null && value.length > 0 && value[0] == MARKER;
  }

  static byte[] encode(RemovedEvent removed) {
    byte[] stream = removed.stream().getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(HEADER + 1 + 8 + 16 + 2 + stream.length);
    out.put(MARKER).putInt(0);
    out.put((byte) removed.reason().code()).putLong(removed.revision());
    out.putLong(removed.id().getMostSignificantBits())
        .putLong(removed.id().getLeastSignificantBits());
    out.putShort((short) stream.length).put(stream);
    byte[] value = out.array();
    ByteBuffer.wrap(value, 1, 4).putInt((int) crc(removed.position(), value));
    return value;
  }

  static RemovedEvent decode(long position, byte[] value) {
    if (!isStub(value)) {
      throw new DataCorruptedException("the log value at position " + position + " is no stub");
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(value);
      in.get();
      int stored = in.getInt();
      if (stored != (int) crc(position, value)) {
        throw new DataCorruptedException(
            "the removal stub at position " + position + " fails its checksum");
      }
      RemovedEvent.Reason reason = RemovedEvent.Reason.ofCode(in.get());
      long revision = in.getLong();
      UUID id = new UUID(in.getLong(), in.getLong());
      byte[] stream = new byte[Short.toUnsignedInt(in.getShort())];
      in.get(stream);
      if (reason == null || revision < 0 || in.hasRemaining()) {
        throw new DataCorruptedException(
            "the removal stub at position " + position + " is damaged");
      }
      String name =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(stream))
              .toString();
      return new RemovedEvent(position, name, revision, id, reason);
    } catch (BufferUnderflowException | CharacterCodingException e) {
      throw new DataCorruptedException(
          "the removal stub at position " + position + " is damaged", e);
    }
  }

  private static long crc(long position, byte[] value) {
    CRC32C crc = new CRC32C();
    crc.update(Keys.position(position));
    crc.update(value, HEADER, value.length - HEADER);
    return crc.getValue();
  }
}
