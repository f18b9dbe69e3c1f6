package dev.factum.engine;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the writer: batches, commands and events committed, and time spent committing. */
public final class PipelineStats {
  private final LongAdder batches = new LongAdder();
  private final LongAdder commands = new LongAdder();
  private final LongAdder events = new LongAdder();
  private final LongAdder commitNanos = new LongAdder();

  void recordBatch(int commandCount, int eventCount, long nanos) {
    batches.increment();
    commands.add(commandCount);
    events.add(eventCount);
    commitNanos.add(nanos);
  }

  public long batches() {
    return batches.sum();
  }

  public long commands() {
    return commands.sum();
  }

  public long events() {
    return events.sum();
  }

  public long commitNanos() {
    return commitNanos.sum();
  }
}
