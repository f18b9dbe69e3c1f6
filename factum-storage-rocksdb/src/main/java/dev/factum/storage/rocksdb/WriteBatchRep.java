package dev.factum.storage.rocksdb;

import java.util.Arrays;
import org.rocksdb.WriteBatch;

/**
 * Builds a RocksDB write batch's serialized representation in Java, handed to RocksDB in one call
 * ({@link #toWriteBatch}), instead of one JNI call (and its array copies) per record.
 *
 * <p>Design note: this class is the one owner of RocksDB's write-batch format in Factum. It is
 * RocksDB's format, not Factum's: nothing here reaches the disk that a {@code WriteBatch.put} would
 * not have written byte for byte (the WAL stores the representation with the sequence RocksDB
 * assigns; the memtables get the same keys and values). {@code WriteBatchRepTest} lays the same
 * batches out through here and through a real {@code WriteBatch} and compares {@code data()}; a
 * RocksDB upgrade that changed the format fails there. That test is the guard that matters: RocksDB
 * checks a representation only while applying it to the memtables, after writing it to the WAL, and
 * a malformed one ("WriteBatch has wrong count", an unknown tag or column family id) stops the
 * database with a background error, where {@code WriteBatch.put} could not have built one. So the
 * count is kept here, never taken from a caller, and column family ids are the open handles' own.
 *
 * <pre>
 *  0                 8              12
 *  +-----------------+--------------+-----------+-----------+-----
 *  | sequence (u64)  | count (u32)  | record 1  | record 2  | ...
 *  +-----------------+--------------+-----------+-----------+-----
 *    little-endian, 0  little-endian, the number of records
 *
 *  record in the default column family (id 0):
 *  +----------+-------------------------+-----------------------------+
 *  | tag (1)  | varint32 key length|key | varint32 value length|value | (value: no value part
 *  +----------+-------------------------+-----------------------------+  for a deletion)
 *    0x01 put, 0x00 delete
 *
 *  record in another column family:
 *  +----------+--------------------+---------------------+-----------------------+
 *  | tag (1)  | varint32 family id | varint32 len | key  | varint32 len | value  |
 *  +----------+--------------------+---------------------+-----------------------+
 *    0x05 put, 0x04 delete                                  (no value for a deletion)
 * </pre>
 *
 * A varint32 is the unsigned value in groups of 7 bits, least significant first, each byte's high
 * bit set when another follows (1 to 5 bytes). Tags are RocksDB's {@code ValueType} values ({@code
 * db/dbformat.h}); the layout is {@code db/write_batch.cc}'s. Only puts and point deletes are
 * built: they are all the store writes. Not thread-safe: the writer thread owns one per commit.
 */
final class WriteBatchRep implements BatchSink {
  static final int HEADER = 12;
  static final byte TYPE_DELETION = 0x0;
  static final byte TYPE_VALUE = 0x1;
  static final byte TYPE_COLUMN_FAMILY_DELETION = 0x4;
  static final byte TYPE_COLUMN_FAMILY_VALUE = 0x5;
  private static final int MAX_VARINT32 = 5;

  private byte[] buffer;
  private int size = HEADER; // the sequence and count bytes stay 0 until toByteArray
  private int count;

  /** A builder whose buffer first holds {@code expectedBytes} (it grows as needed). */
  WriteBatchRep(int expectedBytes) {
    buffer = new byte[Math.max(HEADER + 64, expectedBytes)];
  }

  @Override
  public void put(int columnFamily, byte[] key, byte[] value) {
    reserve(1 + 3 * MAX_VARINT32 + key.length + value.length);
    tag(columnFamily, TYPE_VALUE, TYPE_COLUMN_FAMILY_VALUE);
    bytes(key);
    bytes(value);
    count++;
  }

  @Override
  public void delete(int columnFamily, byte[] key) {
    reserve(1 + 2 * MAX_VARINT32 + key.length);
    tag(columnFamily, TYPE_DELETION, TYPE_COLUMN_FAMILY_DELETION);
    bytes(key);
    count++;
  }

  int count() {
    return count;
  }

  /** The representation as {@code WriteBatch.data()} would return it: header, then the records. */
  byte[] toByteArray() {
    byte[] rep = Arrays.copyOf(buffer, size);
    rep[8] = (byte) count;
    rep[9] = (byte) (count >>> 8);
    rep[10] = (byte) (count >>> 16);
    rep[11] = (byte) (count >>> 24);
    return rep;
  }

  /** A RocksDB write batch holding these records (the caller closes it). */
  WriteBatch toWriteBatch() {
    return new WriteBatch(toByteArray());
  }

  private void tag(int columnFamily, byte defaultFamily, byte otherFamily) {
    if (columnFamily == 0) {
      buffer[size++] = defaultFamily;
    } else {
      buffer[size++] = otherFamily;
      varint32(columnFamily);
    }
  }

  private void bytes(byte[] bytes) {
    varint32(bytes.length);
    System.arraycopy(bytes, 0, buffer, size, bytes.length);
    size += bytes.length;
  }

  /** {@code value} read as unsigned: a column family id or a length (never negative here). */
  private void varint32(int value) {
    while ((value & ~0x7F) != 0) {
      buffer[size++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buffer[size++] = (byte) value;
  }

  private void reserve(int bytes) {
    long needed = (long) size + bytes;
    if (needed > buffer.length) {
      if (needed > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("a write batch of " + needed + " bytes is too large");
      }
      buffer =
          Arrays.copyOf(
              buffer, (int) Math.max(needed, Math.min(2L * buffer.length, Integer.MAX_VALUE - 8)));
    }
  }
}
