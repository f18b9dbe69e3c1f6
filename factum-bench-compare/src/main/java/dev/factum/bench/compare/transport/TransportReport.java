package dev.factum.bench.compare.transport;

import dev.factum.bench.load.Fmt;
import dev.factum.bench.load.MachineFacts;
import java.util.Locale;

/** The Markdown report of a {@code bin/bench transport} run. */
final class TransportReport {
  private TransportReport() {}

  static String markdown(TransportResults r) {
    StringBuilder out = new StringBuilder();
    out.append("# Kafka as transport\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "%s events over %d partitions, one local KRaft broker (default flushing); load average"
                + " at the end %s; %s s in all.%n%n",
            Fmt.count(r.events()),
            TransportRun.PARTITIONS,
            MachineFacts.loadAverage(),
            Fmt.decimal(r.elapsedMillis() / 1000.0)));
    out.append("| figure | value | ÷ Kafka producer |\n|---|---:|---:|\n");
    row(
        out,
        "Kafka producer before the sink, records/s (" + r.producerBefore().valueBytes() + " B)",
        Fmt.rate(r.producerBefore().recordsPerSecond()),
        "");
    row(
        out,
        "Kafka producer after the sink, records/s (" + r.producerAfter().valueBytes() + " B)",
        Fmt.rate(r.producerAfter().recordsPerSecond()),
        "");
    row(
        out,
        "Kafka sink forwarding, events/s (exactly once, transactions)",
        Fmt.rate(r.sinkEventsPerSecond()),
        Fmt.ratio(r.sinkEventsPerSecond(), r.producerRecordsPerSecond()));
    row(
        out,
        "factum import --from-kafka, records/s (" + Fmt.count(r.topicRecords()) + " records)",
        Fmt.rate(r.importRecordsPerSecond()),
        Fmt.ratio(r.importRecordsPerSecond(), r.producerRecordsPerSecond()));
    out.append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "Append to a `read_committed` consumer through the sink, %s appends at %d/s: p50 %s µs,"
                + " p99 %s µs, p99.9 %s µs, max %s µs.%n",
            Fmt.count(r.latency().count()),
            r.latencyRate(),
            Fmt.micros(r.latency().p50()),
            Fmt.micros(r.latency().p99()),
            Fmt.micros(r.latency().p999()),
            Fmt.micros(r.latency().max())));
    out.append(
        String.format(
            Locale.ROOT,
            "%nExactly once: a `read_committed` consumer read %s records of the sink's topic, %s"
                + " distinct event ids (of %s events in the store), %d out of stream order; the sink"
                + " reported %d errors; the broker logged %d retriable OutOfOrderSequenceExceptions"
                + " (docs/KAFKA.md).%n",
            Fmt.count(r.audit().records()),
            Fmt.count(r.audit().distinctIds()),
            Fmt.count(r.topicRecords()),
            r.audit().outOfOrder(),
            r.sinkErrors(),
            r.outOfOrderRefusals()));
    return out.toString();
  }

  private static void row(StringBuilder out, String figure, String value, String ratio) {
    out.append("| ")
        .append(figure)
        .append(" | ")
        .append(value)
        .append(" | ")
        .append(ratio)
        .append(" |\n");
  }
}
