package dev.factum.engine;

import dev.factum.api.UnsupportedFormatException;
import dev.factum.api.snapshots.Snapshot;
import java.nio.ByteBuffer;

/**
 * The value of a snapshot's store record (namespace {@value StreamSnapshots#NAMESPACE}, key the
 * stream name). The record itself carries the length and the checksum (every storage checks
 * records), so this layout adds only a format byte:
 *
 * <pre>
 *  0         1                 9                 13
 *  +---------+-----------------+-----------------+----------------+
 *  | format  | revision (i64)  | schema (i32)    | data ...       |
 *  +---------+-----------------+-----------------+----------------+
 * </pre>
 *
 * Format 1 is the only one; a value of another format is refused ({@code unsupported-format}),
 * never decoded with the wrong layout.
 */
final class SnapshotCodec {
  static final byte FORMAT = 1;
  private static final int HEADER = 13;

  private SnapshotCodec() {}

  static byte[] encode(Snapshot snapshot) {
    return ByteBuffer.allocate(HEADER + snapshot.data().length)
        .put(FORMAT)
        .putLong(snapshot.revision())
        .putInt(snapshot.schemaVersion())
        .put(snapshot.data())
        .array();
  }

  /** The revision alone, for the writer's check that a save is not older than what is kept. */
  static long revision(byte[] value) {
    checkFormat(value);
    return ByteBuffer.wrap(value, 1, 8).getLong();
  }

  static Snapshot decode(String stream, byte[] value) {
    checkFormat(value);
    ByteBuffer in = ByteBuffer.wrap(value);
    in.get();
    long revision = in.getLong();
    int schema = in.getInt();
    byte[] data = new byte[in.remaining()];
    in.get(data);
    return new Snapshot(stream, revision, schema, data);
  }

  private static void checkFormat(byte[] value) {
    if (value.length < HEADER || value[0] != FORMAT) {
      throw new UnsupportedFormatException(
          "a snapshot record of "
              + value.length
              + " bytes has format "
              + (value.length == 0 ? "none" : Byte.toString(value[0]))
              + "; this build reads format "
              + FORMAT);
    }
  }
}
