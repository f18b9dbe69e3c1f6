package dev.factum.cli;

import dev.factum.api.AppendRequest;
import dev.factum.api.ErrorCode;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.FactumException;
import dev.factum.cli.KafkaRecordMapping.Mapped;
import dev.factum.cli.KafkaRecordMapping.Outcome;
import dev.factum.cli.KafkaRecordMapping.SkipReason;
import dev.factum.cli.KafkaRecordMapping.Skipped;
import dev.factum.client.FactumClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Moves a Kafka topic into Factum streams: reads every partition up to the end offsets seen at the
 * start, maps each record ({@link KafkaRecordMapping}), appends each poll's events in one atomic
 * multi-stream append, and then commits the consumed offsets to the import's Kafka consumer group,
 * so a rerun resumes where the last one stopped.
 *
 * <p>What must stay true, and why it holds:
 *
 * <ul>
 *   <li>Nothing twice: every event's id is derived from (topic, partition, offset). A crash between
 *       an append and its offset commit makes the rerun send those records again; an append whose
 *       ids are all committed as the same events is an exact retry the store does not write again.
 *       A rerun's first batch may overlap a committed one only in part (polls return different
 *       runs), which the store refuses whole ({@code idempotency-conflict}); that batch is then
 *       sent one record per append, each of which is wholly new or wholly a retry.
 *   <li>Nothing lost: offsets are committed only after the append that holds their records is
 *       durable, and every record is either appended or counted under a skip reason.
 *   <li>Order: a partition's records are appended in offset order, so a key's records (one key, one
 *       partition) keep their order in their stream.
 * </ul>
 */
final class KafkaImport {
  /** Most bytes of event data and metadata in one append (the store's default cap is 16 MiB). */
  private static final long MAX_BATCH_BYTES = 4L << 20;

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final KafkaRecordMapping mapping;
  private final Remote remote;
  private final PrintStream err;
  private final Consumer<Integer> afterAppend;
  private final Summary summary = new Summary();

  /**
   * @param afterAppend called after each durable append, before its offsets are committed, with the
   *     number of records it covered (a test uses it to fail at exactly that point)
   */
  KafkaImport(
      KafkaConsumer<byte[], byte[]> consumer,
      String topic,
      KafkaRecordMapping mapping,
      Remote remote,
      PrintStream err,
      Consumer<Integer> afterAppend) {
    this.consumer = consumer;
    this.topic = topic;
    this.mapping = mapping;
    this.remote = remote;
    this.err = err;
    this.afterAppend = afterAppend;
  }

  /** Where reading starts in each partition. */
  sealed interface Start {
    /** The import group's committed offsets, else the beginning. */
    record Committed() implements Start {}

    /** The beginning of every partition, whatever was committed. */
    record Beginning() implements Start {}

    /** Given offsets per partition; partitions not named start at their committed offset. */
    record Offsets(Map<Integer, Long> offsets) implements Start {}
  }

