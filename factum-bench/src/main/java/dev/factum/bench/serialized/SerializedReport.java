package dev.factum.bench.serialized;

import dev.factum.bench.load.Fmt;
import dev.factum.bench.load.MachineFacts;
import java.util.Locale;

/** The Markdown report of a {@code bin/bench serialized} run. */
final class SerializedReport {
  private SerializedReport() {}

  static String markdown(SerializedResults r) {
    SerializedOptions o = r.options();
    StringBuilder out = new StringBuilder("# Serialized API\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "One server (RocksDB, 127.0.0.1), the JDK's HTTP client; %d writers × %s one-event"
                + " requests per round, median of %d rounds after a warm-up; feeds of %s events read"
                + " in pages of %d; load average at the end %s; %s s in all.%n%n",
            o.threads(),
            Fmt.count(o.saves()),
            o.rounds() - 1,
            Fmt.count(o.feedEvents()),
            SerializedRun.PAGE,
            MachineFacts.loadAverage(),
            Fmt.decimal(r.elapsedMillis() / 1000.0)));
    out.append("| figure | events/s | ÷ native |\n|---|---:|---:|\n");
    row(out, SerializedResults.NATIVE_NEW, r.saves().get(SerializedResults.NATIVE_NEW), null);
    row(
        out,
        SerializedResults.SERIALIZED_NEW,
        r.saves().get(SerializedResults.SERIALIZED_NEW),
        r.saves().get(SerializedResults.NATIVE_NEW));
    row(out, SerializedResults.NATIVE_UPDATE, r.saves().get(SerializedResults.NATIVE_UPDATE), null);
    row(
        out,
        SerializedResults.SERIALIZED_UPDATE,
        r.saves().get(SerializedResults.SERIALIZED_UPDATE),
        r.saves().get(SerializedResults.NATIVE_UPDATE));
    double nativeAll = r.reads().get(SerializedResults.NATIVE_ALL);
    row(out, SerializedResults.NATIVE_ALL + " (read)", nativeAll, null);
    row(
        out,
        SerializedResults.FEED_ALL + " (read)",
        r.reads().get(SerializedResults.FEED_ALL),
        nativeAll);
    row(
        out,
        SerializedResults.FEED_TYPE + " (read)",
        r.reads().get(SerializedResults.FEED_TYPE),
        nativeAll);
    out.append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "Projection lag (set and inc handlers), save answered → document shows it, %s samples"
                + " while %d other writers save: p50 %s µs, p99 %s µs, max %s µs.%n",
            Fmt.count(r.lag().count()),
            Math.max(1, o.threads() - 1),
            Fmt.micros(r.lag().p50()),
            Fmt.micros(r.lag().p99()),
            Fmt.micros(r.lag().max())));
    return out.toString();
  }

  private static void row(StringBuilder out, String figure, double rate, Double baseline) {
    out.append("| ")
        .append(figure)
        .append(" | ")
        .append(Fmt.rate(rate))
        .append(" | ")
        .append(baseline == null ? "" : Fmt.ratio(rate, baseline))
        .append(" |\n");
  }
}
