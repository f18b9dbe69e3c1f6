package dev.factum.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.AppendResult;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordConflictException;
import dev.factum.engine.FactumStore;
import dev.factum.kafka.testing.LocalKafka;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.tck.Await;
import dev.factum.wire.WireJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka sink in this JVM against one real broker shared by the class (and a real RocksDB). */
class KafkaSinkTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path shared;
  @TempDir Path temp;
  private static LocalKafka kafka;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = LocalKafka.start(shared.resolve("kafka"));
  }

  @AfterAll
  static void stopBroker() throws Exception {
    kafka.close();
  }

  @Test
  void forwardsTheFilteredLogAsV1JsonKeyedByStreamWithHeadersInStreamOrder() throws Exception {
    createTopic("orders-order", 3);
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("store"));
        KafkaSinks sinks = KafkaSinks.start(store)) {
      for (int i = 0; i < 30; i++) {
        store.append(
            "order-" + (i % 4),
            ExpectedRevision.any(),
            List.of(EventData.json("Placed", "{\"i\":" + i + "}")));
        store.append("user-" + i, ExpectedRevision.any(), List.of(EventData.json("Joined", "{}")));
      }
      sinks.create(
          SinkDefinition.kafka(
              "orders", LogFilter.categories("order"), "orders-{category}", kafka.bootstrap()));
      caughtUp(sinks, "orders", WAIT);

      List<ConsumerRecord<byte[], byte[]>> records =
          TopicReader.readCommitted(kafka.bootstrap(), "orders-order");
      assertThat(records).hasSize(30);
      Map<String, Long> lastRevision = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> record : records) {
        String stream = new String(record.key(), StandardCharsets.UTF_8);
        assertThat(stream).startsWith("order-");
        JsonNode value = WireJson.mapper().readTree(record.value());
        assertThat(value.get("stream").asText()).isEqualTo(stream);
        assertThat(value.get("type").asText()).isEqualTo("Placed");
        assertThat(value.get("data").has("i")).isTrue();
        assertThat(header(record, "stream")).isEqualTo(stream);
        assertThat(header(record, "id")).isEqualTo(value.get("id").asText());
        assertThat(header(record, "position")).isEqualTo(value.get("position").asText());
        assertThat(header(record, "revision")).isEqualTo(value.get("revision").asText());
        assertThat(header(record, "timestamp")).isEqualTo(value.get("timestamp").asText());
        long revision = value.get("revision").asLong();
        Long previous = lastRevision.put(stream, revision);
        assertThat(revision).as(stream).isEqualTo(previous == null ? 0 : previous + 1);
      }
      assertThat(sinks.status("orders").forwarded()).isEqualTo(30);
    }
  }

  @Test
  void aPausedSinkForwardsNothingUntilResumedAndAPauseSurvivesARestart() throws Exception {
    createTopic("paused", 2);
    Path directory = temp.resolve("store");
    try (FactumStore store = RocksDbEventStore.open(directory);
        KafkaSinks sinks = KafkaSinks.start(store)) {
      sinks.create(SinkDefinition.kafka("p", LogFilter.none(), "paused", kafka.bootstrap()));
      append(store, "a-1", 5);
      caughtUp(sinks, "p", WAIT);
      sinks.pause("p");
      Await.until("paused", WAIT, () -> sinks.status("p").state().equals("paused"));
      append(store, "a-1", 5);
      assertThat(TopicReader.readCommitted(kafka.bootstrap(), "paused")).hasSize(5);
      assertThat(sinks.status("p").lagEvents()).isEqualTo(5);
    }
    try (FactumStore store = RocksDbEventStore.open(directory);
        KafkaSinks sinks = KafkaSinks.start(store)) {
      assertThat(sinks.status("p").definition().paused()).isTrue();
      Await.until("paused", WAIT, () -> sinks.status("p").state().equals("paused"));
      assertThat(TopicReader.readCommitted(kafka.bootstrap(), "paused")).hasSize(5);
      sinks.resume("p");
      caughtUp(sinks, "p", WAIT);
      assertThat(revisions(TopicReader.readCommitted(kafka.bootstrap(), "paused")))
          .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }
  }

  @Test
  void withTheBrokerDownAppendsSucceedAndTheSinkRetriesThenForwardsEverythingOnce()
      throws Exception {
    createTopic("down", 2);
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("store"));
        KafkaSinks sinks = KafkaSinks.start(store)) {
      sinks.create(SinkDefinition.kafka("d", LogFilter.none(), "down", kafka.bootstrap()));
      append(store, "s-1", 10);
      caughtUp(sinks, "d", WAIT);
      long errorsBefore = sinks.status("d").errors();

      kafka.kill();
      AppendResult last = null;
      for (int i = 0; i < 20; i++) {
        last = store.append("s-1", ExpectedRevision.any(), List.of(EventData.json("E", "{}")));
      }
      assertThat(last.lastPosition()).isEqualTo(29);
      Await.until(
          "the sink noticed the broker is gone",
          WAIT,
          () -> sinks.status("d").errors() > errorsBefore);
      assertThat(sinks.status("d").lagEvents()).isPositive();

      kafka.restart();
      Await.until(
          "30 forwarded", Duration.ofSeconds(120), () -> sinks.status("d").lagEvents() == 0);
      List<Long> expected = new ArrayList<>();
      for (long r = 0; r < 30; r++) {
        expected.add(r);
      }
      assertThat(revisions(TopicReader.readCommitted(kafka.bootstrap(), "down")))
          .containsExactlyElementsOf(expected);
    }
  }

  @Test
  void badDefinitionsAreRefusedAndWriteNothing() throws Exception {
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("store"));
        KafkaSinks sinks = KafkaSinks.start(store)) {
      assertThatThrownBy(() -> SinkDefinition.kafka("bad name", LogFilter.none(), "t", "h:1"))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> SinkDefinition.kafka("n", LogFilter.none(), "t/x", "h:1"))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(
              () ->
                  SinkDefinition.kafka("n", LogFilter.none(), "t", "h:1")
                      .withProducerProperties(Map.of("enable.idempotence", "false")))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> sinks.status("missing"))
          .isInstanceOf(InvalidArgumentException.class);
      sinks.create(
          SinkDefinition.kafka("n", LogFilter.none(), "t", kafka.bootstrap()).withPaused(true));
      assertThatThrownBy(
              () ->
                  sinks.create(SinkDefinition.kafka("n", LogFilter.none(), "u", kafka.bootstrap())))
          .isInstanceOf(RecordConflictException.class);
      assertThat(sinks.list()).extracting(s -> s.definition().topic()).containsExactly("t");
      sinks.delete("n");
      assertThat(sinks.list()).isEmpty();
      assertThat(store.records().list(KafkaSinks.NAMESPACE)).isEmpty();
    }
  }

  private static void caughtUp(KafkaSinks sinks, String name, Duration timeout) {
    try {
      Await.until(name + " caught up", timeout, () -> sinks.status(name).lagEvents() == 0);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ": " + sinks.status(name), e);
    }
  }

  private static void append(FactumStore store, String stream, int count) {
    for (int i = 0; i < count; i++) {
      store.append(stream, ExpectedRevision.any(), List.of(EventData.json("E", "{}")));
    }
  }

  private static List<Long> revisions(List<ConsumerRecord<byte[], byte[]>> records) {
    List<Long> revisions = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      revisions.add(Long.parseLong(header(record, "revision")));
    }
    return revisions;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin = Admin.create(kafka.adminProperties())) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all()
          .get();
    }
  }
}