  /** Imports up to the end offsets seen now, and returns what went where. */
  Summary run(Start start, Duration pollTimeout) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new Factum.CommandFailure("topic '" + topic + "' does not exist or has no partitions");
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : infos) {
      partitions.add(new TopicPartition(topic, info.partition()));
    }
    consumer.assign(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
    Map<TopicPartition, OffsetAndMetadata> committed =
        consumer.committed(new HashSet<>(partitions));
    Map<TopicPartition, Long> from = new HashMap<>();
    for (TopicPartition partition : partitions) {
      long offset = beginning.get(partition);
      OffsetAndMetadata done = committed.get(partition);
      if (!(start instanceof Start.Beginning) && done != null) {
        offset = Math.max(offset, done.offset());
      }
      if (start instanceof Start.Offsets(Map<Integer, Long> given)
          && given.containsKey(partition.partition())) {
        offset = Math.max(beginning.get(partition), given.get(partition.partition()));
      }
      from.put(partition, offset);
      consumer.seek(partition, offset);
    }
    long total = 0;
    for (TopicPartition partition : partitions) {
      total += Math.max(0, end.get(partition) - from.get(partition));
      summary.range(partition.partition(), from.get(partition), end.get(partition));
    }
    Progress progress = new Progress(err, "imported");
    Map<TopicPartition, Long> next = new HashMap<>(from);
    while (!reachedEnd(next, end)) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
      List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
      long batchBytes = 0;
      for (ConsumerRecord<byte[], byte[]> record : records) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if (record.offset() >= end.get(partition)) {
          continue; // newer than this import's end: the next run takes it
        }
        long size = size(record);
        if (!batch.isEmpty() && batchBytes + size > MAX_BATCH_BYTES) {
          importBatch(batch, next);
          batch.clear();
          batchBytes = 0;
        }
        batch.add(record);
        batchBytes += size;
      }
      if (!batch.isEmpty()) {
        importBatch(batch, next);
      }
      // Positions also advance over what a poll passes without records (transaction markers,
      // compacted offsets): the consumer's position is the truth.
      for (TopicPartition partition : partitions) {
        next.put(partition, Math.min(end.get(partition), consumer.position(partition)));
      }
      commit(next);
      progress.update(summary.records, total, "offsets " + offsets(next));
    }
    progress.finish(summary.records, total, "offsets " + offsets(next));
    return summary;
  }

  private static boolean reachedEnd(Map<TopicPartition, Long> next, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
      if (next.get(entry.getKey()) < entry.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static long size(ConsumerRecord<byte[], byte[]> record) {
    return (record.value() == null ? 0 : record.value().length) + 512L;
  }

  private void importBatch(
      List<ConsumerRecord<byte[], byte[]>> batch, Map<TopicPartition, Long> next) {
    Map<String, List<EventData>> byStream = new LinkedHashMap<>();
    List<Mapped> mapped = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : batch) {
      Outcome outcome = mapping.map(record);
      if (outcome instanceof Mapped m) {
        mapped.add(m);
        byStream.computeIfAbsent(m.stream(), s -> new ArrayList<>()).add(m.event());
      } else if (outcome instanceof Skipped(SkipReason reason)) {
        summary.skip(reason);
      }
    }
    if (!byStream.isEmpty()) {
      List<AppendRequest> requests = new ArrayList<>();
      byStream.forEach(
          (stream, events) ->
              requests.add(new AppendRequest(stream, ExpectedRevision.any(), events)));
      ErrorCode refused = refusal(client -> client.appendAll(requests));
      if (refused == null) {
        mapped.forEach(summary::appended);
      } else {
        mapped.forEach(this::appendOne);
      }
    }
    summary.records += batch.size();
    afterAppend.accept(batch.size());
    for (ConsumerRecord<byte[], byte[]> record : batch) {
      next.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
    }
    commit(next);
  }

  /**
   * One record on its own: new or an exact retry. A JSON value the store still refuses (its check
   * is stricter than the mapping's) is handled like any other value that is not JSON.
   */
  private void appendOne(Mapped m) {
    ErrorCode refused =
        refusal(
            client ->
                client.append(AppendRequest.of(m.stream(), ExpectedRevision.any(), m.event())));
    if (refused == null) {
      summary.appended(m);
    } else if (refused == ErrorCode.INVALID_ARGUMENT && !m.raw() && mapping.keepsRaw()) {
      EventData event = m.event();
      appendOne(
          new Mapped(
              m.stream(),
              new EventData(
                  event.id(),
                  event.type(),
                  EventData.BINARY,
                  event.data(),
                  event.metadata(),
                  event.tags()),
              true));
    } else if (refused == ErrorCode.INVALID_ARGUMENT && !m.raw()) {
      summary.skip(SkipReason.NOT_JSON);
    } else {
      throw new Factum.CommandFailure(
          "the server refused the event "
              + m.event().id()
              + " for stream '"
              + m.stream()
              + "' ("
              + refused.id()
              + "); the offsets before it are committed, so a rerun resumes there");
    }
  }

  /**
   * Runs an append; null when it committed (or was an exact retry), else the code of a refusal the
   * import can handle record by record ({@code idempotency-conflict}, {@code invalid-request}).
   * Anything else stops the import with the CLI's message.
   */
  private ErrorCode refusal(Consumer<FactumClient> append) {
    return remote.call(
        client -> {
          try {
            append.accept(client);
            return null;
          } catch (FactumException e) {
            if (e.code() == ErrorCode.IDEMPOTENCY_CONFLICT
                || e.code() == ErrorCode.INVALID_ARGUMENT) {
              return e.code();
            }
            throw e;
          }
        });
  }

  private void commit(Map<TopicPartition, Long> next) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    next.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
    consumer.commitSync(offsets);
  }

  private static String offsets(Map<TopicPartition, Long> next) {
    Map<Integer, Long> sorted = new TreeMap<>();
    next.forEach((partition, offset) -> sorted.put(partition.partition(), offset));
    return sorted.toString();
  }

  /** What an import did: records read, events appended per stream, records left out and why. */
  static final class Summary {
    long records;
    long appended;
    long raw;
    final Map<SkipReason, Long> skipped = new LinkedHashMap<>();
    final Map<String, Long> streams = new TreeMap<>();
    final Map<Integer, long[]> ranges = new TreeMap<>();

    void range(int partition, long from, long end) {
      ranges.put(partition, new long[] {from, end});
    }

    void appended(Mapped m) {
      appended++;
      raw += m.raw() ? 1 : 0;
      streams.merge(m.stream(), 1L, Long::sum);
    }

    void skip(SkipReason reason) {
      skipped.merge(reason, 1L, Long::sum);
    }

    void print(PrintStream out, int streamsToList) {
      out.println("records read: " + records);
      ranges.forEach(
          (partition, range) ->
              out.println(
                  "  partition " + partition + ": offsets " + range[0] + " to " + range[1]));
      out.println(
          "events appended (new, or already there from an earlier run): "
              + appended
              + (raw > 0 ? " (" + raw + " of them raw bytes)" : ""));
      out.println("streams written: " + streams.size());
      streams.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(streamsToList)
          .forEach(e -> out.println("  " + e.getKey() + ": " + e.getValue()));
      if (streams.size() > streamsToList) {
        out.println("  ... and " + (streams.size() - streamsToList) + " more");
      }
      for (SkipReason reason : SkipReason.values()) {
        out.println(
            "records skipped, " + reason.description + ": " + skipped.getOrDefault(reason, 0L));
      }
    }
  }
}
