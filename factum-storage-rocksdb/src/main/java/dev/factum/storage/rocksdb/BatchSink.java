package dev.factum.storage.rocksdb;

/**
 * Where the commit layout ({@link CommitLayout}) writes a batch's records: {@link WriteBatchRep} in
 * production, a real RocksDB {@code WriteBatch} in the test that proves the two produce the same
 * bytes. A column family is named by its RocksDB id ({@code ColumnFamilyHandle.getID()}, read once
 * at open), so writing a record costs no native call.
 */
interface BatchSink {
  void put(int columnFamily, byte[] key, byte[] value);

  void delete(int columnFamily, byte[] key);
}
