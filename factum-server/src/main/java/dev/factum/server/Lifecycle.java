package dev.factum.server;

import dev.factum.api.StoreClosedException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server's life: exchanges in flight, the open SSE sessions, and the drain at shutdown.
 *
 * <p>What must stay true: once {@link #shutdown} has begun, every SSE session open or opening is
 * ended (a session is registered before the shutdown check, so one starting in between is still
 * ended) and no new one runs; {@link #awaitIdle} returns once no exchange is in flight or the grace
 * period has passed, whichever is first. It waits on a lock, not a monitor, so a virtual thread
 * never pins while waiting.
 */
final class Lifecycle {
  private final Set<SseSession> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ReentrantLock idleLock = new ReentrantLock();
  private final Condition idle = idleLock.newCondition();
  private volatile boolean shuttingDown;

  void enter() {
    inFlight.incrementAndGet();
  }

  void exit() {
    if (inFlight.decrementAndGet() == 0) {
      idleLock.lock();
      try {
        idle.signalAll();
      } finally {
        idleLock.unlock();
      }
    }
  }

  boolean shuttingDown() {
    return shuttingDown;
  }

  /** Runs {@code session} as a registered session, so that {@link #shutdown} can end it. */
  void run(SseSession session, Metrics metrics, SessionBody body) throws Exception {
    sessions.add(session);
    metrics.sseOpened();
    try {
      if (shuttingDown) {
        throw new StoreClosedException("the server is shutting down");
      }
      body.run();
    } finally {
      sessions.remove(session);
      metrics.sseClosed();
    }
  }

  /** What a registered session does while it is open. */
  @FunctionalInterface
  interface SessionBody {
    void run() throws Exception;
  }

  /** Ends every open SSE connection and lets long polls return; new ones are refused. */
  void shutdown() {
    shuttingDown = true;
    for (SseSession session : sessions) {
      session.end();
    }
  }

  /** Ends every open SSE connection opened with the key {@code keyId} (it was revoked). */
  void endSessionsOf(String keyId) {
    for (SseSession session : sessions) {
      if (session.keyId().equals(keyId)) {
        session.end();
      }
    }
  }

  /** Waits until no exchange is being handled, or the grace period has passed. */
  void awaitIdle(Duration grace) {
    long left = grace.toNanos();
    idleLock.lock();
    try {
      while (inFlight.get() > 0 && left > 0) {
        left = idle.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      idleLock.unlock();
    }
  }
}
