package dev.factum.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.FactumStore;
import dev.factum.kafka.testing.LocalKafka;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code factum import --from-kafka} against a real KRaft broker and a real server: keyed, unkeyed
 * and non-JSON records, an import interrupted between a durable append and its offset commit (the
 * worst moment) and resumed with other poll sizes, then a rerun that finds more. Afterwards the
 * streams hold exactly the topic's keyed JSON records, in offset order, each once.
 */
class KafkaImportTest {
  @TempDir static Path brokerDirectory;
  private static LocalKafka kafka;

  @TempDir Path temp;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = LocalKafka.start(brokerDirectory.resolve("kafka"));
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  /** One produced record and where it landed. */
  private record Sent(String key, boolean json, int partition, long offset) {
    boolean importable() {
      return key != null && json;
    }
  }

  private static void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin = Admin.create(kafka.adminProperties())) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  /**
   * {@code count} records: mostly keyed JSON over 12 keys, every 7th unkeyed, every 11th not JSON.
   */
  private static List<Sent> produce(String topic, int first, int count) throws Exception {
    Properties properties = new Properties();
    properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    properties.setProperty(ProducerConfig.ACKS_CONFIG, "all");
    List<Sent> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = first; i < first + count; i++) {
        String key = i % 7 == 3 ? null : "order-" + (i % 12);
        boolean json = i % 11 != 5;
        byte[] value =
            (!json ? "not json " + i : "{\"n\":" + i + ",\"text\":\"caf\u00e9\"}")
                .getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> record =
            new ProducerRecord<>(
                topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
        record.headers().add("source", "test".getBytes(StandardCharsets.UTF_8));
        RecordMetadata metadata = producer.send(record).get();
        sent.add(new Sent(key, json, metadata.partition(), metadata.offset()));
      }
    }
    return sent;
  }

  private static List<RecordedEvent> all(FactumStore store) {
    List<RecordedEvent> events = new ArrayList<>();
    long from = 0;
    while (true) {
      ReadPage page = store.readAll(from, Direction.FORWARD, 1000, LogFilter.none());
      events.addAll(page.events());
      if (page.isEmpty() || page.endOfRead()) {
        return events;
      }
      from = page.next();
    }
  }

  private static Map<String, List<String>> expectedStreams(List<Sent> sent) {
    Map<String, List<String>> streams = new LinkedHashMap<>();
    sent.stream()
        .filter(Sent::importable)
        .sorted((a, b) -> Long.compare(a.offset(), b.offset()))
        .forEach(
            s ->
                streams
                    .computeIfAbsent(s.key(), k -> new ArrayList<>())
                    .add(
                        KafkaRecordMapping.eventId("orders", s.partition(), s.offset())
                            .toString()));
    return streams;
  }

  private static Map<String, List<String>> actualStreams(FactumStore store) {
    Map<String, List<String>> streams = new LinkedHashMap<>();
    for (RecordedEvent event : all(store)) {
      streams.computeIfAbsent(event.stream(), k -> new ArrayList<>()).add(event.id().toString());
    }
    return streams;
  }

  private static String run(FactumServer server, String... extra) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> argv =
        new ArrayList<>(
            List.of(
                "import",
                "--from-kafka",
                "--bootstrap",
                kafka.bootstrap(),
                "--topic",
                "orders",
                "--url",
                server.uri().toString()));
    argv.addAll(List.of(extra));
    int exit =
        KafkaImportCommand.run(
            argv.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(exit).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void interruptedAtTheWorstMomentResumesWithNothingTwiceAndNothingLost() throws Exception {
    createTopic("orders", 3);
    List<Sent> sent = new ArrayList<>(produce("orders", 0, 400));
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("store"));
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      // First run: small polls, and a "crash" after the third durable append, before the
      // offsets of that append are committed.
      AtomicInteger appends = new AtomicInteger();
      assertThatThrownBy(
              () ->
                  KafkaImportCommand.run(
                      new String[] {
                        "import",
                        "--from-kafka",
                        "--bootstrap",
                        kafka.bootstrap(),
                        "--topic",
                        "orders",
                        "--url",
                        server.uri().toString(),
                        "--kafka-property",
                        "max.poll.records=37"
                      },
                      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                      records -> {
                        if (appends.incrementAndGet() == 3) {
                          throw new IllegalStateException("crash between append and commit");
                        }
                      }))
          .hasMessageContaining("crash between append and commit");
      long afterCrash = all(store).size();
      assertThat(afterCrash).isPositive();

      // The rerun polls in other sizes, so its first batch overlaps the uncommitted one in part.
      run(server, "--kafka-property", "max.poll.records=50");
      assertThat(actualStreams(store)).isEqualTo(expectedStreams(sent));

      // A rerun with nothing new writes nothing; a rerun after more records takes only those.
      long before = store.headPosition();
      run(server);
      assertThat(store.headPosition()).isEqualTo(before);
      List<Sent> more = produce("orders", 400, 60);
      sent.addAll(more);
      String second = run(server);
      assertThat(second)
          .contains("records read: 60")
          .contains(
              KafkaRecordMapping.SkipReason.NO_STREAM.description
                  + ": "
                  + more.stream().filter(s -> s.key() == null).count())
          .contains(
              KafkaRecordMapping.SkipReason.NOT_JSON.description
                  + ": "
                  + more.stream().filter(s -> s.key() != null && !s.json()).count());
      assertThat(actualStreams(store)).isEqualTo(expectedStreams(sent));

      // Every event is ordinary: JSON data as produced, the record's coordinates in metadata.
      RecordedEvent first = all(store).getFirst();
      assertThat(first.type()).isEqualTo("KafkaRecord");
      assertThat(new String(first.metadata(), StandardCharsets.UTF_8))
          .contains("\"topic\":\"orders\"", "\"source\":\"test\"");
    }
  }

  @Test
  void rawValuesPrefixedStreamsAndAStreamForUnkeyedRecords() throws Exception {
    createTopic("mixed", 2);
    List<Sent> sent = produce("mixed", 0, 80);
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("store"));
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int exit =
          KafkaImportCommand.run(
              new String[] {
                "import",
                "--from-kafka",
                "--bootstrap",
                kafka.bootstrap(),
                "--topic",
                "mixed",
                "--url",
                server.uri().toString(),
                "--stream",
                "prefix:kafka-",
                "--unkeyed",
                "stream:kafka-orphans",
                "--non-json",
                "raw",
                "--type",
                "OrderRecord"
              },
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertThat(exit).isZero();
      List<RecordedEvent> events = all(store);
      assertThat(events).hasSize(sent.size());
      long raw = sent.stream().filter(s -> !s.json()).count();
      assertThat(events.stream().filter(e -> e.contentType().equals(EventData.BINARY)))
          .hasSize((int) raw);
      assertThat(events.stream().filter(e -> e.stream().equals("kafka-orphans")))
          .hasSize((int) sent.stream().filter(s -> s.key() == null).count());
      assertThat(events).allSatisfy(e -> assertThat(e.stream()).startsWith("kafka-"));
      assertThat(events).allSatisfy(e -> assertThat(e.type()).isEqualTo("OrderRecord"));
    }
  }

  @Test
  void badOptionsAreUsageErrors() {
    FactumCommandTest.Run noTopic =
        FactumCommandTest.factum("import", "--from-kafka", "--bootstrap", "127.0.0.1:1");
    assertThat(noTopic.exit()).isEqualTo(2);
    assertThat(noTopic.err()).contains("--from-kafka needs --topic");
    FactumCommandTest.Run badRule =
        FactumCommandTest.factum(
            "import", "--from-kafka", "--bootstrap", "x:1", "--topic", "t", "--stream", "value");
    assertThat(badRule.exit()).isEqualTo(2);
    assertThat(badRule.err()).contains("--stream must be key, prefix:P or header:H");
    FactumCommandTest.Run badFrom =
        FactumCommandTest.factum(
            "import", "--from-kafka", "--bootstrap", "x:1", "--topic", "t", "--from", "offsets:a");
    assertThat(badFrom.exit()).isEqualTo(2);
    assertThat(badFrom.err()).contains("--from offsets needs P:O pairs");
  }
}
