package dev.factum.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordConflictException;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.FactumStore;
import dev.factum.engine.MasterKey;
import dev.factum.engine.StoreOptions;
import dev.factum.kafka.testing.LocalKafka;
import dev.factum.postgres.testing.LocalPostgres;
import dev.factum.storage.postgres.PostgresConfig;
import dev.factum.storage.postgres.PostgresEventStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.tck.Await;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka sink against one real broker shared by the class (a broker start is slow), on a real
 * RocksDB store: in this JVM, and in child JVMs that are killed.
 *
 * <p>The crash test (exactly once across kill -9): writers in a child JVM ({@link SinkCrashChild})
 * append while its sink forwards; the child is killed with SIGKILL several times, at moments set by
 * how far the writers got, and the broker is killed and restarted once while the child appends. A
 * last child forwards what is left. Then a {@code read_committed} consumer must find every event of
 * the store exactly once, each stream's events in revision order, and every acknowledged append
 * among them. Kills: {@code -Dfactum.kafkasink.kills} (3; the broker restart is in the second run).
 */
class KafkaSinkTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration CRASH_WAIT = Duration.ofSeconds(90);

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
          TopicReader.readCommitted(kafka.bootstrap(), "orders-order", 30);
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

  /**
   * Crypto-shredding reaches topics: a forgotten subject's events are forwarded redacted (subject,
   * id and type kept, no data or metadata), another subject's decrypted; no record holds the
   * forgotten plaintext.
   */
  @Test
  void aForgottenSubjectsEventsAreForwardedRedacted() throws Exception {
    createTopic("people", 1);
    StoreOptions options = StoreOptions.DEFAULT.withMasterKey(MasterKey.generate());
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("store"), options);
        KafkaSinks sinks = KafkaSinks.start(store)) {
      store.append(
          "person-1",
          ExpectedRevision.any(),
          List.of(
              EventData.json("Registered", "{\"name\":\"Alice Secret\"}")
                  .withMetadata("{\"ip\":\"1.2.3.4\"}".getBytes(StandardCharsets.UTF_8))
                  .withSubject("alice"),
              EventData.json("Registered", "{\"name\":\"Bob\"}").withSubject("bob")));
      store.forget("alice");
      sinks.create(SinkDefinition.kafka("people", LogFilter.none(), "people", kafka.bootstrap()));
      caughtUp(sinks, "people", WAIT);
      List<ConsumerRecord<byte[], byte[]>> records =
          TopicReader.readCommitted(kafka.bootstrap(), "people", 2);
      assertThat(records).hasSize(2);
      JsonNode alice = WireJson.mapper().readTree(records.get(0).value());
      assertThat(alice.get("redacted").asBoolean()).isTrue();
      assertThat(alice.get("subject").asText()).isEqualTo("alice");
      assertThat(alice.get("data").toString()).isEqualTo("{\"redacted\":true}");
      assertThat(alice.has("metadata")).isFalse();
      JsonNode bob = WireJson.mapper().readTree(records.get(1).value());
      assertThat(bob.get("data").get("name").asText()).isEqualTo("Bob");
      assertThat(bob.get("subject").asText()).isEqualTo("bob");
      for (ConsumerRecord<byte[], byte[]> record : records) {
        assertThat(new String(record.value(), StandardCharsets.UTF_8))
            .doesNotContain("Alice Secret", "1.2.3.4");
      }
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
      assertThat(TopicReader.readCommitted(kafka.bootstrap(), "paused", 5)).hasSize(5);
      assertThat(sinks.status("p").lagEvents()).isEqualTo(5);
    }
    try (FactumStore store = RocksDbEventStore.open(directory);
        KafkaSinks sinks = KafkaSinks.start(store)) {
      assertThat(sinks.status("p").definition().paused()).isTrue();
      Await.until("paused", WAIT, () -> sinks.status("p").state().equals("paused"));
      assertThat(TopicReader.readCommitted(kafka.bootstrap(), "paused", 5)).hasSize(5);
      sinks.resume("p");
      caughtUp(sinks, "p", WAIT);
      assertThat(revisions(TopicReader.readCommitted(kafka.bootstrap(), "paused", 10)))
          .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
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

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void afterKillNineAndABrokerRestartEveryEventIsInKafkaExactlyOnceInStreamOrder()
      throws Exception {
    int kills = Integer.getInteger("factum.kafkasink.kills", 3);
    Path store = temp.resolve("store");
    Path journal = temp.resolve("journal.txt");
    {
      try (Admin admin = Admin.create(kafka.adminProperties())) {
        admin
            .createTopics(
                List.of(new NewTopic(SinkCrashChild.TOPIC, Optional.of(4), Optional.empty())))
            .all()
            .get();
      }
      long started = System.nanoTime();
      long forwarded = 0;
      for (int kill = 0; kill < kills; kill++) {
        System.out.printf("[%5.1f s] child %d starts%n", seconds(started), kill);
        Process child = child(store, kafka.bootstrap(), journal, 2);
        try {
          awaitAcks(journal, child, 300);
          if (kill == 1) {
            System.out.printf("[%5.1f s] the broker is killed%n", seconds(started));
            long errorsBefore = countLines(journal, "ERR ");
            kafka.kill();
            awaitAcks(journal, child, 200); // appends go on without the broker
            Await.until(
                "the sink noticed the broker is gone and retries",
                CRASH_WAIT,
                () -> countLines(journal, "ERR ") > errorsBefore);
            awaitAcks(journal, child, 100); // and go on while the sink retries
            kafka.restart();
            System.out.printf("[%5.1f s] the broker is back%n", seconds(started));
          }
          awaitAcks(journal, child, 100 + 150 * kill);
          // The kill must come after this child's sink committed something of its own, or a sink
          // that resumed from the wrong place would go unnoticed.
          awaitForwardedBeyond(journal, child, forwarded);
          forwarded = maxAt(journal);
        } finally {
          child.destroyForcibly();
          child.waitFor(30, TimeUnit.SECONDS);
        }
      }
      System.out.printf("[%5.1f s] the draining child starts%n", seconds(started));
      Process drain = child(store, kafka.bootstrap(), journal, 0);
      assertThat(drain.waitFor(CRASH_WAIT.toSeconds(), TimeUnit.SECONDS))
          .as("the last child forwarded the rest")
          .isTrue();
      assertThat(drain.exitValue()).isZero();
      assertThat(lines(journal)).contains("DRAINED");

      System.out.printf("[%5.1f s] drained%n", seconds(started));
      List<RecordedEvent> events = readLog(store);
      List<ConsumerRecord<byte[], byte[]>> records =
          TopicReader.readCommitted(kafka.bootstrap(), SinkCrashChild.TOPIC, events.size());

      Set<String> seen = new HashSet<>();
      Map<String, Long> lastRevision = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> record : records) {
        String id = header(record, "id");
        assertThat(seen.add(id)).as("event %s forwarded once", id).isTrue();
        String stream = header(record, "stream");
        long revision = Long.parseLong(header(record, "revision"));
        Long previous = lastRevision.put(stream, revision);
        assertThat(revision)
            .as("%s in order", stream)
            .isEqualTo(previous == null ? 0 : previous + 1);
      }
      Set<String> stored = new HashSet<>();
      Map<String, Long> positions = new HashMap<>();
      for (RecordedEvent event : events) {
        stored.add(event.id().toString());
        positions.put(event.stream() + " " + event.revision(), event.position());
      }
      assertThat(seen).as("every stored event is in Kafka, nothing else").isEqualTo(stored);
      int acked = 0;
      for (String line : lines(journal)) {
        String[] f = line.split(" ");
        if (f.length == 4 && f[0].equals("ACK")) {
          acked++;
          assertThat(positions.get(f[1] + " " + f[2]))
              .as("acknowledged %s@%s is stored and forwarded", f[1], f[2])
              .isEqualTo(Long.parseLong(f[3]));
        }
      }
      System.out.printf(
          "kafka sink crash test: %d kills of Factum, 1 broker restart, %d acknowledged appends,"
              + " %d events in the store, %d records in Kafka%n",
          kills, acked, events.size(), records.size());
      assertThat(acked).isPositive();
    }
  }

  private static double seconds(long started) {
    return (System.nanoTime() - started) / 1e9;
  }

  private static Process child(Path store, String bootstrap, Path journal, int writers)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            SinkCrashChild.class.getName(),
            store.toString(),
            bootstrap,
            journal.toString(),
            Integer.toString(writers))
        .redirectErrorStream(true)
        .redirectOutput(
            ProcessBuilder.Redirect.appendTo(journal.resolveSibling("child.log").toFile()))
        .start();
  }

  /** Waits until the journal holds {@code more} acknowledgements beyond what it holds now. */
  private static void awaitAcks(Path journal, Process child, int more) throws IOException {
    long target = countAcks(journal) + more;
    Await.until(
        more + " more acknowledged appends",
        CRASH_WAIT,
        () -> {
          if (!child.isAlive()) {
            throw new AssertionError("the child exited with " + child.exitValue());
          }
          return countAcks(journal) >= target;
        });
  }

  private static void awaitForwardedBeyond(Path journal, Process child, long position) {
    Await.until(
        "the sink forwarded beyond " + position,
        CRASH_WAIT,
        () -> {
          if (!child.isAlive()) {
            throw new AssertionError("the child exited with " + child.exitValue());
          }
          return maxAt(journal) > position;
        });
  }

  /** The furthest position a child's sink reported as committed ({@code AT} lines). */
  private static long maxAt(Path journal) {
    long max = 0;
    for (String line : lines(journal)) {
      String[] f = line.split(" ");
      if (f.length == 2 && f[0].equals("AT")) {
        max = Math.max(max, Long.parseLong(f[1]));
      }
    }
    return max;
  }

  private static long countAcks(Path journal) {
    return countLines(journal, "ACK ");
  }

  private static long countLines(Path journal, String prefix) {
    return lines(journal).stream().filter(l -> l.startsWith(prefix)).count();
  }

  private static List<String> lines(Path journal) {
    try {
      return Files.exists(journal) ? Files.readAllLines(journal) : List.of();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<RecordedEvent> readLog(Path directory) {
    List<RecordedEvent> events = new ArrayList<>();
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      long from = 0;
      while (true) {
        ReadPage page = store.readAll(from, Direction.FORWARD, 1000, LogFilter.none());
        events.addAll(page.events());
        from = page.next();
        if (page.endOfRead()) {
          return events;
        }
      }
    }
  }

  /**
   * Two stores over one PostgreSQL each run the sink: only the lease holder forwards (the other
   * waits as standby, so they do not fence each other in turn), and when the holder stops the other
   * takes over from the committed checkpoint: every event once, per-stream order kept.
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void onTwoServersOverOnePostgresOneForwardsAndTheOtherTakesOverWhenItStops() throws Exception {
    PostgresConfig config = newDatabase("factum_sinks");
    createTopic("leased", 2);
    Duration lease = Duration.ofSeconds(2);
    try (FactumStore a = PostgresEventStore.open(config);
        FactumStore b = PostgresEventStore.open(config)) {
      KafkaSinks onA = KafkaSinks.start(a, lease);
      onA.create(SinkDefinition.kafka("leased", LogFilter.none(), "leased", kafka.bootstrap()));
      Await.until("A forwards", WAIT, () -> onA.status("leased").state().equals("running"));
      try (KafkaSinks onB = KafkaSinks.start(b, lease)) {
        long renewals = leaseVersion(a);
        append(a, "order-1", 20);
        append(b, "order-2", 20);
        Await.until("A forwarded 40", WAIT, () -> onA.status("leased").forwarded() == 40);
        // A renews every third of the lease, and B retries as often: six renewals are two lease
        // periods in which B would have taken the sink over if the lease did not hold.
        Await.until("two lease periods", WAIT, () -> leaseVersion(a) >= renewals + 6);
        assertThat(onB.status("leased").state()).isEqualTo("standby");
        assertThat(onB.status("leased").forwarded()).isZero();

        onA.close(); // a clean stop gives the lease up
        Await.until("B forwards", WAIT, () -> onB.status("leased").state().equals("running"));
        append(b, "order-1", 10);
        Await.until("B forwarded 10", WAIT, () -> onB.status("leased").forwarded() == 10);
      }
    }
    List<ConsumerRecord<byte[], byte[]>> records =
        TopicReader.readCommitted(kafka.bootstrap(), "leased", 50);
    assertThat(records).hasSize(50);
    Set<String> ids = new HashSet<>();
    Map<String, Long> lastRevision = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      assertThat(ids.add(header(record, "id"))).as("forwarded once").isTrue();
      String stream = new String(record.key(), StandardCharsets.UTF_8);
      long revision = Long.parseLong(header(record, "revision"));
      Long previous = lastRevision.put(stream, revision);
      assertThat(revision).as(stream).isEqualTo(previous == null ? 0 : previous + 1);
    }
  }

  /**
   * Two servers over one PostgreSQL, both running before the sink exists: a sink created on A is
   * started by B too without a restart (one of them forwards), a pause on B pauses A's runner, a
   * resume on A resumes it, and a delete on B stops A's runner: nothing appended afterwards reaches
   * the topic.
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aSinkMadeOnOneServerRunsOnTheOtherAndADeleteThereStopsIt() throws Exception {
    PostgresConfig config = newDatabase("factum_follow");
    createTopic("followed", 2);
    Duration lease = Duration.ofSeconds(2);
    try (FactumStore a = PostgresEventStore.open(config);
        FactumStore b = PostgresEventStore.open(config);
        KafkaSinks onA = KafkaSinks.start(a, lease);
        KafkaSinks onB = KafkaSinks.start(b, lease)) {
      onA.create(SinkDefinition.kafka("followed", LogFilter.none(), "followed", kafka.bootstrap()));
      Await.until("B runs the sink made on A", WAIT, () -> onB.running().contains("followed"));
      append(b, "order-1", 20);
      Await.until(
          "20 forwarded by A or B",
          WAIT,
          () -> onA.status("followed").forwarded() + onB.status("followed").forwarded() == 20);

      onB.pause("followed");
      Await.until("A paused", WAIT, () -> onA.status("followed").state().equals("paused"));
      onA.resume("followed");
      Await.until("B resumed", WAIT, () -> !onB.status("followed").state().equals("paused"));

      onB.delete("followed");
      Await.until("A stopped its runner", WAIT, () -> onA.running().isEmpty());
      append(a, "order-2", 10);
      Thread.sleep(lease.toMillis()); // long enough for a runner that was left to forward them
      assertThat(onA.running()).isEmpty();
      assertThat(onB.running()).isEmpty();
    }
    List<ConsumerRecord<byte[], byte[]>> records =
        TopicReader.readCommitted(kafka.bootstrap(), "followed", 20);
    assertThat(records).hasSize(20);
    assertThat(records).allMatch(r -> header(r, "stream").equals("order-1"));
  }

  /**
   * A sink deleted on B and made again under its name on A before A followed the delete (A's
   * follower is held off for the test): A stops the runner it had before it starts the new one, so
   * one runner forwards, the new one, from the start of the log to the new topic. The old runner
   * used to be left running, unlisted, beside the new one.
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aSinkMadeAgainBeforeItsDeleteWasFollowedRunsOneRunner() throws Exception {
    PostgresConfig config = newDatabase("factum_recreate");
    createTopic("recreate-old", 1);
    createTopic("recreate-new", 1);
    Duration lease = Duration.ofSeconds(2);
    Duration never = Duration.ofHours(1);
    try (FactumStore a = PostgresEventStore.open(config);
        FactumStore b = PostgresEventStore.open(config);
        KafkaSinks onA = KafkaSinks.start(a, lease, never);
        KafkaSinks onB = KafkaSinks.start(b, lease, never)) {
      onA.create(
          SinkDefinition.kafka("again", LogFilter.none(), "recreate-old", kafka.bootstrap()));
      append(a, "order-1", 5);
      Await.until("A forwarded 5", WAIT, () -> onA.status("again").forwarded() == 5);

      onB.delete("again");
      assertThat(onA.running()).containsExactly("again");
      onA.create(
          SinkDefinition.kafka("again", LogFilter.none(), "recreate-new", kafka.bootstrap()));
      assertThat(liveThreads("factum-sink-again")).as("runners of 'again'").isEqualTo(1);

      append(a, "order-2", 5);
      Await.until("the new sink forwarded 10", WAIT, () -> onA.status("again").forwarded() == 10);
      assertThat(liveThreads("factum-sink-again")).as("runners of 'again'").isEqualTo(1);
    }
    assertThat(TopicReader.readCommitted(kafka.bootstrap(), "recreate-new", 10)).hasSize(10);
    assertThat(TopicReader.readCommitted(kafka.bootstrap(), "recreate-old", 5))
        .allMatch(r -> header(r, "stream").equals("order-1"))
        .hasSize(5);
  }

  private static long liveThreads(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals(name))
        .count();
  }

  /**
   * A new database (named from {@code prefix}) on the shared PostgreSQL, for two stores to open as
   * two servers would.
   */
  private static PostgresConfig newDatabase(String prefix) {
    LocalPostgres postgres = LocalPostgres.shared();
    return PostgresConfig.of(postgres.createDatabase(prefix), postgres.user(), postgres.password());
  }

  private static long leaseVersion(FactumStore store) {
    return store.records().read(SinkLease.NAMESPACE, "leased").version();
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
