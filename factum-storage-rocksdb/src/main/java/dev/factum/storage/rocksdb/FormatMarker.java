package dev.factum.storage.rocksdb;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.UnsupportedFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The format marker of a data directory, stored in the default column family under {@link #KEY}.
 *
 * <pre>
 *  0                      8                  12             16
 *  +----------------------+------------------+--------------+
 *  | "FACTUM\0\0" (magic) | format version   | CRC32C of 0..12 |
 *  +----------------------+------------------+--------------+
 * </pre>
 *
 * Version 1 is the layout described in {@link Keys}, {@link EventRecordCodec} and {@link
 * HeadRecordCodec}. Version 2 has the same record layouts; its log may also hold deletion events in
 * the system stream {@code $deletions} (see {@link dev.factum.api.StreamDeletion}), indexed under
 * the category of the stream they delete, which a version 1 build would report as damage. Version 3
 * adds the {@code records} column family of store records ({@link RecordCodec}); the other layouts
 * are unchanged. Version 4 stores a head record only for a stream that is not plain ({@link
 * HeadRecordCodec#isPlain}): a plain stream's head is its last stream-index entry, and a plain head
 * record left by an older version is no longer kept up to date (it lags behind its stream, and only
 * says that the stream is plain). A version 3 build would read such a lagging record as the head
 * and append at revisions already taken, so it must not open a version 4 directory: it refuses it,
 * being a newer version. Upgrades happen when this build opens an older directory: RocksDB creates
 * a missing column family, then the marker is rewritten as the current version with one synced
 * write, before anything else is written (a crash between the two leaves an empty column family and
 * the old marker, and the next open finishes the upgrade). An older build cannot open a newer
 * directory; a directory of a newer version than this build's is refused at open, never read with
 * the wrong layout.
 *
 * <p>Version 5 adds the tamper-evident hash chain: the {@code chain} column family of chain records
 * and the chain's start record ({@link ChainRecordCodec}); the other layouts are unchanged. A new
 * directory is chained from position 0. A version 1 to 4 directory is upgraded at open like the
 * others, with the marker and the chain's start (its newest position + 1) in one synced write
 * batch: its older events stay unchained, and {@code verify} says so ("not chained before P")
 * instead of failing. A version 4 build must not open a version 5 directory (it would append
 * without chain records, which verify then reports as a broken chain): it refuses it, being a newer
 * version.
 */
final class FormatMarker {
  static final int CURRENT_VERSION = 5;
  static final byte[] KEY = "factum.format".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAGIC = "FACTUM\0\0".getBytes(StandardCharsets.US_ASCII);

  private FormatMarker() {}

  static byte[] encode(int version) {
    ByteBuffer out = ByteBuffer.allocate(16).put(MAGIC).putInt(version);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, 12);
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /** Checks the marker and returns its version; refuses unknown versions. */
  static int check(byte[] marker) {
    if (marker.length != 16 || !Arrays.equals(marker, 0, 8, MAGIC, 0, 8)) {
      throw new DataCorruptedException("the format marker of the data directory is damaged");
    }
    ByteBuffer in = ByteBuffer.wrap(marker);
    int version = in.getInt(8);
    CRC32C crc = new CRC32C();
    crc.update(marker, 0, 12);
    if (in.getInt(12) != (int) crc.getValue()) {
      throw new DataCorruptedException("the format marker of the data directory is damaged");
    }
    if (version < 1 || version > CURRENT_VERSION) {
      throw new UnsupportedFormatException(
          "the data directory has storage format version "
              + version
              + "; this build reads versions 1 to "
              + CURRENT_VERSION
              + " (upgrade Factum to open it)");
    }
    return version;
  }
}
