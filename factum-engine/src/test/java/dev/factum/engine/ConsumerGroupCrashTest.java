package dev.factum.engine;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.LogFilter;
import dev.factum.api.StorageFailureException;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSource;
import dev.factum.engine.testing.FaultInjectingStorage;
import dev.factum.engine.testing.InMemoryStorage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An ack-append whose commit became durable but was never acknowledged (the process "died" after
 * the write: the store stops, fail-stop): after recovery its output is there once and the event it
 * acked is not handed out again, although no checkpoint was written after it. The acks are in the
 * same commit as the events, not in a later checkpoint.
 */
class ConsumerGroupCrashTest {
  @Test
  void anAckAppendDurableAtACrashIsNotRedeliveredAfterRecovery() {
    InMemoryStorage data = InMemoryStorage.create();
    FaultInjectingStorage storage = new FaultInjectingStorage(data);
    long input;
    try (FactumStore store = FactumStore.open(storage)) {
      input = store.append("in-1", any(), List.of(EventData.json("In", "{}"))).lastPosition();
      store
          .consumerGroups()
          .create(GroupDefinition.of("g", GroupSource.filtered(LogFilter.categories("in"))));
      List<Delivery> got = store.consumerGroups().poll("g", "c", 1, Duration.ofSeconds(10));
      assertThat(got).extracting(Delivery::position).containsExactly(input);
      storage.failNextCommitAfterWriting(() -> new IllegalStateException("fsync failed: EIO"));
      assertThatThrownBy(
              () ->
                  store
                      .consumerGroups()
                      .appendAndAck(
                          "g",
                          "c",
                          List.of(input),
                          new AppendRequest("out-1", any(), List.of(EventData.json("Out", "{}")))))
          .isInstanceOf(StorageFailureException.class);
      assertThat(store.isStopped()).isTrue();
    }
    try (FactumStore store = FactumStore.open(data.reopen())) {
      assertThat(store.readStream("out-1", 0, Direction.FORWARD, 10).events()).hasSize(1);
      assertThat(store.consumerGroups().poll("g", "c", 1, Duration.ofMillis(300))).isEmpty();
      assertThat(store.consumerGroups().awaitProcessed("g", input, Duration.ofSeconds(10)))
          .isTrue();
    }
  }
}
