package dev.factum.tck.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Collects the operations of many concurrent clients into one history.
 *
 * <p>Clients take {@link #now()} just before sending a request and just after the whole answer
 * arrived, and {@link #record} the operation; the recorder only gathers (lock-free), it never
 * orders or interprets. Times come from one clock ({@link System#nanoTime()}) in one JVM, so they
 * are comparable across clients even when the requests went to different servers.
 */
public final class HistoryRecorder {
  private final ConcurrentLinkedQueue<Operation> operations = new ConcurrentLinkedQueue<>();

  public static long now() {
    return System.nanoTime();
  }

  public void record(Operation operation) {
    if (operation.completedAt() < operation.invokedAt()) {
      throw new IllegalArgumentException("completed before invoked: " + operation);
    }
    operations.add(operation);
  }

  /** The operations so far, by invocation time. */
  public List<Operation> history() {
    List<Operation> history = new ArrayList<>(operations);
    history.sort(Comparator.comparingLong(Operation::invokedAt));
    return history;
  }
}
