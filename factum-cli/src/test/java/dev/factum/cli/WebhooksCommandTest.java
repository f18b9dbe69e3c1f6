package dev.factum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.tck.Await;
import dev.factum.wire.WireJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code factum webhooks} and {@code factum sinks} against a real server (and receiver). */
class WebhooksCommandTest {
  @TempDir Path temp;

  private static JsonNode json(String text) throws Exception {
    return WireJson.mapper().readTree(text);
  }

  @Test
  void createListShowPauseResumeDelete() throws Exception {
    try (HookReceiver receiver = HookReceiver.start(204);
        FactumStore store = RocksDbEventStore.open(temp.resolve("store"));
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      String url = server.uri().toString();
      String target = receiver.url();
      FactumCommandTest.Run created =
          FactumCommandTest.factum(
              "webhooks",
              "create",
              "orders",
              "--target",
              target,
              "--category",
              "order",
              "--max-batch",
              "10",
              "--url",
              url);
      assertThat(created.exit()).as(created.err()).isZero();
      assertThat(json(created.out()).get("secret").asText()).startsWith("whsec_");
      assertThat(json(created.out()).get("source").get("category").get(0).asText())
          .isEqualTo("order");

      store.append("order-1", ExpectedRevision.any(), List.of(EventData.json("A", "{}")));
      Await.until("delivered", Duration.ofSeconds(20), () -> receiver.received() > 0);

      FactumCommandTest.Run list = FactumCommandTest.factum("webhooks", "list", "--url", url);
      assertThat(list.exit()).isZero();
      assertThat(json(list.out()).get("webhooks")).hasSize(1);
      assertThat(list.out()).doesNotContain("secret");
      FactumCommandTest.Run paused =
          FactumCommandTest.factum("webhooks", "pause", "orders", "--url", url);
      assertThat(paused.exit()).as(paused.err()).isZero();
      assertThat(json(paused.out()).get("paused").asBoolean()).isTrue();
      FactumCommandTest.Run resumed =
          FactumCommandTest.factum("webhooks", "resume", "orders", "--url", url);
      assertThat(json(resumed.out()).get("paused").asBoolean()).isFalse();
      FactumCommandTest.Run shown =
          FactumCommandTest.factum("webhooks", "show", "orders", "--url", url);
      assertThat(json(shown.out()).get("group").asText()).isEqualTo("$webhook-orders");
      assertThat(FactumCommandTest.factum("webhooks", "delete", "orders", "--url", url).exit())
          .isZero();
      FactumCommandTest.Run missing =
          FactumCommandTest.factum("webhooks", "show", "orders", "--url", url);
      assertThat(missing.exit()).isEqualTo(1);
      assertThat(missing.err()).contains("webhook-not-found");

      FactumCommandTest.Run noTarget =
          FactumCommandTest.factum("webhooks", "create", "x", "--url", url);
      assertThat(noTarget.exit()).isEqualTo(2);
      assertThat(noTarget.err()).contains("--target");
      FactumCommandTest.Run twoSources =
          FactumCommandTest.factum(
              "webhooks",
              "create",
              "x",
              "--target",
              target,
              "--stream",
              "a",
              "--tag",
              "b",
              "--url",
              url);
      assertThat(twoSources.exit()).isEqualTo(2);

      // factum sinks: the same actions on Kafka sinks (no broker here: the sink waits, paused).
      FactumCommandTest.Run sink =
          FactumCommandTest.factum(
              "sinks",
              "create",
              "all",
              "--topic",
              "factum",
              "--bootstrap",
              "127.0.0.1:9",
              "--producer-property",
              "linger.ms=5",
              "--paused",
              "--url",
              url);
      assertThat(sink.exit()).as(sink.err()).isZero();
      assertThat(json(sink.out()).get("producerProperties").get("linger.ms").asText())
          .isEqualTo("5");
      assertThat(json(FactumCommandTest.factum("sinks", "list", "--url", url).out()).get("sinks"))
          .hasSize(1);
      assertThat(FactumCommandTest.factum("sinks", "delete", "all", "--url", url).exit()).isZero();
      FactumCommandTest.Run noTopic =
          FactumCommandTest.factum("sinks", "create", "x", "--bootstrap", "h:1", "--url", url);
      assertThat(noTopic.exit()).isEqualTo(2);
    }
  }
}
