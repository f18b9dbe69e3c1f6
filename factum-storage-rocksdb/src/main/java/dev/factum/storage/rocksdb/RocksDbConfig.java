package dev.factum.storage.rocksdb;

/**
 * Settings of the RocksDB storage. There is deliberately no setting that weakens durability: every
 * commit is written with {@code sync=true}.
 *
 * @param blockCacheBytes memory for cached blocks of every column family together
 * @param writeBufferBytes size of each column family's memtable
 */
public record RocksDbConfig(long blockCacheBytes, long writeBufferBytes) {
  public static final RocksDbConfig DEFAULT = new RocksDbConfig(256L << 20, 64L << 20);
}
