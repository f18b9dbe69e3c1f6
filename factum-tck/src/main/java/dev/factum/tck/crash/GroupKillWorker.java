package dev.factum.tck.crash;

import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.FactumException;
import dev.factum.api.NotDeliveredException;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.groups.Delivery;
import dev.factum.engine.FactumStore;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the process that {@link GroupKillHarness} kills does, on any storage: each of several
 * consumer threads of group {@code g} polls, and handles an event by its stream: streams {@code
 * in-E...} (even) write one output event with the ack-append, {@code in-O...} (odd) ack plainly,
 * and events of type {@code Poison} are parked. Journal lines, each written before the next step:
 * {@code GOT pos stream rev consumer}; {@code HANDLING pos} just before the ack, ack-append or park
 * (a kill may land after the call took effect and before its outcome is journaled); then {@code
 * APPENDED pos}, {@code ACKED pos} or {@code PARKED pos} once the call returned, {@code LATE pos}
 * for an ack-append refused because the delivery timed out meanwhile, {@code UNEXPECTED ...} on any
 * failure the run should never meet. A storage's child process opens its store and calls {@link
 * #run}.
 */
public final class GroupKillWorker {
  private final OutputStream journal;

  private GroupKillWorker(OutputStream journal) {
    this.journal = journal;
  }

  /** Writes {@code READY}, then consumes with {@code consumers} threads until killed. */
  public static void run(FactumStore store, Path journalFile, int consumers)
      throws IOException, InterruptedException {
    try (OutputStream out = new FileOutputStream(journalFile.toFile(), true)) {
      GroupKillWorker worker = new GroupKillWorker(out);
      worker.line("READY");
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < consumers; c++) {
        String consumer = "c" + c;
        threads.add(Thread.ofPlatform().start(() -> worker.consume(store, consumer)));
      }
      for (Thread thread : threads) {
        thread.join();
      }
    }
  }

  private void consume(FactumStore store, String consumer) {
    ConsumerGroups groups = store.consumerGroups();
    while (true) {
      try {
        for (Delivery d : groups.poll("g", consumer, 5, Duration.ofSeconds(1))) {
          long p = d.position();
          line("GOT " + p + " " + d.event().stream() + " " + d.event().revision() + " " + consumer);
          line("HANDLING " + p);
          if (d.event().type().equals("Poison")) {
            groups.park("g", consumer, p, "poison");
            line("PARKED " + p);
          } else if (d.event().stream().startsWith("in-E")) {
            appendOutput(groups, consumer, d);
          } else {
            groups.ack("g", consumer, p);
            line("ACKED " + p);
          }
        }
      } catch (FactumException e) {
        line("UNEXPECTED " + consumer + " " + e.code() + " " + e.getMessage());
        return;
      }
    }
  }

  private void appendOutput(ConsumerGroups groups, String consumer, Delivery d) {
    String output = "{\"input\":" + d.position() + "}";
    try {
      groups.appendAndAck(
          "g",
          consumer,
          List.of(d.position()),
          new AppendRequest(
              "out-" + d.event().stream(),
              ExpectedRevision.any(),
              List.of(EventData.json("Out", output))));
      line("APPENDED " + d.position());
    } catch (NotDeliveredException late) {
      line("LATE " + d.position()); // timed out meanwhile: nothing written
    }
  }

  private void line(String line) {
    write(line + "\n");
  }

  private synchronized void write(String lines) {
    try {
      journal.write(lines.getBytes(StandardCharsets.UTF_8));
      journal.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
