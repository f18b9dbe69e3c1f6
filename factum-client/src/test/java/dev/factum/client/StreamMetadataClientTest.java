package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamMetadata;
import dev.factum.api.VersionedStreamMetadata;
import dev.factum.api.WrongExpectedMetadataRevisionException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream metadata through {@link FactumClient} against a real server: every setting round-trips
 * (custom JSON included), a conflict is the typed exception, a repeated write is answered as the
 * first, and the pages read back say where the stream starts.
 */
class StreamMetadataClientTest {
  @TempDir Path directory;

  @Test
  void metadataRoundTripsAndReadsHonourIt() throws Exception {
    try (ServerFixture server = ServerFixture.start(directory);
        FactumClient client = server.client().build()) {
      assertThat(client.streamMetadata("order-1"))
          .isEqualTo(
              new VersionedStreamMetadata(
                  "order-1", VersionedStreamMetadata.NO_METADATA, StreamMetadata.NONE));
      StreamMetadata set =
          new StreamMetadata(3L, Duration.ofDays(2), 1L, "{\"owner\":\"billing\",\"tags\":[1]}");
      assertThat(client.setStreamMetadata("order-1", ExpectedRevision.noStream(), set)).isZero();
      // A repeat of the same write (a retry whose answer was lost) is answered, not refused.
      assertThat(client.setStreamMetadata("order-1", ExpectedRevision.noStream(), set)).isZero();
      assertThat(client.streamMetadata("order-1"))
          .isEqualTo(new VersionedStreamMetadata("order-1", 0, set));

      client.append(
          "order-1",
          ExpectedRevision.any(),
          IntStream.range(0, 6).mapToObj(i -> EventData.json("T", "{\"i\":" + i + "}")).toList());
      ReadPage page = client.readStream("order-1", 0, Direction.FORWARD, 2);
      assertThat(page.firstRevision()).isEqualTo(3);
      assertThat(page.events()).extracting(RecordedEvent::revision).containsExactly(3L, 4L);
      ReadPage rest = client.readStream("order-1", page.next(), Direction.FORWARD, 2);
      assertThat(rest.events()).extracting(RecordedEvent::revision).containsExactly(5L);

      assertThatThrownBy(
              () ->
                  client.setStreamMetadata(
                      "order-1", ExpectedRevision.exact(4), StreamMetadata.NONE))
          .isInstanceOfSatisfying(
              WrongExpectedMetadataRevisionException.class,
              e -> {
                assertThat(e.actualRevision()).isZero();
                assertThat(e.stream()).isEqualTo("order-1");
              });
      assertThat(
              client.setStreamMetadata("order-1", ExpectedRevision.exact(0), StreamMetadata.NONE))
          .isEqualTo(1);
      assertThat(client.readStream("order-1", 0, Direction.FORWARD, 10).events()).hasSize(6);
      assertThat(client.readAll(0, Direction.FORWARD, 10, null).events())
          .extracting(RecordedEvent::stream)
          .isEqualTo(List.of("order-1", "order-1", "order-1", "order-1", "order-1", "order-1"));
    }
  }
}
