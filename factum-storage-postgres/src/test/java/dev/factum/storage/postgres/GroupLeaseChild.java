package dev.factum.storage.postgres;

import dev.factum.api.groups.Delivery;
import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The server process that {@link GroupLeaseCrashTest} kills: a store on the test's database, with
 * consumers of group {@code g} ({@link GroupWorker}), printing {@code READY} once open and {@code
 * APPENDED position} after each ack-append that returned, {@code REFUSED position} after one
 * refused with {@code not-delivered}.
 *
 * <p>Arguments: JDBC URL, user, password, consumer count, lease in milliseconds.
 */
public final class GroupLeaseChild {
  private GroupLeaseChild() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PostgresConfig config = PostgresConfig.of(args[0], args[1], args[2]).withPoolSize(4);
    FactumStore store =
        PostgresEventStore.open(
            config,
            StoreOptions.DEFAULT.withGroupLease(Duration.ofMillis(Long.parseLong(args[4]))));
    out.println("READY");
    GroupWorker.Observer journal =
        new GroupWorker.Observer() {
          @Override
          public void delivered(Delivery delivery) {}

          @Override
          public void appended(Delivery delivery) {
            synchronized (out) {
              out.println("APPENDED " + delivery.position());
            }
          }

          @Override
          public void refused(Delivery delivery) {
            synchronized (out) {
              out.println("REFUSED " + delivery.position());
            }
          }
        };
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < Integer.parseInt(args[3]); c++) {
      String consumer = "child-" + c;
      threads.add(
          Thread.ofPlatform()
              .start(() -> GroupWorker.consume(store, consumer, () -> true, journal)));
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }
}
