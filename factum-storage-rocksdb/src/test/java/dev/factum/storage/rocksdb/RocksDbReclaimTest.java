package dev.factum.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.StreamMetadata;
import dev.factum.api.scavenge.ScavengeStatus;
import dev.factum.engine.FactumStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compaction after a scavenging run ({@link PacedCompaction}, {@link RemovedRanges}): nothing
 * removed, nothing rewritten; after removals the space is given back with the rate limiter held at
 * the reclaim rate while it runs and raised to unlimited again after.
 */
class RocksDbReclaimTest {
  private static final long RATE = 4L << 20;

  @TempDir Path directory;

  @Test
  void aReclaimWithNothingRemovedRewritesNothing() throws Exception {
    RocksDbStorage storage = RocksDbStorage.open(directory);
    try (FactumStore store = FactumStore.open(storage)) { // the store closes its storage
      fill(store, 4, 100);
      storage.reclaimAllSpace(); // everything in table files
      List<Path> files = tableFiles();
      long through = storage.rateLimiterState()[1];
      assertThat(storage.reclaimSpace()).isZero();
      assertThat(storage.rateLimiterState()[1]).isEqualTo(through);
      assertThat(tableFiles()).isEqualTo(files);
    }
  }

  @Test
  void aReclaimGivesTheSpaceBackAtTheReclaimRateAndUnlimitsAfter() throws Exception {
    RocksDbStorage unpaced =
        RocksDbStorage.open(directory, RocksDbConfig.DEFAULT.withReclaimBytesPerSecond(0));
    try (FactumStore store = FactumStore.open(unpaced)) { // the store closes its storage
      fill(store, 20, 250); // 5,000 events of ~1 KiB; 80% expired
      unpaced.reclaimAllSpace(); // in table files, so that the run's flush writes only its own
    }
    RocksDbConfig config = RocksDbConfig.DEFAULT.withReclaimBytesPerSecond(RATE);
    RocksDbStorage storage = RocksDbStorage.open(directory, config);
    try (FactumStore store = FactumStore.open(storage)) {
      assertThat(storage.rateLimiterState()[0]).isEqualTo(PacedCompaction.UNLIMITED);
      long through = storage.rateLimiterState()[1];
      long start = System.nanoTime();
      store.startScavenge(1_000_000);
      long deadline = start + Duration.ofSeconds(60).toNanos();
      while (store.scavengeStatus().runId() == 0 || store.scavengeStatus().isRunning()) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      ScavengeStatus done = store.scavengeStatus();
      assertThat(done.state()).as("%s", done).isEqualTo(ScavengeStatus.State.DONE);
      assertThat(done.eventsRemoved()).isEqualTo(4_000);
      assertThat(done.bytesReclaimed()).isGreaterThan(2_000_000); // of ~5 MB of payload
      long written = storage.rateLimiterState()[1] - through;
      assertThat(written).as("flush and compaction bytes").isGreaterThan(1_000_000);
      // The reclaim ran with the limiter at the reclaim rate. Not asserted: that it took bytes ÷
      // rate. RocksDB's limiter keeps the bytes it already granted at the unlimited rate when the
      // rate drops, so a reclaim this small may finish well within bytes ÷ rate (a quiet machine
      // did it in 0.12 s for 0.25 s of bytes); docs/LIFECYCLE.md, "Compaction pacing".
      assertThat(storage.rateLimiterState()[2]).isEqualTo(RATE);
      assertThat(storage.rateLimiterState()[0]).isEqualTo(PacedCompaction.UNLIMITED);
      assertThat(storage.reclaimSpace()).as("the ranges were taken").isZero();
    }
  }

  private static void fill(FactumStore store, int streams, int perStream) {
    Random random = new Random(7);
    for (int s = 0; s < streams; s++) {
      String stream = "order-" + s;
      for (int written = 0; written < perStream; written += 50) {
        store.append(
            stream,
            ExpectedRevision.any(),
            IntStream.range(0, 50)
                .mapToObj(i -> EventData.json("T", "{\"pad\":\"" + letters(random, 1000) + "\"}"))
                .toList());
      }
      store.setStreamMetadata(
          stream, ExpectedRevision.any(), StreamMetadata.NONE.withMaxCount((long) perStream / 5));
    }
  }

  private static String letters(Random random, int count) {
    StringBuilder text = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }

  private List<Path> tableFiles() throws Exception {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.toString().endsWith(".sst")).sorted().toList();
    }
  }
}
