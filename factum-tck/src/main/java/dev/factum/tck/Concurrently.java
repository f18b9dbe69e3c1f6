package dev.factum.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs the same body on several threads at once and waits for all, rethrowing a failure. */
public final class Concurrently {
  /** One worker's body; {@code worker} is its index from 0. */
  @FunctionalInterface
  public interface Worker {
    void run(int worker) throws Exception;
  }

  private Concurrently() {}

  public static void run(int workers, Worker body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int worker = w;
        done.add(
            pool.submit(
                () -> {
                  body.run(worker);
                  return null;
                }));
      }
      for (Future<?> future : done) {
        try {
          future.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Exception cause) {
            throw cause;
          }
          throw e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
