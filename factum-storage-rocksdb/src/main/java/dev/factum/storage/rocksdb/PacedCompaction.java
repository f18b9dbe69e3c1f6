package dev.factum.storage.rocksdb;

import dev.factum.storage.rocksdb.RemovedRanges.Range;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.LiveFileMetaData;
import org.rocksdb.RateLimiter;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * Compaction after a scavenging run, paced so that appends keep their latency (docs/LIFECYCLE.md,
 * "Scavenging", "Compaction pacing"): only the key range the run removed from is compacted, in
 * slices, while RocksDB's rate limiter holds the bytes flushes and compactions write to the reclaim
 * rate.
 *
 * <p>Design note: a manual compaction of the whole family forced to the bottommost level, at full
 * speed, rewrote every table file in one burst; concurrent appends then waited for the disk behind
 * it (their p99 rose about 5×). Here:
 *
 * <ul>
 *   <li><b>Range.</b> A slice is a closed key range inside the removed one; keys outside it are not
 *       compacted by this class (RocksDB may still pull neighbours of the same table file in, as
 *       any compaction does).
 *   <li><b>Slices</b> follow the table files of the family's bottommost level: each slice ends at
 *       one of their largest keys, so a slice rewrites one bottom file and what lies above it, and
 *       no bottom file is rewritten twice by consecutive slices. Between slices the caller may stop
 *       (the store closes) and the reclaim resumes from there on the next run.
 *   <li><b>Rate.</b> The limiter is the database's own ({@link RocksDbStorage} opens every store
 *       with one, unlimited by default); while a reclaim runs it is lowered to the reclaim rate and
 *       raised again after. It limits flushes too (at a higher priority than compactions): a store
 *       whose appends write more bytes a second than the reclaim rate would fill its memtables and
 *       stall writes until the reclaim ends, which is why the rate is a setting ({@link
 *       RocksDbConfig#reclaimBytesPerSecond}).
 *   <li><b>Not exclusive:</b> RocksDB's own compactions (of new appends' files) go on beside a
 *       slice, so level 0 does not pile up into a write stall.
 *   <li><b>Bottommost forced</b> ({@code kForceOptimized}): RocksDB otherwise leaves the bottom
 *       level alone, which is where an older store's replaced records lie; the optimized variant
 *       does not rewrite a file the same slice has just written.
 * </ul>
 */
final class PacedCompaction implements AutoCloseable {
  /** The limiter's rate outside a reclaim: far above any disk, so it never holds a write back. */
  static final long UNLIMITED = 1L << 40;

  private final RocksDB db;
  private final RateLimiter limiter;
  private final CompactRangeOptions options =
      new CompactRangeOptions()
          .setExclusiveManualCompaction(false)
          .setBottommostLevelCompaction(
              CompactRangeOptions.BottommostLevelCompaction.kForceOptimized);

  /** The rate the last reclaim was paced at (0: none yet), for tests and diagnostics. */
  private volatile long lastPacedRate;

  PacedCompaction(RocksDB db, RateLimiter limiter) {
    this.db = db;
    this.limiter = limiter;
  }

  /** Lowers the limiter to {@code bytesPerSecond} (0: no limit) until {@link #unpace}. */
  void pace(long bytesPerSecond) {
    long rate = bytesPerSecond <= 0 ? UNLIMITED : bytesPerSecond;
    limiter.setBytesPerSecond(rate);
    lastPacedRate = rate;
  }

  long lastPacedRate() {
    return lastPacedRate;
  }

  void unpace() {
    limiter.setBytesPerSecond(UNLIMITED);
  }

  /**
   * The slices of {@code range} (a null end: unbounded) in {@code family}, in key order: they end
   * at the largest keys of the bottommost level's table files inside the range, the last at the
   * range's end.
   */
  List<Range> slices(String familyName, Range range) {
    byte[] name = Keys.utf8(familyName);
    List<LiveFileMetaData> files = new ArrayList<>();
    int bottom = 0;
    for (LiveFileMetaData file : db.getLiveFilesMetaData()) {
      if (Arrays.equals(file.columnFamilyName(), name)) {
        files.add(file);
        bottom = Math.max(bottom, file.level());
      }
    }
    TreeSet<byte[]> ends = new TreeSet<>(Arrays::compareUnsigned);
    if (bottom > 0) { // level 0's files overlap one another: they give no boundaries
      for (LiveFileMetaData file : files) {
        byte[] end = file.largestKey();
        if (file.level() == bottom && inside(end, range)) {
          ends.add(end);
        }
      }
    }
    List<Range> slices = new ArrayList<>(ends.size() + 1);
    byte[] from = range.first();
    for (byte[] end : ends) {
      slices.add(new Range(from, end));
      from = end;
    }
    slices.add(new Range(from, range.last()));
    return slices;
  }

  private static boolean inside(byte[] key, Range range) {
    return (range.first() == null || Arrays.compareUnsigned(key, range.first()) > 0)
        && (range.last() == null || Arrays.compareUnsigned(key, range.last()) < 0);
  }

  /** Compacts one slice of {@code family}; returns when RocksDB has finished it. */
  void compact(ColumnFamilyHandle family, Range slice) throws RocksDBException {
    db.compactRange(family, slice.first(), slice.last(), options);
  }

  @Override
  public void close() {
    options.close();
  }
}
