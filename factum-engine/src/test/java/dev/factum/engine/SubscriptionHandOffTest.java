package dev.factum.engine;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.EventData;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.engine.testing.FaultInjectingStorage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The switch from catch-up to live, forced at its dangerous points: events committed between a
 * subscription's read and its wait for a newer head (the storage runs an append right after the
 * read returns), and appends landing while it is still catching up. Every event must arrive exactly
 * once, in position order.
 */
class SubscriptionHandOffTest {
  private final FaultInjectingStorage storage = FaultInjectingStorage.inMemory();
  private final FactumStore store =
      FactumStore.open(storage, StoreOptions.DEFAULT.withSubscriptionPageSize(4));

  @AfterEach
  void close() {
    store.close();
  }

  private void append(String stream) {
    store.append(stream, any(), List.of(EventData.json("T", "{}")));
  }

  /** Records positions; {@link #awaitPosition} blocks on a real signal, not a sleep. */
  private static final class Recorder implements SubscriptionListener {
    final List<Long> positions = new CopyOnWriteArrayList<>();
    final AtomicInteger caughtUp = new AtomicInteger();
    private volatile long awaited = Long.MAX_VALUE;
    private volatile CountDownLatch reached = new CountDownLatch(1);

    @Override
    public void onEvent(RecordedEvent event) {
      positions.add(event.position());
      if (event.position() >= awaited) {
        reached.countDown();
      }
    }

    @Override
    public void onCaughtUp() {
      caughtUp.incrementAndGet();
    }

    void awaitPosition(long position) throws InterruptedException {
      reached = new CountDownLatch(1);
      awaited = position;
      if (!positions.isEmpty() && positions.getLast() >= position) {
        return;
      }
      assertThat(reached.await(10, TimeUnit.SECONDS))
          .as("position %d delivered", position)
          .isTrue();
    }
  }

  private static List<Long> range(long fromInclusive, long toInclusive) {
    return LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
  }

  @Test
  void anEventCommittedRightAfterTheReadThatReachedTheHeadIsDelivered() throws Exception {
    for (int i = 0; i < 3; i++) {
      append("s-" + i);
    }
    // The first read returns positions 0..2, a short page: the subscription is at the head. Before
    // it sees the page, position 3 is committed and published.
    storage.afterNextLogRead(() -> append("late"));
    Recorder recorder = new Recorder();
    Subscription subscription = store.subscribe(SubscriptionRequest.toAll(), recorder);
    try {
      recorder.awaitPosition(3);
      append("marker");
      recorder.awaitPosition(4);
    } finally {
      subscription.close();
    }
    assertThat(recorder.positions).containsExactlyElementsOf(range(0, 4));
  }

  @Test
  void appendsDuringCatchUpAreDeliveredOnceInOrderAcrossTheSwitch() throws Exception {
    for (int i = 0; i < 9; i++) {
      append("s-" + i % 3);
    }
    AtomicInteger reads = new AtomicInteger();
    Runnable appendDuringRead =
        new Runnable() {
          @Override
          public void run() {
            append("during-" + reads.get());
            if (reads.incrementAndGet() < 6) {
              storage.afterNextLogRead(this);
            }
          }
        };
    storage.afterNextLogRead(appendDuringRead);
    Recorder recorder = new Recorder();
    Subscription subscription = store.subscribe(SubscriptionRequest.toAll(), recorder);
    try {
      recorder.awaitPosition(14);
      append("marker");
      recorder.awaitPosition(15);
    } finally {
      subscription.close();
    }
    assertThat(recorder.positions).containsExactlyElementsOf(range(0, 15));
    assertThat(recorder.caughtUp).hasValue(1);
  }

  @Test
  void aFilteredFeedSkipsWhatDoesNotMatchWithoutLosingWhatDoesAtTheSwitch() throws Exception {
    append("a-1"); // 0
    append("b-1"); // 1
    append("a-2"); // 2
    storage.afterNextLogRead(
        () -> {
          append("b-2"); // 3
          append("a-3"); // 4
        });
    Recorder recorder = new Recorder();
    Subscription subscription =
        store.subscribe(SubscriptionRequest.toAll(LogFilter.categories("a")), recorder);
    try {
      recorder.awaitPosition(4);
      append("b-3"); // 5
      append("a-4"); // 6
      recorder.awaitPosition(6);
    } finally {
      subscription.close();
    }
    assertThat(recorder.positions).containsExactly(0L, 2L, 4L, 6L);
  }
}
