package dev.factum.engine;

import java.util.concurrent.LinkedBlockingQueue;

/**
 * Runs the writer's completion work on a thread of its own, in submission order. Completing a
 * batch's futures wakes one waiting caller per append, which costs the waking thread a system call
 * each; moving that off the writer lets it start the next batch while the callers are woken.
 *
 * <p>Unbounded on purpose: the writer submits one task per batch, and batches are bounded by the
 * write queue, so the backlog cannot outgrow what the queue already admitted.
 */
final class Completer {
  private static final Runnable STOP = () -> {};

  private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private final Thread thread;

  Completer(String name) {
    this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  void submit(Runnable task) {
    tasks.add(task);
  }

  boolean isThread(Thread candidate) {
    return candidate == thread;
  }

  /** Runs everything submitted so far, then ends the thread; waits for it. */
  void finish() {
    tasks.add(STOP);
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    while (true) {
      Runnable task;
      try {
        task = tasks.take();
      } catch (InterruptedException e) {
        continue; // only finish() ends this thread, so that no completion is ever dropped
      }
      if (task == STOP) {
        return;
      }
      try {
        task.run();
      } catch (RuntimeException callbackFailure) {
        // A caller's callback threw; the remaining completions must still happen.
      }
    }
  }
}
