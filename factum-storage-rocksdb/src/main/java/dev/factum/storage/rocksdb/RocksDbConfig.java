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
 * @param reclaimBytesPerSecond how many bytes a second RocksDB may write for flushes and
 *     compactions while a scavenging run gives space back ({@link PacedCompaction}; 0: no limit).
 *     The lower, the less the compaction after a run costs concurrent appends in latency, and the
 *     longer it takes. It holds flushes too while the reclaim runs: keep it above the bytes a
 *     second the store's appends write, or their memtables fill and writes stall until the reclaim
 *     ends. Default {@value #DEFAULT_RECLAIM_BYTES_PER_SECOND} (32 MiB/s).
 */
public record RocksDbConfig(
    long blockCacheBytes, long writeBufferBytes, boolean hashChain, long reclaimBytesPerSecond) {
  public static final long DEFAULT_RECLAIM_BYTES_PER_SECOND = 32L << 20;

  public static final RocksDbConfig DEFAULT = new RocksDbConfig(256L << 20, 64L << 20);

  public RocksDbConfig {
    if (reclaimBytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "the reclaim rate must be 0 (no limit) or more bytes a second, was "
              + reclaimBytesPerSecond);
    }
  }

  /** Settings with the hash chain on and the default reclaim rate. */
  public RocksDbConfig(long blockCacheBytes, long writeBufferBytes) {
    this(blockCacheBytes, writeBufferBytes, true, DEFAULT_RECLAIM_BYTES_PER_SECOND);
  }

  /** These settings without the hash chain: for measuring its cost only. */
  public RocksDbConfig withoutHashChain() {
    return new RocksDbConfig(blockCacheBytes, writeBufferBytes, false, reclaimBytesPerSecond);
  }

  /** These settings with another reclaim rate (0: no limit). */
  public RocksDbConfig withReclaimBytesPerSecond(long bytesPerSecond) {
    return new RocksDbConfig(blockCacheBytes, writeBufferBytes, hashChain, bytesPerSecond);
  }
}
