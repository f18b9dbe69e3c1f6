package dev.factum.engine;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StorageFailureException;
import dev.factum.api.StorageFullException;
import dev.factum.api.StoreClosedException;
import dev.factum.engine.testing.FaultInjectingStorage;
import dev.factum.engine.testing.FaultInjectingStorage.Point;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The full-disk gate with a stepped clock: after a commit fails with a full disk, every append is
 * refused with storage-full before it reaches the storage, probes are spaced, and once the storage
 * writes again the store carries on from the durable state, publishing the failed batch if it did
 * become durable.
 */
class StorageFullGateTest {
  private final FaultInjectingStorage storage = FaultInjectingStorage.inMemory();
  private final AtomicLong nanos = new AtomicLong();
  private final FactumStore store = FactumStore.open(storage, StoreOptions.DEFAULT, nanos::get);

  private static List<EventData> one() {
    return List.of(EventData.json("T", "{}"));
  }

  private void probeIntervalPasses() {
    nanos.addAndGet(StorageFullGate.PROBE_INTERVAL_NANOS);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void appendsAreRefusedUntilTheStorageWritesAgainThenThePositionIsReused() {
    store.append("s", noStream(), one());
    storage.fillDiskAtCommit(2, Point.BEFORE_DURABLE);
    assertThatThrownBy(() -> store.append("s", any(), one()))
        .isInstanceOf(StorageFullException.class)
        .hasMessageContaining("may or may not have been written");
    assertThat(store.isStopped()).isFalse();
    assertThatThrownBy(() -> store.append("t", noStream(), one()))
        .isInstanceOf(StorageFullException.class)
        .hasMessageContaining("nothing was written");
    assertThatThrownBy(() -> store.delete("s", any())).isInstanceOf(StorageFullException.class);
    assertThat(storage.resumeProbes()).as("no probe before the interval").isZero();
    probeIntervalPasses();
    assertThatThrownBy(() -> store.append("t", noStream(), one()))
        .isInstanceOf(StorageFullException.class);
    assertThat(storage.resumeProbes()).isEqualTo(1);
    storage.freeSpace();
    assertThatThrownBy(() -> store.append("t", noStream(), one()))
        .as("probes are spaced even after space is freed")
        .isInstanceOf(StorageFullException.class);
    assertThat(storage.resumeProbes()).isEqualTo(1);
    assertThat(storage.commitsEntered()).as("nothing reached the storage while full").isEqualTo(2);
    probeIntervalPasses();
    assertThat(store.append("s", any(), one())).isEqualTo(new AppendResult("s", 1, 1, 1, 1));
    assertThat(storage.resumeProbes()).isEqualTo(2);
    assertThat(store.verify().ok()).isTrue();
  }

  @Test
  void aBatchThatBecameDurableDespiteTheFullDiskIsPublishedAfterResuming() {
    store.append("s", noStream(), one());
    EventData lost = EventData.json("T", "{\"n\":1}").withId(UUID.randomUUID());
    storage.fillDiskAtCommit(2, Point.AFTER_DURABLE);
    assertThatThrownBy(() -> store.append("s", any(), List.of(lost)))
        .isInstanceOf(StorageFullException.class);
    assertThat(store.headPosition()).as("not published while its fate is unknown").isZero();
    storage.freeSpace();
    probeIntervalPasses();
    assertThat(store.append("t", noStream(), one())).isEqualTo(new AppendResult("t", 0, 0, 2, 2));
    assertThat(store.readAll(0, Direction.FORWARD, 10, LogFilter.none()).events())
        .extracting(RecordedEvent::id)
        .contains(lost.id());
    assertThat(store.append("s", any(), List.of(lost)))
        .isEqualTo(new AppendResult("s", 1, 1, 1, 1));
    assertThat(store.append("s", any(), one()).firstRevision()).isEqualTo(2);
    assertThat(store.verify().ok()).isTrue();
  }

  @Test
  void anyOtherFailureWhileResumingStopsTheStore() {
    store.append("s", noStream(), one());
    storage.fillDiskAtCommit(2, Point.BEFORE_DURABLE);
    assertThatThrownBy(() -> store.append("s", any(), one()))
        .isInstanceOf(StorageFullException.class);
    storage.failResume(() -> new StorageFailureException("the device went away (injected)"));
    probeIntervalPasses();
    assertThatThrownBy(() -> store.append("s", any(), one()))
        .isInstanceOf(StorageFailureException.class);
    assertThat(store.isStopped()).isTrue();
    assertThatThrownBy(() -> store.append("s", any(), one()))
        .isInstanceOf(StoreClosedException.class);
    assertThat(store.stopCause()).hasRootCauseMessage("the device went away (injected)");
  }
}
