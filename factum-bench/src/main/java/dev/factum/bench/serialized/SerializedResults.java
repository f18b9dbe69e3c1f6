package dev.factum.bench.serialized;

import dev.factum.bench.load.LatencySummary;
import java.util.Map;

/**
 * The figures of one {@code bin/bench serialized} run.
 *
 * @param saves events/s by figure name ({@link #NATIVE_NEW} and the other save names)
 * @param reads events/s by figure name ({@link #NATIVE_ALL}, {@link #FEED_ALL}, {@link #FEED_TYPE})
 * @param lag from a save's answer to the projection document showing it
 */
record SerializedResults(
    SerializedOptions options,
    Map<String, Double> saves,
    Map<String, Double> reads,
    LatencySummary lag,
    long elapsedMillis) {
  static final String NATIVE_NEW = "native append, new stream";
  static final String SERIALIZED_NEW = "Serialized save, new aggregate";
  static final String NATIVE_UPDATE = "native append, expectedRevision";
  static final String SERIALIZED_UPDATE = "Serialized save, expectedVersion";
  static final String NATIVE_ALL = "native /all";
  static final String FEED_ALL = "feed _all";
  static final String FEED_TYPE = "feed of one aggregate type";
}
