package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.FactumException;
import dev.factum.api.RateLimitedException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionRequest;
import dev.factum.api.UnauthorizedException;
import dev.factum.engine.StoreOptions;
import dev.factum.server.AuthSettings;
import dev.factum.server.ServerConfig;
import dev.factum.tck.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's API key on requests and subscriptions, and its retries of {@code rate-limited}. */
class ApiKeyClientTest {
  @TempDir Path directory;

  private ServerFixture start() throws Exception {
    Path data = directory.resolve("data");
    return ServerFixture.start(
        data,
        StoreOptions.DEFAULT,
        ServerConfig.DEFAULT.withAuth(AuthSettings.on(data.resolve("admin.key"))));
  }

  @Test
  void theKeyGoesOnEveryRequestAndSubscriptionConnection() throws Exception {
    try (ServerFixture server = start();
        FactumClient keyed =
            server
                .client()
                .apiKey(server.createKey("{\"name\":\"w\",\"role\":\"writer\"}"))
                .build();
        FactumClient anonymous = server.client().retryPolicy(RetryPolicy.NONE).build()) {
      keyed.append("order-1", ExpectedRevision.noStream(), List.of(EventData.json("A", "{}")));
      assertThat(keyed.readStream("order-1", 0, Direction.FORWARD, 10).events()).hasSize(1);
      List<RecordedEvent> seen = new CopyOnWriteArrayList<>();
      try (Subscription subscription =
          keyed.subscribe(SubscriptionRequest.toStream("order-1"), seen::add)) {
        Await.until("the subscription to deliver", Duration.ofSeconds(30), () -> seen.size() == 1);
        assertThat(subscription.isClosed()).isFalse();
      }
      assertThatThrownBy(() -> anonymous.readAll(0, Direction.FORWARD, 10, null))
          .isInstanceOf(UnauthorizedException.class);
      assertThatThrownBy(() -> anonymous.subscribe(SubscriptionRequest.toAll(), e -> {}))
          .isInstanceOf(UnauthorizedException.class);
    }
  }

  @Test
  void rateLimitedCallsAreRetriedAfterTheirRetryAfter() throws Exception {
    List<FactumException> retried = new CopyOnWriteArrayList<>();
    List<Duration> pauses = new CopyOnWriteArrayList<>();
    try (ServerFixture server = start();
        FactumClient client =
            server
                .client()
                .retryPolicy(RetryPolicy.DEFAULT)
                .retryListener(
                    (operation, attempt, failure, pause) -> {
                      retried.add(failure);
                      pauses.add(pause);
                    })
                .apiKey(
                    server.createKey("{\"name\":\"l\",\"role\":\"reader\",\"ratePerSecond\":1}"))
                .build()) {
      for (int i = 0; i < 3; i++) {
        assertThat(client.readAll(0, Direction.FORWARD, 10, null).events()).isNotNull();
      }
    }
    assertThat(retried).isNotEmpty().allMatch(f -> f instanceof RateLimitedException);
    assertThat(pauses).allMatch(p -> p.compareTo(Duration.ofSeconds(1)) >= 0);
  }
}
