package dev.factum.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.GroupNotFoundException;
import dev.factum.api.NotDeliveredException;
import dev.factum.api.RecordConflictException;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSource;
import dev.factum.engine.FactumStore;
import dev.factum.tck.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What happens today when two servers on one database run the same consumer group
 * (docs/CONSUMERS.md, "Several servers"): it is not silent. A group is known to a server from its
 * open; once both run it, the second checkpoint write fails compare-and-set and the group stops on
 * that server with {@code record-conflict}; and an ack-append stays exactly-once across servers,
 * because its check runs under the database's commit lock.
 */
class TwoServersOneGroupTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private PostgresFixture fixture;
  private FactumStore a;
  private FactumStore b;
  private long first;

  @BeforeEach
  void open() {
    fixture = new PostgresFixture();
    a = fixture.open();
    b = fixture.open();
    first =
        a.append("in-1", ExpectedRevision.any(), List.of(EventData.json("In", "{}")))
            .lastPosition();
    a.consumerGroups().create(GroupDefinition.of("g", GroupSource.all()));
    assertThatThrownBy(() -> b.consumerGroups().status("g"))
        .as("a group created on one server is known to another from its next open")
        .isInstanceOf(GroupNotFoundException.class);
    b.close();
    b = fixture.open();
  }

  @AfterEach
  void close() {
    try {
      assertThat(a.verify().ok()).as("%s", a.verify()).isTrue();
    } finally {
      a.close();
      b.close();
    }
  }

  private static Delivery pollOne(FactumStore store, String consumer) {
    List<Delivery> got = store.consumerGroups().poll("g", consumer, 1, WAIT);
    assertThat(got).hasSize(1);
    return got.getFirst();
  }

  @Test
  void theSecondServerToWriteTheCheckpointStopsTheGroupWithRecordConflict() {
    assertThat(pollOne(a, "ca").position()).isEqualTo(first);
    assertThat(pollOne(b, "cb").position()).isEqualTo(first); // both run it: a duplicate
    a.consumerGroups().ack("g", "ca", first);
    Await.until("a's checkpoint to be written", WAIT, () -> durable(a) > first);
    b.consumerGroups().ack("g", "cb", first);
    Await.until("b to stop the group", WAIT, () -> stopped(b));
    assertThatThrownBy(() -> b.consumerGroups().poll("g", "cb", 1, Duration.ZERO))
        .isInstanceOf(RecordConflictException.class)
        .hasMessageContaining("another process");
    assertThat(a.consumerGroups().status("g").checkpoint()).isGreaterThan(first);
  }

  @Test
  void anAckAppendIsExactlyOnceAcrossServers() {
    Delivery onA = pollOne(a, "ca");
    Delivery onB = pollOne(b, "cb");
    a.consumerGroups().appendAndAck("g", "ca", List.of(onA.position()), output());
    assertThatThrownBy(
            () -> b.consumerGroups().appendAndAck("g", "cb", List.of(onB.position()), output()))
        .isInstanceOf(NotDeliveredException.class);
    assertThat(a.readStream("out-1", 0, Direction.FORWARD, 10).events()).hasSize(1);
  }

  private static AppendRequest output() {
    return new AppendRequest("out-1", ExpectedRevision.any(), List.of(EventData.json("Out", "{}")));
  }

  private static long durable(FactumStore store) {
    return store.consumerGroups().status("g").durableCheckpoint();
  }

  private static boolean stopped(FactumStore store) {
    try {
      store.consumerGroups().status("g");
      return false;
    } catch (RecordConflictException expected) {
      return true;
    }
  }
}
