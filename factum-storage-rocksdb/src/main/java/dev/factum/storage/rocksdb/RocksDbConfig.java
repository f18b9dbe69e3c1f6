package dev.factum.storage.rocksdb;

/**
 * Settings of the RocksDB storage. There is deliberately no setting that weakens durability: every
 * commit is written with {@code sync=true}.
 *
 * @param blockCacheBytes memory for cached blocks of every column family together
 * @param writeBufferBytes size of each column family's memtable
 * @param hashChain whether commits extend the tamper-evident hash chain (docs/LIFECYCLE.md, "Tamper
 *     evidence"). On by default; off only to measure what the chain costs ({@code bin/bench
 *     chain}): a store written with it off has unchained positions, which {@code verify} reports as
 *     damage, and is not meant to be kept.
 */
public record RocksDbConfig(long blockCacheBytes, long writeBufferBytes, boolean hashChain) {
  public static final RocksDbConfig DEFAULT = new RocksDbConfig(256L << 20, 64L << 20);

  /** Settings with the hash chain on. */
  public RocksDbConfig(long blockCacheBytes, long writeBufferBytes) {
    this(blockCacheBytes, writeBufferBytes, true);
  }

  /** These settings without the hash chain: for measuring its cost only. */
  public RocksDbConfig withoutHashChain() {
    return new RocksDbConfig(blockCacheBytes, writeBufferBytes, false);
  }
}
