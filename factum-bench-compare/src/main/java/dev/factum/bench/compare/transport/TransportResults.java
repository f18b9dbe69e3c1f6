package dev.factum.bench.compare.transport;

import dev.factum.bench.load.LatencySummary;

/**
 * What one {@code bin/bench transport} run measured.
 *
 * @param producerBefore Kafka's own producer, before the sink ran
 * @param producerAfter the same, after it (with the sink's measured record size)
 * @param sinkEventsPerSecond the sink's forwarding rate over {@code events}
 * @param latency append-to-consumer latency, microseconds
 * @param importRecordsPerSecond {@code factum import --from-kafka} over {@code topicRecords}
 * @param audit the topic as a {@code read_committed} consumer read it after the sink ran
 * @param sinkErrors the sink's errors meanwhile (each an aborted transaction, retried)
 * @param outOfOrderRefusals the broker's retriable {@code OutOfOrderSequenceException}s logged
 */
record TransportResults(
    long events,
    TransportRun.ProducerRate producerBefore,
    TransportRun.ProducerRate producerAfter,
    double sinkEventsPerSecond,
    LatencySummary latency,
    int latencyRate,
    long topicRecords,
    double importRecordsPerSecond,
    TopicAudit.Result audit,
    long sinkErrors,
    long outOfOrderRefusals,
    long elapsedMillis) {

  /** The producer rate the sink is compared with: the mean of the two baselines. */
  double producerRecordsPerSecond() {
    return (producerBefore.recordsPerSecond() + producerAfter.recordsPerSecond()) / 2;
  }
}
