package dev.factum.engine.spi;

import java.util.List;

/**
 * The outcome of a full check of a store: how much was read and every problem found (capped at a
 * few hundred; {@code problemCount} is the real number).
 */
public record VerifyReport(
    long events, long streams, long indexEntries, long problemCount, List<String> problems) {
  public VerifyReport {
    problems = List.copyOf(problems);
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
        + (problems.isEmpty() ? "" : "\n  " + String.join("\n  ", problems));
  }
}
