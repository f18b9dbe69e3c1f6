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
    long elapsedMillis) {

  /** The producer rate the sink is compared with: the mean of the two baselines. */
  double producerRecordsPerSecond() {
    return (producerBefore.recordsPerSecond() + producerAfter.recordsPerSecond()) / 2;
  }
}
