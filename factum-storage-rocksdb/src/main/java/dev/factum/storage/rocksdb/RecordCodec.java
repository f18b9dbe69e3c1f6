package dev.factum.storage.rocksdb;

import dev.factum.api.DataCorruptedException;
import dev.factum.engine.spi.StoreRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Store records in the {@code records} column family (format version 3).
 *
 * <pre>
 * key:   namespace (UTF-8) | 0x00 | key (UTF-8)
 *
 * value:
 *  0                 8                       8+n           12+n
 *  +-----------------+-----------------------+-------------+
 *  | version (int64) | value bytes (n)       | CRC32C      |
 *  +-----------------+-----------------------+-------------+
 * </pre>
 *
 * The CRC32C covers the key, the version and the value, so a value under another key, a cut value
 * or a flipped bit is reported as {@link DataCorruptedException}, never returned. RocksDB keeps the
 * value's length; names never contain NUL (the engine refuses control characters), so the first
 * 0x00 of a key ends its namespace, and a namespace's records are one contiguous key range.
 */
final class RecordCodec {
  private RecordCodec() {}

  static byte[] key(String namespace, String key) {
    byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(ns, ns.length + 1 + k.length);
    System.arraycopy(k, 0, out, ns.length + 1, k.length);
    return out;
  }

  /** The first key of {@code namespace}'s range: its name and the separator. */
  static byte[] namespacePrefix(String namespace) {
    byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
    return Arrays.copyOf(ns, ns.length + 1);
  }

  static boolean inNamespace(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  static byte[] encode(byte[] key, StoreRecord record) {
    byte[] value = record.value();
    ByteBuffer out = ByteBuffer.allocate(8 + value.length + 4);
    out.putLong(record.version()).put(value);
    out.putInt(crc(key, out.array(), 8 + value.length));
    return out.array();
  }

  static StoreRecord decode(byte[] key, byte[] stored) {
    int separator = indexOfZero(key);
    if (separator < 0) {
      throw new DataCorruptedException("a store record key has no namespace separator");
    }
    String namespace = new String(key, 0, separator, StandardCharsets.UTF_8);
    String name =
        new String(key, separator + 1, key.length - separator - 1, StandardCharsets.UTF_8);
    if (stored.length < 12) {
      throw new DataCorruptedException(
          "store record " + namespace + "/" + name + " is cut short (" + stored.length + " bytes)");
    }
    ByteBuffer in = ByteBuffer.wrap(stored);
    if (in.getInt(stored.length - 4) != crc(key, stored, stored.length - 4)) {
      throw new DataCorruptedException(
          "store record " + namespace + "/" + name + " fails its checksum");
    }
    long version = in.getLong(0);
    if (version < 1) {
      throw new DataCorruptedException(
          "store record " + namespace + "/" + name + " has version " + version);
    }
    return new StoreRecord(
        namespace, name, version, Arrays.copyOfRange(stored, 8, stored.length - 4));
  }

  private static int indexOfZero(byte[] key) {
    for (int i = 0; i < key.length; i++) {
      if (key[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  private static int crc(byte[] key, byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(key);
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }
}
