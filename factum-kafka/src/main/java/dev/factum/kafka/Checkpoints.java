package dev.factum.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A sink's checkpoint in Kafka: the log position to forward from next, written as a record of the
 * sink's own compacted, one-partition checkpoint topic inside every transaction that forwards
 * events, so the events and the checkpoint are committed together or not at all.
 *
 * <p>Layout of a checkpoint record: key = the sink name (UTF-8), value = {@code {"incarnation":
 * "<uuid>", "next": <position>}}. The incarnation is the sink's (a deleted and re-created sink does
 * not resume from its predecessor's checkpoint).
 *
 * <p>What must stay true: {@link #recover} runs only after the sink's producer has called {@code
 * initTransactions}, which completes or aborts every earlier transaction of the same {@code
 * transactional.id}; the sink is the only writer of its checkpoint topic, so the {@code
 * read_committed} end of that topic (its last stable offset) is then past every checkpoint the sink
 * ever committed, and the last one read is the newest.
 */
final class Checkpoints {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

  private Checkpoints() {}

  static ProducerRecord<byte[], byte[]> record(
      SinkDefinition definition, String incarnation, long next) {
    String value = "{\"incarnation\":\"" + incarnation + "\",\"next\":" + next + "}";
    return new ProducerRecord<>(
        definition.checkpointTopic(),
        0,
        definition.name().getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8));
  }

  /** Creates the checkpoint topic (compacted, one partition) unless it exists. */
  static void ensureTopic(SinkDefinition definition, Properties common)
      throws InterruptedException {
    Properties properties = new Properties();
    properties.putAll(common);
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
    try (Admin admin = Admin.create(properties)) {
      NewTopic topic =
          new NewTopic(definition.checkpointTopic(), Optional.of(1), Optional.empty())
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      admin.createTopics(List.of(topic)).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new KafkaException(
            "creating " + definition.checkpointTopic() + ": " + e.getCause(), e);
      }
    } catch (TimeoutException e) {
      throw new KafkaException("creating " + definition.checkpointTopic() + " timed out", e);
    }
  }

  /**
   * The newest committed checkpoint of this incarnation of the sink, or {@code fallback} when there
   * is none.
   */
  static long recover(
      SinkDefinition definition, String incarnation, Properties common, long fallback) {
    Properties properties = new Properties();
    properties.putAll(common);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    properties.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    properties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
    long next = fallback;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(definition.checkpointTopic(), 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), CALL_TIMEOUT).get(partition);
      long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
      while (consumer.position(partition) < end) {
        if (System.nanoTime() > deadline) {
          throw new KafkaException("reading the checkpoint topic timed out");
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          String key = new String(record.key(), StandardCharsets.UTF_8);
          if (key.equals(definition.name())) {
            JsonNode value = parse(record.value());
            if (incarnation.equals(value.path("incarnation").asText())) {
              next = value.path("next").asLong();
            }
          }
        }
      }
    }
    return next;
  }

  private static JsonNode parse(byte[] value) {
    try {
      return WireJson.mapper().readTree(value);
    } catch (IOException e) {
      throw new KafkaException("a checkpoint record is not JSON", e);
    }
  }
}
