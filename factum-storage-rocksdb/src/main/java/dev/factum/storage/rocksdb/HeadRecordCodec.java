package dev.factum.storage.rocksdb;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.StreamState;
import dev.factum.engine.spi.StreamHead;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Encodes a stream head: the value stored in the heads column family under the stream's UTF-8 name.
 *
 * <pre>
 *  0        1              5          6                14               22                    30
 *  +--------+--------------+----------+----------------+----------------+---------------------+
 *  | ver=1  | CRC32C (u32) | status   | last revision  | last position  | first visible rev.  |
 *  +--------+--------------+----------+----------------+----------------+---------------------+
 * </pre>
 *
 * Status: 1 active, 2 soft-deleted, 3 tombstoned. The CRC32C covers the stream name followed by
 * bytes 5..30, so a head stored under another name fails its check.
 *
 * <p>From format 4 on only heads that are not {@link #isPlain plain} are stored; a plain head is
 * read from the stream index (see {@link RocksDbStorage#loadHead}).
 */
final class HeadRecordCodec {
  static final byte VERSION = 1;
  static final int LENGTH = 30;

  private HeadRecordCodec() {}

  static byte[] encode(byte[] streamKey, StreamHead head) {
    ByteBuffer out = ByteBuffer.allocate(LENGTH);
    out.put(VERSION).putInt(0).put(statusCode(head.status()));
    out.putLong(head.lastRevision())
        .putLong(head.lastPosition())
        .putLong(head.firstVisibleRevision());
    byte[] record = out.array();
    ByteBuffer.wrap(record, 1, 4).putInt(checksum(streamKey, record));
    return record;
  }

  static StreamHead decode(byte[] streamKey, byte[] record) {
    String stream = new String(streamKey, StandardCharsets.UTF_8);
    if (record.length != LENGTH || record[0] != VERSION) {
      throw corrupt(stream, "unexpected length or version");
    }
    ByteBuffer in = ByteBuffer.wrap(record);
    in.get();
    if (in.getInt() != checksum(streamKey, record)) {
      throw corrupt(stream, "checksum mismatch");
    }
    StreamState.Status status =
        switch (in.get()) {
          case 1 -> StreamState.Status.ACTIVE;
          case 2 -> StreamState.Status.DELETED;
          case 3 -> StreamState.Status.TOMBSTONED;
          default -> throw corrupt(stream, "unknown status");
        };
    StreamHead head = new StreamHead(in.getLong(), in.getLong(), in.getLong(), status);
    if (head.lastRevision() < StreamState.NO_REVISION
        || head.firstVisibleRevision() < 0
        || head.firstVisibleRevision() > head.lastRevision() + 1) {
      throw corrupt(stream, "inconsistent revisions");
    }
    return head;
  }

  /**
   * An active stream never deleted: everything its head says follows from its last stream-index
   * entry. A head that is not plain never becomes plain again (a delete moves the first visible
   * revision past 0, or tombstones the stream, for good).
   */
  static boolean isPlain(StreamHead head) {
    return head.status() == StreamState.Status.ACTIVE && head.firstVisibleRevision() == 0;
  }

  private static byte statusCode(StreamState.Status status) {
    return switch (status) {
      case ACTIVE -> 1;
      case DELETED -> 2;
      case TOMBSTONED -> 3;
      case NONE -> throw new IllegalArgumentException("a stream that does not exist has no head");
    };
  }

  private static int checksum(byte[] streamKey, byte[] record) {
    CRC32C crc = new CRC32C();
    crc.update(streamKey);
    crc.update(record, 5, LENGTH - 5);
    return (int) crc.getValue();
  }

  private static DataCorruptedException corrupt(String stream, String what) {
    return new DataCorruptedException("head of stream '" + stream + "' is corrupt: " + what);
  }
}
