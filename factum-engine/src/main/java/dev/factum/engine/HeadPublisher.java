package dev.factum.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The newest position readers may see, and a way to wait for it to move.
 *
 * <p>Only positions that are durable are published: by the writer after each commit, and for a
 * {@link dev.factum.engine.spi.SharedStorage} also by the storage's watcher of other processes'
 * commits. The head only moves forward, whoever publishes and in whatever order. Readers bound
 * every read by {@link #head()}, which is how "once a reader has observed position p, no event
 * below p can appear later" holds: everything up to a published head is already committed.
 */
final class HeadPublisher {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Condition nudged = lock.newCondition(); // head moved, or nudge(): the group feeder
  private long nudges; // guarded by lock
  private volatile long head;
  private volatile boolean stopped;

  HeadPublisher(long initialHead) {
    this.head = initialHead;
  }

  long head() {
    return head;
  }

  boolean isStopped() {
    return stopped;
  }

  void publish(long newHead) {
    lock.lock();
    try {
      if (newHead > head) {
        head = newHead;
        changed.signalAll();
        nudged.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** How many threads are parked in {@link #awaitBeyond} right now. */
  int waiters() {
    lock.lock();
    try {
      return lock.getWaitQueueLength(changed);
    } finally {
      lock.unlock();
    }
  }

  /** No more heads will be published; wakes every waiter. */
  void stop() {
    stopped = true;
    signal();
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
      nudged.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the head moves past {@code seen}, the publisher stops, or the timeout passes.
   *
   * @return whether the head moved
   */
  boolean awaitBeyond(long seen, long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      while (head <= seen && !stopped && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      return head > seen;
    } finally {
      lock.unlock();
    }
  }

  /** How many times {@link #nudge} was called; pass it to {@link #awaitBeyondOrNudge}. */
  long nudges() {
    lock.lock();
    try {
      return nudges;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Wakes the waiters of {@link #awaitBeyondOrNudge} without moving the head (the consumer groups'
   * feeder, when a group's buffer has room again); waiters of {@link #awaitBeyond} sleep on.
   */
  void nudge() {
    lock.lock();
    try {
      nudges++;
      nudged.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@link #awaitBeyond}, also ending when {@link #nudge} was called since {@code nudgesSeen} (as
   * {@link #nudges} returned it).
   */
  void awaitBeyondOrNudge(long seen, long nudgesSeen, long timeout, TimeUnit unit)
      throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      while (head <= seen && nudges == nudgesSeen && !stopped && nanos > 0) {
        nanos = nudged.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }
}
