package dev.factum.engine;

/**
 * Counters of the writer: batches, commands and events committed, and time spent committing.
 *
 * <p>Only the writer thread records, one batch at a time, by publishing a new immutable {@link
 * Snapshot}; a reader that takes one {@link #snapshot()} therefore sees counts that belong together
 * (never a batch counted without its events), which ratios such as events per batch need.
 */
public final class PipelineStats {
  /** The counters as of one moment. */
  public record Snapshot(long batches, long commands, long events, long commitNanos) {
    Snapshot plus(int commandCount, int eventCount, long nanos) {
      return new Snapshot(
          batches + 1, commands + commandCount, events + eventCount, commitNanos + nanos);
    }
  }

  private volatile Snapshot current = new Snapshot(0, 0, 0, 0);

  void recordBatch(int commandCount, int eventCount, long nanos) {
    current = current.plus(commandCount, eventCount, nanos); // the writer thread only
  }

  public Snapshot snapshot() {
    return current;
  }

  public long batches() {
    return current.batches();
  }

  public long commands() {
    return current.commands();
  }

  public long events() {
    return current.events();
  }

  public long commitNanos() {
    return current.commitNanos();
  }
}
