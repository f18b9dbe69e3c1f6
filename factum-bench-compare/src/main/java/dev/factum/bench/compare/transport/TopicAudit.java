package dev.factum.bench.compare.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * What a sink's topic holds, as a {@code read_committed} consumer sees it: how many records, how
 * many distinct event ids among them ({@code id} header), and how many records break per-stream
 * order (a stream's {@code revision} header not one more than its record before, or not 0 first).
 *
 * <p>Design note: the benchmark's rates only count if forwarding was exactly once, so {@code bin
 * bench transport} audits the topic after the sink ran rather than trusting the sink's own count.
 * Each stream's records are in one partition (key = stream), so reading partition by partition in
 * offset order is reading each stream in order. The audit reads up to the end offsets a {@code
 * read_committed} consumer is given (the last stable offset), which, with no transaction open, is
 * everything committed.
 */
final class TopicAudit {
  private TopicAudit() {}

  /** The counts of one audit. */
  record Result(long records, long distinctIds, long outOfOrder) {
    /** Whether the topic holds exactly {@code expected} events, each once, in stream order. */
    boolean exactlyOnce(long expected) {
      return records == expected && distinctIds == expected && outOfOrder == 0;
    }
  }

  static Result read(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions)
      throws TimeoutException {
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    Set<String> ids = new HashSet<>();
    Map<String, Long> lastRevision = new HashMap<>();
    long records = 0;
    long outOfOrder = 0;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!atEnd(consumer, partitions, end)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("the audit read " + records + " records in 5 minutes");
      }
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        records++;
        ids.add(header(record, "id"));
        String stream = new String(record.key(), StandardCharsets.UTF_8);
        long revision = Long.parseLong(header(record, "revision"));
        Long previous = lastRevision.put(stream, revision);
        if (revision != (previous == null ? 0 : previous + 1)) {
          outOfOrder++;
        }
      }
    }
    return new Result(records, ids.size(), outOfOrder);
  }

  private static boolean atEnd(
      KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> end) {
    for (TopicPartition partition : partitions) {
      if (consumer.position(partition) < end.get(partition)) {
        return false;
      }
    }
    return true;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
  }
}
