package dev.factum.storage.rocksdb;

import dev.factum.api.DataCorruptedException;
import dev.factum.engine.spi.ChainBatch;
import dev.factum.engine.spi.HashChain;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The hash chain's records (format version 5): one per commit batch with events, in the {@code
 * chain} column family, and the chain's start in the default column family.
 *
 * <pre>
 * chain record, key: the batch's last position (int64, big-endian, as log keys)
 *
 *  0       1               9               13              45          45+32n      49+32n
 *  +-------+---------------+---------------+---------------+-----------+-----------+
 *  | 0x01  | first (int64) | count n (int32) | chain value | n digests | CRC32C    |
 *  |       |               |               | (32 bytes)    | (32 each) |           |
 *  +-------+---------------+---------------+---------------+-----------+-----------+
 *
 * chain start, key "factum.chain-start" in the default column family
 *
 *  0                        8           12
 *  +------------------------+-----------+
 *  | first chained position | CRC32C    |
 *  +------------------------+-----------+
 * </pre>
 *
 * The chain value is {@code chain(last)}; digest i is the SHA-256 of the log value stored at {@code
 * first + i}, exactly its bytes ({@link EventRecordCodec}'s record). A record's CRC32C covers its
 * key and everything before the CRC, so a flipped bit or a value under another key is reported as
 * damage; it does not stop a knowledgeable attacker (who can recompute it), which is what the chain
 * itself and an anchor are for. Chain records are written only by the writer, inside the commit's
 * write batch, and nothing else ever rewrites or deletes them (scavenging included).
 */
final class ChainRecordCodec {
  static final byte[] START_KEY = "factum.chain-start".getBytes(StandardCharsets.US_ASCII);
  private static final byte VERSION = 1;
  private static final int HEADER = 1 + 8 + 4 + HashChain.HASH_BYTES;

  private ChainRecordCodec() {}

  static byte[] encode(ChainBatch batch) {
    int count = batch.digests().size();
    ByteBuffer out = ByteBuffer.allocate(HEADER + count * HashChain.HASH_BYTES + 4);
    out.put(VERSION).putLong(batch.first()).putInt(count).put(batch.chain());
    for (byte[] digest : batch.digests()) {
      out.put(digest);
    }
    out.putInt(crc(Keys.position(batch.last()), out.array(), out.position()));
    return out.array();
  }

  static ChainBatch decode(byte[] key, byte[] stored) {
    if (key.length != 8) {
      throw new DataCorruptedException("a chain record has a key of " + key.length + " bytes");
    }
    long last = Keys.readLong(key, 0);
    if (stored.length < HEADER + HashChain.HASH_BYTES + 4
        || (stored.length - HEADER - 4) % HashChain.HASH_BYTES != 0) {
      throw new DataCorruptedException(
          "the chain record ending at " + last + " has " + stored.length + " bytes");
    }
    ByteBuffer in = ByteBuffer.wrap(stored);
    if (in.getInt(stored.length - 4) != crc(key, stored, stored.length - 4)) {
      throw new DataCorruptedException(
          "the chain record ending at " + last + " fails its checksum");
    }
    if (in.get() != VERSION) {
      throw new DataCorruptedException(
          "the chain record ending at " + last + " has an unknown version " + stored[0]);
    }
    long first = in.getLong();
    int count = in.getInt();
    if (count != (stored.length - HEADER - 4) / HashChain.HASH_BYTES || last - first + 1 != count) {
      throw new DataCorruptedException(
          "the chain record ending at " + last + " says it holds " + count + " from " + first);
    }
    byte[] chain = new byte[HashChain.HASH_BYTES];
    in.get(chain);
    List<byte[]> digests = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] digest = new byte[HashChain.HASH_BYTES];
      in.get(digest);
      digests.add(digest);
    }
    return new ChainBatch(first, last, chain, digests);
  }

  static byte[] encodeStart(long first) {
    ByteBuffer out = ByteBuffer.allocate(12).putLong(first);
    out.putInt(crc(START_KEY, out.array(), 8));
    return out.array();
  }

  static long decodeStart(byte[] stored) {
    if (stored.length != 12 || ByteBuffer.wrap(stored).getInt(8) != crc(START_KEY, stored, 8)) {
      throw new DataCorruptedException("the chain's start record is damaged");
    }
    long first = Keys.readLong(stored, 0);
    if (first < 0) {
      throw new DataCorruptedException("the chain's start record says " + first);
    }
    return first;
  }

  private static int crc(byte[] key, byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(key);
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }
}
