package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendCondition;
import dev.factum.api.AppendConditionFailedException;
import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.Query;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DCB through the client: conditions in both appends, the typed failure, reads by query. */
class DcbClientTest {
  @TempDir Path directory;
  ServerFixture server;
  FactumClient client;

  @BeforeEach
  void start() throws Exception {
    server = ServerFixture.start(directory);
    client = server.client().build();
  }

  @AfterEach
  void stop() {
    server.close();
    client.close();
  }

  private static EventData tagged(String type, String... tags) {
    return new EventData(
        UUID.randomUUID(),
        type,
        EventData.JSON,
        "{}".getBytes(StandardCharsets.UTF_8),
        null,
        Set.of(tags));
  }

  @Test
  void conditionsTravelInBothAppendsAndAFailureIsTyped() {
    client.append("c-1", ExpectedRevision.any(), List.of(tagged("Opened", "course:1"))); // 0
    AppendCondition course1 = AppendCondition.failIfEventsMatch(Query.tags("course:1"));
    assertThatThrownBy(
            () -> client.append("s-1", ExpectedRevision.any(), List.of(tagged("S")), course1))
        .isInstanceOfSatisfying(
            AppendConditionFailedException.class,
            e -> assertThat(e.conflictingPosition()).isZero());
    assertThat(
            client
                .append(
                    "s-1",
                    ExpectedRevision.any(),
                    List.of(tagged("S", "course:1")),
                    course1.after(0))
                .firstPosition())
        .isEqualTo(1L);
    AppendRequest guarded =
        AppendRequest.of("s-2", ExpectedRevision.noStream(), tagged("S"))
            .withCondition(course1.after(0));
    assertThatThrownBy(() -> client.appendAll(List.of(guarded)))
        .isInstanceOfSatisfying(
            AppendConditionFailedException.class,
            e -> assertThat(e.conflictingPosition()).isEqualTo(1L));
    assertThat(client.appendAll(List.of(guarded.withCondition(course1.after(1)))).results())
        .hasSize(1);
    assertThat(server.store.headPosition()).isEqualTo(2L);
  }

  @Test
  void readsByQueryMatchTheEmbeddedStore() {
    for (int i = 0; i < 12; i++) {
      client.append(
          "p-" + i % 3, ExpectedRevision.any(), List.of(tagged("T" + i % 2, "m:" + i % 3)));
    }
    Query query = Query.of(Query.Item.types("T0").withTags("m:0"), Query.Item.tags("m:2"));
    for (Direction direction : Direction.values()) {
      long from = direction == Direction.FORWARD ? 0 : EventStore.END;
      ReadPage remote = client.readByQuery(query, from, direction, 100);
      ReadPage local = server.store.readAll(from, direction, 100, LogFilter.query(query));
      assertThat(remote.events()).isEqualTo(local.events());
      assertThat(remote.events().stream().map(RecordedEvent::position).toList()).isNotEmpty();
    }
    ReadPage first = client.readByQuery(query, 0, Direction.FORWARD, 2);
    ReadPage second = client.readByQuery(query, first.next(), Direction.FORWARD, 2);
    assertThat(second.events().getFirst().position())
        .isGreaterThan(first.events().getLast().position());
  }
}
