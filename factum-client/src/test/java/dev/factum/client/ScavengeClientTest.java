package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamMetadata;
import dev.factum.api.scavenge.ScavengeStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scavenging through {@link FactumClient} against a real server: start, status, the result. */
class ScavengeClientTest {
  @TempDir Path directory;

  @Test
  void aRunIsStartedAndFollowedToItsEnd() throws Exception {
    try (ServerFixture server = ServerFixture.start(directory);
        FactumClient client = server.client().build()) {
      assertThat(client.scavengeStatus()).isEqualTo(ScavengeStatus.NEVER);
      client.append(
          "order-1",
          ExpectedRevision.any(),
          IntStream.range(0, 8).mapToObj(i -> EventData.json("T", "{\"i\":" + i + "}")).toList());
      client.setStreamMetadata(
          "order-1", ExpectedRevision.any(), StreamMetadata.NONE.withTruncateBefore(6L));
      assertThatThrownBy(() -> client.startScavenge(-1))
          .isInstanceOf(InvalidArgumentException.class);

      ScavengeStatus started = client.startScavenge(0);
      assertThat(started.runId()).isEqualTo(1);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      ScavengeStatus status = started;
      while (status.isRunning() && System.nanoTime() < deadline) {
        Thread.sleep(20);
        status = client.scavengeStatus();
      }
      assertThat(status.state()).isEqualTo(ScavengeStatus.State.DONE);
      assertThat(status.eventsRemoved()).isEqualTo(6);
      assertThat(status.startedAt()).isEqualTo(started.startedAt());
      assertThat(client.readAll(0, Direction.FORWARD, 100, LogFilter.none()).events())
          .extracting(RecordedEvent::revision)
          .startsWith(6L, 7L);
    }
  }
}
