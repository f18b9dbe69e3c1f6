package dev.factum.storage.postgres;

import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.FactumException;
import dev.factum.api.NotDeliveredException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.groups.Delivery;
import dev.factum.engine.FactumStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A consumer of group {@code g} over streams {@code in-K}: each delivered event gets one output
 * event in {@code out-K}, written with the ack-append ({@code {"in": position, "rev": revision}}),
 * so the outputs are the whole history: {@link #check} reads them back and finds each stream's
 * inputs there once each, in revision order, with none missing.
 */
final class GroupWorker {
  /** Sees each delivery before it is handled and each ack-append after it committed. */
  interface Observer {
    void delivered(Delivery delivery);

    void appended(Delivery delivery);

    /** The ack-append was refused: the event is handed out again (here or elsewhere). */
    default void refused(Delivery delivery) {}
  }

  static final Observer NONE =
      new Observer() {
        @Override
        public void delivered(Delivery delivery) {}

        @Override
        public void appended(Delivery delivery) {}
      };

  private GroupWorker() {}

  static void consume(
      FactumStore store, String consumer, BooleanSupplier running, Observer observer) {
    while (running.getAsBoolean()) {
      List<Delivery> got;
      try {
        got = store.consumerGroups().poll("g", consumer, 5, Duration.ofMillis(200));
      } catch (StoreClosedException closing) {
        return;
      } catch (FactumException failed) {
        continue; // e.g. the database session ended under a paused process: poll again
      }
      for (Delivery d : got) {
        observer.delivered(d);
        RecordedEvent in = d.event();
        String body = "{\"in\":" + in.position() + ",\"rev\":" + in.revision() + "}";
        AppendRequest output =
            new AppendRequest(
                "out-" + in.stream().substring(3),
                ExpectedRevision.any(),
                List.of(EventData.json("Out", body)));
        try {
          store.consumerGroups().appendAndAck("g", consumer, List.of(in.position()), output);
          observer.appended(d);
        } catch (NotDeliveredException movedAway) {
          // the partition moved to another server (or timed out): it hands the event out again
          observer.refused(d);
        } catch (StoreClosedException closing) {
          return;
        } catch (FactumException failed) {
          // an unknown outcome (the session ended): the event is handed out again, or was acked
          observer.refused(d);
        }
      }
    }
  }

  /**
   * Checks the outputs of {@code streams} streams of {@code perStream} inputs each: {@code out-K}
   * holds revisions 0..perStream-1 of {@code in-K}, once each, in order. Returns the problems.
   */
  static List<String> check(FactumStore store, int streams, int perStream) {
    List<String> problems = new ArrayList<>();
    for (int k = 0; k < streams; k++) {
      List<Long> revisions = new ArrayList<>();
      long from = 0;
      while (true) {
        List<RecordedEvent> page;
        try {
          page = store.readStream("out-" + k, from, Direction.FORWARD, 1000).events();
        } catch (StreamNotFoundException none) {
          page = List.of();
        }
        for (RecordedEvent out : page) {
          String text = new String(out.data(), StandardCharsets.UTF_8);
          long rev =
              Long.parseLong(text.substring(text.indexOf("\"rev\":") + 6, text.length() - 1));
          revisions.add(rev);
        }
        if (page.size() < 1000) {
          break;
        }
        from += page.size();
      }
      for (int r = 0; r < revisions.size(); r++) {
        if (revisions.get(r) != r) {
          problems.add("out-" + k + " holds " + revisions + ", not 0.." + (perStream - 1));
          break;
        }
      }
      if (revisions.size() != perStream) {
        problems.add("out-" + k + " holds " + revisions.size() + " outputs, not " + perStream);
      }
    }
    return problems;
  }
}
