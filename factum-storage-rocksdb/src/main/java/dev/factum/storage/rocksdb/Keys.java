package dev.factum.storage.rocksdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * Key layouts of the column families. All integers are big-endian, so byte order is numeric order
 * and RocksDB iterates positions and revisions in ascending order.
 *
 * <ul>
 *   <li>log: {@code position (8)} → event record
 *   <li>heads: {@code stream (UTF-8)} → head record (only streams that are not plain, see {@link
 *       HeadRecordCodec#isPlain})
 *   <li>stream index: {@code stream (UTF-8) | 0x00 | revision (8)} → position (8)
 *   <li>event ids: {@code id (16)} → position (8)
 *   <li>filter index: {@code kind (1) | value (UTF-8) | 0x00 | position (8)} → empty
 * </ul>
 *
 * The 0x00 separator is unambiguous because names may not contain control characters, and the UTF-8
 * encoding of any other character has no zero byte.
 */
final class Keys {
  static final byte CATEGORY = 'c';
  static final byte TYPE = 't';
  static final byte TAG = 'g';

  private Keys() {}

  static byte[] position(long position) {
    return ByteBuffer.allocate(8).putLong(position).array();
  }

  static long readLong(byte[] bytes, int offset) {
    return ByteBuffer.wrap(bytes, offset, 8).getLong();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code stream | 0x00}: the prefix of every stream-index key of a stream. */
  static byte[] streamPrefix(String stream) {
    byte[] name = utf8(stream);
    return Arrays.copyOf(name, name.length + 1);
  }

  static byte[] withLong(byte[] prefix, long value) {
    byte[] key = Arrays.copyOf(prefix, prefix.length + 8);
    ByteBuffer.wrap(key, prefix.length, 8).putLong(value);
    return key;
  }

  /** {@code kind | value | 0x00}: the prefix of every filter-index key of one value. */
  static byte[] filterPrefix(byte kind, String value) {
    byte[] name = utf8(value);
    byte[] prefix = new byte[name.length + 2];
    prefix[0] = kind;
    System.arraycopy(name, 0, prefix, 1, name.length);
    return prefix;
  }

  /** {@code stream | 0x00 | revision}: {@code withLong(streamPrefix(stream), revision)}. */
  static byte[] streamKey(String stream, long revision) {
    byte[] name = utf8(stream);
    byte[] key = new byte[name.length + 9];
    System.arraycopy(name, 0, key, 0, name.length);
    ByteBuffer.wrap(key, name.length + 1, 8).putLong(revision);
    return key;
  }

  /**
   * {@code kind | value | 0x00 | position}: {@code withLong(filterPrefix(kind, value), position)}.
   */
  static byte[] filterKey(byte kind, String value, long position) {
    byte[] name = utf8(value);
    byte[] key = new byte[name.length + 10];
    key[0] = kind;
    System.arraycopy(name, 0, key, 1, name.length);
    ByteBuffer.wrap(key, name.length + 2, 8).putLong(position);
    return key;
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length == prefix.length + 8
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  static byte[] uuid(UUID id) {
    return ByteBuffer.allocate(16)
        .putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits())
        .array();
  }
}
