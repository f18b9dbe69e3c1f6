package dev.factum.bench.compare.transport;

import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.bench.load.LatencySummary;
import dev.factum.bench.load.Payloads;
import dev.factum.bench.load.Progress;
import dev.factum.engine.FactumStore;
import dev.factum.kafka.KafkaSinks;
import dev.factum.kafka.SinkDefinition;
import dev.factum.kafka.SinkStatus;
import dev.factum.kafka.testing.LocalKafka;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka as Factum's transport, measured ({@code bin/bench transport}): how fast a Kafka sink
 * forwards a store's log into a topic, against Kafka's own producer writing records of the same
 * size and keys to the same broker in the same run (once before and once after the sink, so drift
 * shows); the latency from a Factum append to a {@code read_committed} consumer receiving it
 * through the sink; and how fast {@code factum import --from-kafka} (the real CLI jar, a child
 * process, against a real server) moves that topic back into a fresh store.
 *
 * <p>What must stay true: every rate counts only what was verified to have arrived (the sink's
 * forwarded count reaches the events appended, and a {@code read_committed} audit of the topic
 * finds every event of the store exactly once, by id, in stream order; the import's store holds
 * every record), and each step has a topic or store of its own, so no step is measured on another's
 * leftovers.
 */
final class TransportRun {
  static final String SINK_TOPIC = "factum-events";
  static final int PARTITIONS = 8;
  private static final int STREAMS = 1_000;
  private static final int FILL_BATCH = 1_000;
  private static final Duration WAIT = Duration.ofMinutes(10);

  private final TransportOptions options;
  private final Progress progress;

  private TransportRun(TransportOptions options, Progress progress) {
    this.options = options;
    this.progress = progress;
  }

  static TransportResults run(TransportOptions options, Progress progress) throws Exception {
    return new TransportRun(options, progress).run();
  }

  private TransportResults run() throws Exception {
    Path root = Files.createTempDirectory(options.dataParent(), "transport-");
    long started = System.currentTimeMillis();
    try (LocalKafka kafka = LocalKafka.start(root.resolve("kafka"));
        Admin admin = Admin.create(kafka.adminProperties());
        FactumStore store = RocksDbEventStore.open(root.resolve("store"))) {
      // Every topic is made up front: Kafka 4.4's producer can resend a new partition's first
      // batch and have it refused until its delivery timeout (see KafkaTarget).
      for (String topic : List.of(SINK_TOPIC, "warm-up", "baseline-1", "baseline-2")) {
        createTopic(admin, topic);
      }
      fill(store, options.events());
      // Untimed: the producer's code is compiled before the first timed pass, as the sink's is
      // by the time it has forwarded a few pages.
      producerBaseline(kafka, "warm-up", Math.max(1, options.events() / 10));

      ProducerRate before = producerBaseline(kafka, "baseline-1", options.events());
      double sinkRate;
      try (KafkaSinks sinks = KafkaSinks.start(store)) {
        sinkRate = forward(sinks, kafka, options.events());
        ProducerRate after = producerBaseline(kafka, "baseline-2", options.events());
        LatencySummary latency = appendToConsumer(store, kafka, options.latencyEvents());
        long topicRecords = options.events() + options.latencyEvents();
        TopicAudit.Result audit = audit(kafka, topicRecords);
        long sinkErrors = sinks.status("bench").errors();
        double importRate = importTopic(kafka, root.resolve("imported"), topicRecords);
        long refusals = brokerLogLines(root.resolve("kafka"), OUT_OF_ORDER);
        return new TransportResults(
            options.events(),
            before,
            after,
            sinkRate,
            latency,
            options.latencyRate(),
            topicRecords,
            importRate,
            audit,
            sinkErrors,
            refusals,
            System.currentTimeMillis() - started);
      }
    } finally {
      delete(root);
    }
  }

