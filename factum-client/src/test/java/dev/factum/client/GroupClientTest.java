package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.GroupNotFoundException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.NotDeliveredException;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupSource;
import dev.factum.api.groups.GroupStart;
import dev.factum.api.groups.GroupStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code FactumClient.consumerGroups()} against a real server: the same {@link ConsumerGroups}
 * interface as the embedded store, with the same results and the same typed exceptions.
 */
class GroupClientTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir Path directory;

  private static List<EventData> events(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> EventData.json("T", "{\"n\":" + i + "}"))
        .toList();
  }

  @Test
  void theClientDrivesAGroupThroughItsWholeLife() throws Exception {
    try (ServerFixture server = ServerFixture.start(directory);
        FactumClient client = server.client().retryPolicy(RetryPolicy.NONE).build()) {
      ConsumerGroups groups = client.consumerGroups();
      client.append("order-1", ExpectedRevision.any(), events(2));
      client.append("other-1", ExpectedRevision.any(), events(1));
      GroupStatus created =
          groups.create(
              GroupDefinition.of("g", GroupSource.filtered(LogFilter.categories("order")))
                  .with(GroupSettings.DEFAULT.withRetries(0, Duration.ZERO).withMaxInFlight(7)));
      assertThat(created.definition().source().filter()).isEqualTo(LogFilter.categories("order"));
      assertThat(created.definition().settings().maxInFlight()).isEqualTo(7);
      assertThat(groups.list()).extracting(s -> s.definition().name()).containsExactly("g");

      List<Delivery> first = groups.poll("g", "c", 10, WAIT);
      assertThat(first).extracting(Delivery::position).containsExactly(0L);
      assertThat(first.getFirst().event().stream()).isEqualTo("order-1");
      assertThat(first.getFirst().attempt()).isEqualTo(1);
      assertThat(groups.awaitProcessed("g", 0, Duration.ZERO)).isFalse();
      groups.nack("g", "c", 0, "try once more"); // no retries left: parked
      assertThat(groups.parked("g"))
          .singleElement()
          .satisfies(p -> assertThat(p.reason()).isEqualTo("try once more"));
      assertThat(groups.awaitProcessed("g", 0, WAIT)).isTrue();
      Delivery second = groups.poll("g", "c", 10, WAIT).getFirst();
      assertThat(second.position()).as("the parked event no longer holds its stream").isEqualTo(1);
      groups.replayParked("g", 0);
      Delivery replayed = groups.poll("g", "c", 10, WAIT).getFirst();
      assertThat(replayed.replay()).isTrue();
      assertThat(replayed.position()).isZero();
      groups.park("g", "c", 0, "still bad");
      groups.skipParked("g", 0);
      assertThat(groups.parked("g")).isEmpty();

      groups.leave("g", "c");
      Delivery again = groups.poll("g", "d", 10, WAIT).getFirst();
      assertThat(again.position()).isEqualTo(1);
      AppendRequest output =
          AppendRequest.of("view-1", ExpectedRevision.any(), EventData.json("V", "{}"));
      assertThat(groups.appendAndAck("g", "d", List.of(1L), output).stream()).isEqualTo("view-1");
      assertThatThrownBy(() -> groups.appendAndAck("g", "d", List.of(1L), output))
          .isInstanceOf(NotDeliveredException.class);
      assertThat(client.streamState("view-1").lastRevision()).isZero();
      assertThatThrownBy(() -> groups.ack("g", "d", 1)).isInstanceOf(NotDeliveredException.class);

      GroupStatus updated = groups.update("g", GroupSettings.DEFAULT.withMaxInFlight(3));
      assertThat(updated.definition().settings())
          .isEqualTo(GroupSettings.DEFAULT.withMaxInFlight(3));
      assertThat(groups.status("g").checkpoint()).isGreaterThan(1);
      assertThatThrownBy(() -> groups.update("g", GroupSettings.DEFAULT.withMaxInFlight(0)))
          .isInstanceOf(InvalidArgumentException.class);

      long head = client.headPosition();
      groups.create(
          GroupDefinition.of("late", GroupSource.stream("order-1")).startingAt(GroupStart.end()));
      assertThat(groups.status("late").definition().start())
          .as("the end, resolved at creation")
          .isEqualTo(GroupStart.at(head + 1));
      groups.delete("g");
      assertThatThrownBy(() -> groups.status("g")).isInstanceOf(GroupNotFoundException.class);
      assertThatThrownBy(() -> groups.ack("g", "d", 1)).isInstanceOf(GroupNotFoundException.class);
    }
  }
}
