package dev.factum.bench.http;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Closes a blocking resource (an event stream being read) if it is still in use after a timeout, so
 * a server that stops sending fails the run instead of hanging it. Closing the watchdog first, the
 * normal case, disarms it.
 */
final class Watchdog implements AutoCloseable {
  private final CountDownLatch disarmed = new CountDownLatch(1);
  private volatile boolean fired;

  Watchdog(String name, Duration timeout, Closeable resource) {
    Thread.ofPlatform()
        .daemon()
        .name(name + "-watchdog")
        .start(
            () -> {
              try {
                if (!disarmed.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                  fired = true;
                  resource.close();
                }
              } catch (InterruptedException | IOException ignored) {
                // nothing more a watchdog can do
              }
            });
  }

  /** Whether the timeout passed and the resource was closed by the watchdog. */
  boolean fired() {
    return fired;
  }

  /** Disarms the watchdog; its (daemon) thread ends on its own. */
  @Override
  public void close() {
    disarmed.countDown();
  }
}