  /**
   * Checks that the sink forwarded every event of the store exactly once and in stream order, as a
   * {@code read_committed} consumer sees the topic; the run fails otherwise (its rates would not
   * count).
   */
  private TopicAudit.Result audit(LocalKafka kafka, long expected) throws Exception {
    progress.say("auditing %s: %,d events, each once, in stream order", SINK_TOPIC, expected);
    TopicAudit.Result audit;
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
      audit = TopicAudit.read(consumer, partitions(SINK_TOPIC));
    }
    if (!audit.exactlyOnce(expected)) {
      throw new IOException(
          "the sink did not forward exactly once: expected " + expected + ", " + audit);
    }
    return audit;
  }

  /**
   * The broker's message when a transaction's later batch for a partition arrives before its first
   * (docs/KAFKA.md, "The broker's OutOfOrderSequenceException"): counted and reported, not an
   * error.
   */
  static final String OUT_OF_ORDER = "Expected sequence 0 for transactions v2";

  /** How many lines of the broker's log (in {@code directory}) contain {@code text}. */
  private static long brokerLogLines(Path directory, String text) throws IOException {
    Path log = directory.resolve("broker.log");
    if (!Files.exists(log)) {
      return 0;
    }
    try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
      return lines.filter(line -> line.contains(text)).count();
    }
  }

  private static void createTopic(Admin admin, String topic)
      throws ExecutionException, InterruptedException {
    admin
        .createTopics(List.of(new NewTopic(topic, Optional.of(PARTITIONS), Optional.empty())))
        .all()
        .get();
  }

  /** Appends {@code events} over {@link #STREAMS} streams, {@link #FILL_BATCH} per commit. */
  private void fill(FactumStore store, long events) {
    progress.say("filling a store with %,d events", events);
    Payloads payloads = new Payloads(7);
    long written = 0;
    while (written < events) {
      int batch = (int) Math.min(FILL_BATCH, events - written);
      List<AppendRequest> requests = new ArrayList<>();
      for (int i = 0; i < batch; i += 10) {
        List<EventData> data = new ArrayList<>();
        for (int j = i; j < Math.min(batch, i + 10); j++) {
          data.add(EventData.json("Recorded", payloads.next()).withId(UUID.randomUUID()));
        }
        requests.add(
            new AppendRequest(
                "entity-" + ((written + i) / 10 % STREAMS), ExpectedRevision.any(), data));
      }
      store.appendAll(requests);
      written += batch;
    }
  }

  /** What Kafka's own producer does with records like the sink's: its rate and record size. */
  record ProducerRate(double recordsPerSecond, int valueBytes) {}

  /**
   * Kafka's own producer with its default batching and {@code acks=all}, sending {@code records}
   * records keyed by stream name whose values have the size of the sink's records (measured on the
   * sink topic after the sink ran; before it, estimated). Not idempotent, for the reason {@code
   * KafkaTarget} gives: which makes the baseline, if anything, faster than the sink's transactional
   * producer could be.
   */
  private ProducerRate producerBaseline(LocalKafka kafka, String topic, long records)
      throws Exception {
    int valueBytes = sinkValueBytes();
    progress.say("Kafka producer: %,d records of %d bytes to %s", records, valueBytes, topic);
    byte[] value = new byte[valueBytes];
    Arrays.fill(value, (byte) 'x');
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties)) {
      producer.partitionsFor(topic); // the metadata now, not in the measured window
      long startNanos = System.nanoTime();
      Future<RecordMetadata> last = null;
      for (long i = 0; i < records; i++) {
        byte[] key = ("entity-" + (i / 10 % STREAMS)).getBytes(StandardCharsets.UTF_8);
        last = producer.send(new ProducerRecord<>(topic, key, value));
      }
      producer.flush();
      if (last != null) {
        last.get(); // throws if the last send failed; flush waited for every one
      }
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      return new ProducerRate(records / seconds, valueBytes);
    }
  }

  private volatile int sinkValueBytes;

  private int sinkValueBytes() {
    if (sinkValueBytes == 0) {
      // Before the sink ran: a v1 event of this fill is about the payload plus ~250 bytes of
      // header fields (id, type, stream, revision, position, timestamp, metadata, tags).
      return Payloads.SIZE + 250;
    }
    return sinkValueBytes;
  }

  /** Creates the sink from the start of the log and waits until it forwarded every event. */
  private double forward(KafkaSinks sinks, LocalKafka kafka, long events) throws Exception {
    progress.say("Kafka sink: forwarding %,d events to %s", events, SINK_TOPIC);
    long startNanos = System.nanoTime();
    sinks.create(
        SinkDefinition.kafka("bench", LogFilter.none(), SINK_TOPIC, kafka.bootstrap())
            .withProducerProperties(sinkProducerProperties()));
    awaitForwarded(sinks, events);
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    sinkValueBytes = meanValueBytes(kafka);
    return events / seconds;
  }

  /**
   * Producer properties for the sink from {@code -Dfactum.bench.sink.producer=k=v,k=v}
   * (FACTUM_BENCH_JVM_OPTS), to compare tunings against the sink's defaults in one command.
   */
  private static Map<String, String> sinkProducerProperties() {
    Map<String, String> properties = new TreeMap<>();
    String spec = System.getProperty("factum.bench.sink.producer", "");
    for (String pair : spec.split(",")) {
      if (!pair.isBlank()) {
        int equals = pair.indexOf('=');
        if (equals <= 0) {
          throw new IllegalArgumentException("factum.bench.sink.producer: not k=v: " + pair);
        }
        properties.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
      }
    }
    return properties;
  }

  private static void awaitForwarded(KafkaSinks sinks, long events) throws TimeoutException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      SinkStatus status = sinks.status("bench");
      if (status.forwarded() >= events && status.lagEvents() == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("the sink forwarded " + status.forwarded() + " of " + events);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  /** The mean value size of the first records on the sink topic. */
  private static int meanValueBytes(LocalKafka kafka) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
      List<TopicPartition> partitions = partitions(SINK_TOPIC);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long bytes = 0;
      int count = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (count < 1_000 && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          bytes += record.value().length;
          count++;
        }
      }
      return count == 0 ? Payloads.SIZE + 250 : (int) (bytes / count);
    }
  }

  /**
   * Appends {@code events} single-event appends at a steady {@link TransportOptions#latencyRate()}
   * while a {@code read_committed} consumer tails the sink topic; the latency of each event is from
   * the start of its append call to the consumer's poll returning it.
   */
  private LatencySummary appendToConsumer(FactumStore store, LocalKafka kafka, int events)
      throws Exception {
    progress.say("append-to-consumer latency: %,d appends at %,d/s", events, options.latencyRate());
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Histogram nanos = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
    AtomicBoolean ready = new AtomicBoolean();
    Thread reader =
        Thread.ofPlatform()
            .name("transport-consumer")
            .start(
                () -> {
                  try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
                    List<TopicPartition> partitions = partitions(SINK_TOPIC);
                    consumer.assign(partitions);
                    consumer.seekToEnd(partitions);
                    partitions.forEach(consumer::position); // resolve the end now
                    ready.set(true);
                    long received = 0;
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    while (received < events && System.nanoTime() < deadline) {
                      for (ConsumerRecord<byte[], byte[]> record :
                          consumer.poll(Duration.ofMillis(100))) {
                        long now = System.nanoTime();
                        Long sent = sentAt.remove(header(record, "id"));
                        if (sent != null) {
                          nanos.recordValue(Math.min(now - sent, nanos.getHighestTrackableValue()));
                          received++;
                        }
                      }
                    }
                  }
                });
    while (!ready.get()) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    Payloads payloads = new Payloads(11);
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) / options.latencyRate();
    long next = System.nanoTime();
    for (int i = 0; i < events; i++) {
      UUID id = UUID.randomUUID();
      long now;
      while ((now = System.nanoTime()) < next) {
        LockSupport.parkNanos(next - now);
      }
      next += intervalNanos;
      sentAt.put(id.toString(), System.nanoTime());
      store.append(
          "latency-" + (i % 100),
          ExpectedRevision.any(),
          List.of(EventData.json("Measured", payloads.next()).withId(id)));
    }
    reader.join(WAIT.toMillis());
    if (nanos.getTotalCount() < events) {
      throw new TimeoutException(
          "the consumer received " + nanos.getTotalCount() + " of " + events + " events");
    }
    return LatencySummary.of(nanos);
  }

  /**
   * Runs the real {@code factum import --from-kafka} (the CLI jar, a child JVM) from the sink topic
   * into a fresh store served over HTTP; returns records per second, checked against the store's
   * event count afterwards.
   */
  private double importTopic(LocalKafka kafka, Path directory, long records) throws Exception {
    progress.say("factum import --from-kafka: %,d records from %s", records, SINK_TOPIC);
    try (FactumStore target = RocksDbEventStore.open(directory);
        FactumServer server = FactumServer.start(target, ServerConfig.DEFAULT.withPort(0))) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("--enable-native-access=ALL-UNNAMED");
      command.add("-jar");
      command.add(options.factumJar().toString());
      command.addAll(
          List.of(
              "import",
              "--from-kafka",
              "--bootstrap",
              kafka.bootstrap(),
              "--topic",
              SINK_TOPIC,
              "--from",
              "beginning",
              "--url",
              server.uri().toString()));
      Path log = directory.resolveSibling("import.log");
      long startNanos = System.nanoTime();
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new TimeoutException("the import did not finish; its output: " + tail(log));
      }
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      if (process.exitValue() != 0) {
        throw new IOException(
            "the import exited " + process.exitValue() + "; its output: " + tail(log));
      }
      long imported = target.headPosition() + 1;
      if (imported != records) {
        throw new IOException(
            "the import wrote " + imported + " of " + records + " records: " + tail(log));
      }
      return records / seconds;
    }
  }

  private static String tail(Path log) throws IOException {
    String text = Files.exists(log) ? Files.readString(log) : "";
    return text.length() > 2_000 ? text.substring(text.length() - 2_000) : text;
  }

  private static KafkaConsumer<byte[], byte[]> consumer(LocalKafka kafka) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    return new KafkaConsumer<>(properties);
  }

  private static List<TopicPartition> partitions(String topic) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      partitions.add(new TopicPartition(topic, p));
    }
    return partitions;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static void delete(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
