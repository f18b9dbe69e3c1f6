package dev.factum.storage.rocksdb;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The key ranges removals have touched since the last reclaim, per column family: what {@link
 * RocksDbStorage#reclaimSpace} needs to compact, and nothing more.
 *
 * <p>Design note: one range per family, from the smallest to the largest key a removal wrote (a
 * stub in the log, a delete in the stream and filter indexes), in RocksDB's bytewise order. A range
 * is a superset of the keys touched, never a subset: a key outside it was not written by a removal,
 * so compacting only inside it leaves no removed record behind in that family. Writers add (the
 * single writer, while it stages a removal); the reclaimer {@link #take takes} the ranges and
 * starts a fresh set, so removals committed during a reclaim are left for the next one.
 *
 * <p>What it does not know: removals written by an earlier process (the ranges live in memory). A
 * run resumed after a restart reclaims the whole families instead ({@link
 * RocksDbStorage#reclaimAllSpace}).
 */
final class RemovedRanges {
  /** The families removals write to, in the order their ranges are kept. */
  enum Family {
    LOG,
    STREAM_INDEX,
    FILTER_INDEX
  }

  /** A closed key range {@code [first, last]}; a null end is unbounded. */
  record Range(byte[] first, byte[] last) {
    /** The whole family. */
    static final Range WHOLE = new Range(null, null);
  }

  private final Map<Family, Range> touched = new EnumMap<>(Family.class);

  /** A removal wrote {@code key} in {@code family}. */
  synchronized void touched(Family family, byte[] key) {
    Range was = touched.get(family);
    if (was == null) {
      touched.put(family, new Range(key, key));
    } else if (Arrays.compareUnsigned(key, was.first()) < 0) {
      touched.put(family, new Range(key, was.last()));
    } else if (Arrays.compareUnsigned(key, was.last()) > 0) {
      touched.put(family, new Range(was.first(), key));
    }
  }

  /** The range touched in each family since the last call (absent: none); starts a fresh set. */
  synchronized Map<Family, Range> take() {
    Map<Family, Range> taken = new EnumMap<>(touched);
    touched.clear();
    return taken;
  }

  /** Puts back a bounded range a reclaim could not finish, so that the next one covers it. */
  synchronized void restore(Family family, Range range) {
    touched(family, range.first());
    touched(family, range.last());
  }
}
