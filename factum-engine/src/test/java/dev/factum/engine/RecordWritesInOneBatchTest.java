package dev.factum.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.testing.FaultInjectingStorage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two writes of one record that meet in one commit batch: the writer chains their versions (the
 * second is checked against the first), and the batch carries the key once, at the last version,
 * which is then more than one above the stored one. A storage must take that (the versions of a key
 * only have to grow); the in-memory storage once insisted on exactly one above, and a scavenger
 * whose last progress write of one run met the first of the next failed a TCK run with "is not
 * written at its next version".
 */
class RecordWritesInOneBatchTest {
  private static final String NAMESPACE = "app";

  @Test
  void twoWritesOfOneKeyInOneBatchBothCommitAndTheLastWins() throws Exception {
    FaultInjectingStorage storage = FaultInjectingStorage.inMemory();
    try (FactumStore store = FactumStore.open(storage)) {
      StoreRecords records = store.records();
      assertThat(records.write(List.of(put("first")))).containsExactly(1L);
      CountDownLatch release = storage.holdCommits();
      int entered = storage.commitsEntered();
      CompletableFuture<Object> holding = records.submit(List.of(put("held")), RecordGuard.NONE);
      storage.awaitCommitEntered(entered + 1); // the writer waits inside this commit
      CompletableFuture<Object> second = records.submit(List.of(put("second")), RecordGuard.NONE);
      CompletableFuture<Object> third = records.submit(List.of(put("third")), RecordGuard.NONE);
      release.countDown();
      assertThat(holding.get(10, TimeUnit.SECONDS)).isEqualTo(List.of(2L));
      assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(List.of(3L));
      assertThat(third.get(10, TimeUnit.SECONDS)).isEqualTo(List.of(4L));
      assertThat(storage.durableBatches().getLast().records())
          .extracting(StoreRecord::version)
          .as("both queued writes went into the batch after the held one")
          .containsExactly(4L);
      StoreRecord stored = storage.real().readRecord(NAMESPACE, "k");
      assertThat(stored.version()).isEqualTo(4);
      assertThat(new String(stored.value(), StandardCharsets.UTF_8)).isEqualTo("third");
    }
  }

  private static RecordWrite put(String value) {
    return RecordWrite.put(NAMESPACE, "k", value.getBytes(StandardCharsets.UTF_8), RecordWrite.ANY);
  }
}
