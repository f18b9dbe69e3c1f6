package dev.factum.bench.compare.targets;

import dev.factum.bench.load.BenchTarget;
import dev.factum.bench.load.Progress;
import dev.factum.kafka.testing.LocalKafka;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Apache Kafka as a system of the comparison, used the way a Kafka user would use it as an event
 * store: one topic per store with {@link #PARTITIONS} partitions, the entity id as the record key
 * (so an entity's events stay in order in one partition), a producer with {@code acks=all}, and
 * consumers that assign partitions directly. (The producer is not idempotent: see the note where it
 * is configured.)
 *
 * <p>Design note: Kafka has no per-key index, so loading an entity is done the honest way: a
 * consumer seeks to the start of the entity's partition (found with the producer's own key hash),
 * reads it to its end offset as of the start of the load, and keeps the records whose key is the
 * entity. Kafka has no conditional append per key, so expected-revision appends are not supported.
 * With one broker, {@code acks=all} means "in the leader's page cache" unless the broker flushes
 * per write ({@code log.flush.interval.messages=1}); both configurations are measured.
 *
 * <p>What must stay true: an append returns only after every record of it was acknowledged; a load
 * or catch-up reads up to the end offsets taken when it started, so it cannot stop early; and each
 * session has a topic of its own.
 */
public final class KafkaTarget implements BenchTarget {
  /** Partitions per topic: a common choice for a small cluster, a few per core. */
  public static final int PARTITIONS = 8;

  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(10);

  private final LocalKafka broker;
  private final boolean flushPerWrite;
  private final Admin admin;

  private KafkaTarget(LocalKafka broker, boolean flushPerWrite) {
    this.broker = broker;
    this.flushPerWrite = flushPerWrite;
    this.admin = Admin.create(broker.adminProperties());
  }

  public static KafkaTarget start(Path directory, boolean flushPerWrite, Progress progress)
      throws Exception {
    LocalKafka broker = LocalKafka.start(directory, flushPerWrite);
    progress.say(
        "Kafka broker up at %s (pid %d%s)",
        broker.bootstrap(), broker.pid(), flushPerWrite ? ", flush per write" : "");
    return new KafkaTarget(broker, flushPerWrite);
  }

  /** The version of the Kafka client jar (the broker's is the same, see the broker module). */
  public static String version() {
    try (InputStream in =
        KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public String name() {
    return flushPerWrite ? "Kafka, flush per write" : "Kafka, default flushing";
  }

  @Override
  public String setup() {
    return "Kafka "
        + version()
        + ", one KRaft broker+controller in a child JVM (-Xmx1g) on 127.0.0.1, "
        + (flushPerWrite
            ? "log.flush.interval.messages=1 (fsync after every append)"
            : "default flushing (acknowledged from the page cache, fsync left to the OS)")
        + "; topic of "
        + PARTITIONS
        + " partitions, replication 1; producer acks=all, not idempotent, linger.ms=0, shared by"
        + " the writer threads; key = entity id; consumers assign partitions, max.poll.records=5000,"
        + " max.partition.fetch.bytes=8 MiB, fetch.max.wait.ms=0";
  }

  @Override
  public boolean supports(Capability capability) {
    return capability != Capability.EXPECTED_REVISION;
  }

  @Override
  public String whyNot(Capability capability) {
    return capability == Capability.EXPECTED_REVISION
        ? "not supported: Kafka has no conditional append per key"
        : "not supported";
  }

  @Override
  public Session open(String label) throws Exception {
    String topic = label.replaceAll("[^A-Za-z0-9._-]", "-");
    admin
        .createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
        .all()
        .get(60, TimeUnit.SECONDS);
    awaitLeaders(topic);
    return new KafkaSession(topic);
  }

  /**
   * Waits until every partition of a new topic has a leader, so the first measured appends do not
   * pay for the topic's creation.
   */
  private void awaitLeaders(String topic) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        var description =
            admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(60, TimeUnit.SECONDS)
                .get(topic);
        if (description.partitions().size() == PARTITIONS
            && description.partitions().stream().allMatch(p -> p.leader() != null)) {
          return;
        }
      } catch (ExecutionException e) {
        // The broker's metadata may not know the new topic yet.
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topic " + topic + " has partitions without a leader");
      }
      Thread.sleep(100);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      admin.close(Duration.ofSeconds(10));
    } finally {
      broker.close();
    }
  }

  private Properties consumerProperties() {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Tuned for reading a partition to its end as fast as possible: large polls, and no waiting
    // at the end of the log (a fetch still waiting there would delay the next load's seek).
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
    properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 0);
    return properties;
  }

  private final class KafkaSession implements Session {
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<KafkaConsumer<byte[], byte[]>> consumers = new ArrayList<>();

    KafkaSession(String topic) {
      this.topic = topic;
      Properties properties = new Properties();
      properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
      properties.put(ProducerConfig.ACKS_CONFIG, "all");
      // Not idempotent: with Kafka 4.4.0 on a freshly created topic, an idempotent producer
      // shared by 16 or 64 writer threads had the first batch of a partition (sequence 0) resent
      // and refused with OutOfOrderSequenceException until its delivery timeout, in most runs
      // on the loaded development machine (docs/BENCHMARKS.md). acks=all is kept.
      properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
      properties.put(ProducerConfig.LINGER_MS_CONFIG, 0);
      // Fail a stuck append within a minute rather than the default two.
      properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
      properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      this.producer = new KafkaProducer<>(properties);
      // Fetch the topic's metadata now, not in the first measured append.
      producer.partitionsFor(topic);
    }

    @Override
    public Writer writer() {
      return (entity, bodies) -> {
        byte[] key = entity.getBytes(StandardCharsets.UTF_8);
        List<Future<RecordMetadata>> sent = new ArrayList<>(bodies.size());
        for (byte[] body : bodies) {
          sent.add(producer.send(new ProducerRecord<>(topic, key, body)));
        }
        for (Future<RecordMetadata> future : sent) {
          future.get();
        }
      };
    }

    @Override
    public synchronized Reader reader() {
      KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties());
      consumers.add(consumer);
      consumer.partitionsFor(topic);
      return entity -> load(consumer, entity);
    }

    private int load(KafkaConsumer<byte[], byte[]> consumer, String entity) {
      byte[] key = entity.getBytes(StandardCharsets.UTF_8);
      TopicPartition partition =
          new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % PARTITIONS);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      int events = 0;
      long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          if (record.offset() < end && Arrays.equals(record.key(), key)) {
            events++;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("reading " + partition + " took over " + LOAD_TIMEOUT);
        }
      }
      return events;
    }

    @Override
    public long catchUp() {
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties())) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
          partitions.add(new TopicPartition(topic, p));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        long expected = ends.values().stream().mapToLong(Long::longValue).sum();
        long events = 0;
        long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
        while (!reachedEnd(consumer, ends)) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            if (record.offset()
                < ends.get(new TopicPartition(record.topic(), record.partition()))) {
              events++;
            }
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the catch-up took over " + LOAD_TIMEOUT);
          }
        }
        if (events != expected) {
          throw new IllegalStateException(
              "the catch-up read " + events + " records, the end offsets sum to " + expected);
        }
        return events;
      }
    }

    private static boolean reachedEnd(
        KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
      for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
        if (consumer.position(end.getKey()) < end.getValue()) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void close() {
      // The topic is left in place: deleting topics between measurements made the flush-per-write
      // broker stall on the next topic's appends in development runs; the broker's whole directory
      // is removed when the target closes.
      producer.close(Duration.ofSeconds(30));
      synchronized (this) {
        for (KafkaConsumer<byte[], byte[]> consumer : consumers) {
          consumer.close();
        }
      }
    }
  }
}
