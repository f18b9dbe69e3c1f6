package dev.factum.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a topic whole, every partition, as a {@code read_committed} consumer sees it now. */
final class TopicReader {
  private TopicReader() {}

  /**
   * Every record a {@code read_committed} consumer sees, once it sees at least {@code expected}
   * (then read to the end of that moment, so extra records, duplicates, are returned too).
   *
   * <p>Why wait: {@code commitTransaction} returns when the transaction coordinator has decided,
   * and the commit markers reach the partitions a moment later; until then a {@code read_committed}
   * consumer's end (the last stable offset) is before the transaction. So a sink that says it is
   * caught up may be ahead of what a consumer can read for a few milliseconds.
   */
  static List<ConsumerRecord<byte[], byte[]>> readCommitted(
      String bootstrap, String topic, int expected) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : infos) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      do {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        while (!atEnd(consumer, ends)) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("reading " + topic + " to its end took over 60 s");
          }
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            records.add(record);
          }
        }
        if (records.size() < expected) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            records.add(record);
          }
        }
      } while (records.size() < expected && System.nanoTime() < deadline);
    }
    return records;
  }

  private static boolean atEnd(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }
}
