package dev.factum.storage.rocksdb;

import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/** A {@link BatchSink} that writes through RocksDB's own {@link WriteBatch}: the reference. */
final class WriteBatchSink implements BatchSink {
  private final WriteBatch batch;
  private final Map<Integer, ColumnFamilyHandle> families;

  /** {@code families}: each column family's handle by its RocksDB id. */
  WriteBatchSink(WriteBatch batch, Map<Integer, ColumnFamilyHandle> families) {
    this.batch = batch;
    this.families = families;
  }

  @Override
  public void put(int columnFamily, byte[] key, byte[] value) {
    try {
      batch.put(handle(columnFamily), key, value);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void delete(int columnFamily, byte[] key) {
    try {
      batch.delete(handle(columnFamily), key);
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  private ColumnFamilyHandle handle(int id) {
    ColumnFamilyHandle handle = families.get(id);
    if (handle == null) {
      throw new IllegalArgumentException("no column family has the id " + id);
    }
    return handle;
  }
}
