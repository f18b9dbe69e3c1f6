package dev.factum.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.StreamMetadata;
import dev.factum.api.StreamState;
import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.StreamHead;
import dev.factum.engine.spi.VerifyReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify} after scavenging: removal stubs below a stream's first visible revision are
 * "removed", not damage; a stub of a revision the stream still shows (its head lowered behind the
 * scavenger's back) is damage, named.
 */
class RocksDbScavengeVerifyTest {
  @TempDir Path directory;

  @Test
  void aStubOfAVisibleRevisionIsDamage() {
    try (FactumStore store = FactumStore.open(RocksDbStorage.open(directory))) {
      store.append(
          "order-1",
          ExpectedRevision.noStream(),
          IntStream.range(0, 6).mapToObj(i -> EventData.json("T", "{}")).toList());
      store.setStreamMetadata(
          "order-1", ExpectedRevision.any(), StreamMetadata.NONE.withMaxCount(2L));
      store.startScavenge(0);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (store.scavengeStatus().runId() == 0 || store.scavengeStatus().isRunning()) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      assertThat(store.scavengeStatus().eventsRemoved()).isEqualTo(4);
      VerifyReport clean = store.verify();
      assertThat(clean.ok()).as("%s", clean).isTrue();
    }
    try (RocksDbStorage storage = RocksDbStorage.open(directory)) {
      StreamHead head = storage.loadHead("order-1");
      assertThat(head.firstVisibleRevision()).isEqualTo(4);
      storage.commit(
          new CommitBatch(
              List.of(),
              Map.of(
                  "order-1",
                  new StreamHead(
                      head.lastRevision(), head.lastPosition(), 1, StreamState.Status.ACTIVE))));
      VerifyReport damaged = storage.verify();
      assertThat(damaged.ok()).isFalse();
      assertThat(damaged.problems())
          .anySatisfy(p -> assertThat(p).contains("order-1").contains("still shows"));
    }
  }
}
