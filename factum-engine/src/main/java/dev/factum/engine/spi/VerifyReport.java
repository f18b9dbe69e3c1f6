package dev.factum.engine.spi;

import java.util.List;

/**
 * The outcome of a full check of a store: how much was read and every problem found (capped at a
 * few hundred; {@code problemCount} is the real number), chain problems included.
 *
 * @param chain what was found of the hash chain, or null for a storage that keeps none
 */
public record VerifyReport(
    long events,
    long streams,
    long indexEntries,
    long problemCount,
    List<String> problems,
    ChainCheck chain) {
  public VerifyReport {
    problems = List.copyOf(problems);
  }

  /** A report of a storage without a hash chain. */
  public VerifyReport(
      long events, long streams, long indexEntries, long problemCount, List<String> problems) {
    this(events, streams, indexEntries, problemCount, problems, null);
  }

  public boolean ok() {
    return problemCount == 0;
  }

  @Override
  public String toString() {
    return (ok() ? "OK: " : "DAMAGED (" + problemCount + " problems): ")
        + events
        + " events, "
        + streams
        + " streams, "
        + indexEntries
        + " index entries"
        + (chain == null ? "" : "; " + chain)
        + (problems.isEmpty() ? "" : "\n  " + String.join("\n  ", problems));
  }
}
