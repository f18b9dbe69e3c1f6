package dev.factum.engine;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets the writer of a shared storage wait a moment before gathering a batch, so that the callers
 * whose appends just completed can join it.
 *
 * <p>Why: a commit to a shared storage (PostgreSQL) costs a millisecond or more, all of it under
 * the global commit lock. With W closed-loop writers, the callers completed by one batch resubmit a
 * little after the writer has already gathered the next batch from what was queued meanwhile; the
 * writers split into two groups that alternate, and each commit carries only about W/2 appends.
 * Waiting for the group that was just completed (bounded by a fraction of the last batch's time)
 * lets one commit carry all W. Kafka's producer does the same with {@code linger.ms}; here the wait
 * is adaptive and off for light load.
 *
 * <p>What must stay true: the wait is bounded ({@link #MAX_WAIT_NANOS}, and half the last batch's
 * duration), happens only after batches of at least {@link #MIN_COMMANDS} commands (a lone writer
 * never waits), and ends as soon as the expected callers are back. It changes only how commands are
 * grouped, never their order or outcome. Used by the writer thread only.
 */
final class BatchLinger {
  static final int MIN_COMMANDS = 4;
  static final long MAX_WAIT_NANOS = 2_000_000;
  private static final long PARK_NANOS = 20_000;

  private int lastCommands;
  private long lastBatchNanos;
  private int queuedAtCompletion;

  /** A batch of {@code commands} took {@code nanos}; {@code queued} were waiting when it ended. */
  void batchDone(int commands, long nanos, int queued) {
    lastCommands = commands;
    lastBatchNanos = nanos;
    queuedAtCompletion = queued;
  }

  /**
   * Waits until the callers of the last batch are probably back in {@code queue} (the first command
   * of the next batch already taken), or the bound passes.
   */
  void await(BlockingQueue<?> queue) {
    if (lastCommands < MIN_COMMANDS) {
      return;
    }
    int expected = queuedAtCompletion + lastCommands;
    long deadline = System.nanoTime() + Math.min(MAX_WAIT_NANOS, lastBatchNanos / 2);
    while (queue.size() + 1 < expected && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(PARK_NANOS);
    }
  }
}
