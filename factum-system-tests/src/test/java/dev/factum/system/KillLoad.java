package dev.factum.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.system.ReferenceRecord.Ack;
import dev.factum.system.ReferenceRecord.Append;
import dev.factum.system.ReferenceRecord.Part;
import dev.factum.system.ReferenceRecord.SentEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent HTTP writers for the kill -9 test: every append entered in the {@link ReferenceRecord}
 * before it is sent, its reply recorded.
 *
 * <p>Design note: the load mixes what the promises are about. Each writer owns a few streams and
 * appends to them with <em>exact</em> expected revisions (starting from the heads the last audit
 * found, so recovered heads are exercised after every restart); all writers share a few hot streams
 * appended to with {@code any}; a quarter of the appends are multi-stream ({@code POST /append})
 * across an owned and a hot stream, sometimes two owned ones. Since no one else writes an owned
 * stream, a conflict there is a broken promise (a lost or invented head), recorded in {@link
 * #failures}. A writer stops at its first connection failure (the server was killed) or 5xx (it
 * promises nothing), leaving that append {@code UNKNOWN}. Only a kill explains either: the harness
 * opens the kill window ({@link #killWindowOpens()}) before it kills anything, and a 5xx (503
 * {@code overloaded} included) or a broken connection seen before then is a failure, with a bound
 * of zero.
 */
final class KillLoad {
  static final int OWNED_STREAMS = 3;
  static final int HOT_STREAMS = 6;

  final List<String> failures = new CopyOnWriteArrayList<>();
  final AtomicLong acknowledged = new AtomicLong();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  private final ServerProcess server;
  private final ReferenceRecord record;
  private final String tag;
  private volatile boolean killWindow;

  /**
   * Starts {@code writers} writers; {@code heads} maps streams to their last revision (from the
   * previous audit); {@code tag} names this store's streams.
   */
  KillLoad(
      ServerProcess server,
      ReferenceRecord record,
      Map<String, Long> heads,
      String tag,
      int writers,
      long seed) {
    this.server = server;
    this.record = record;
    this.tag = tag;
    for (int w = 0; w < writers; w++) {
      int writer = w;
      long[] known = new long[OWNED_STREAMS];
      for (int k = 0; k < OWNED_STREAMS; k++) {
        known[k] = heads.getOrDefault(owned(writer, k), -1L);
      }
      SplittableRandom random = new SplittableRandom(seed + w);
      threads.add(Thread.ofPlatform().start(() -> run(writer, known, random)));
    }
  }

  private String owned(int writer, int k) {
    return "own-" + tag + "-" + writer + "-" + k;
  }

  /** From now on a failed request may be the kill's doing. */
  void killWindowOpens() {
    killWindow = true;
  }

  private void unexplainedUnlessKilling(Append append, String what) {
    if (!killWindow) {
      failures.add(append + ": " + what + " before any kill (the bound is zero)");
    }
  }

  void awaitEnd() throws InterruptedException {
    stop.set(true);
    for (Thread thread : threads) {
      thread.join();
    }
  }

  private void run(int writer, long[] known, SplittableRandom random) {
    while (!stop.get()) {
      long number = record.nextNumber();
      List<Part> parts = new ArrayList<>();
      List<Integer> ownedSlots = new ArrayList<>();
      // Out of 20: 11 one owned stream (exact), 4 one hot stream (any), 3 owned + hot and
      // 2 owned + hot + the next owned stream (multi-stream POST /append).
      int kind = random.nextInt(20);
      int[] index = {0};
      if (kind < 11 || kind >= 15) {
        int slot = random.nextInt(OWNED_STREAMS);
        ownedSlots.add(slot);
        parts.add(part(owned(writer, slot), expected(known[slot]), number, index, random));
      }
      if (kind >= 11) {
        String hot = "hot-" + tag + "-" + random.nextInt(HOT_STREAMS);
        parts.add(part(hot, "any", number, index, random));
      }
      if (kind >= 18) {
        int slot = (ownedSlots.getFirst() + 1) % OWNED_STREAMS;
        ownedSlots.add(slot);
        parts.add(part(owned(writer, slot), expected(known[slot]), number, index, random));
      }
      boolean multi = parts.size() > 1;
      Append append = record.enter(number, parts, multi);
      ServerProcess.Reply reply;
      try {
        reply =
            multi
                ? server.post("/append", multiBody(parts))
                : server.post(
                    "/streams/" + parts.getFirst().stream(), singleBody(parts.getFirst()));
      } catch (IOException | InterruptedException gone) {
        append.unknown();
        unexplainedUnlessKilling(append, "the connection failed (" + gone + ")");
        return;
      }
      if (!handle(append, reply, known, ownedSlots)) {
        return;
      }
    }
  }

  /** Records the reply; false when the writer must stop. */
  private boolean handle(
      Append append, ServerProcess.Reply reply, long[] known, List<Integer> ownedSlots) {
    try {
      if (reply.status() == 200) {
        JsonNode body = reply.json();
        List<Ack> acks = new ArrayList<>();
        for (JsonNode result : append.multiStream ? body.get("results") : List.of(body)) {
          acks.add(
              new Ack(result.get("firstRevision").asLong(), result.get("firstPosition").asLong()));
        }
        append.acknowledged(acks);
        int owned = 0;
        for (int p = 0; p < append.parts.size(); p++) {
          Part part = append.parts.get(p);
          if (part.exact()) {
            known[ownedSlots.get(owned++)] = acks.get(p).firstRevision() + part.events().size() - 1;
          }
        }
        acknowledged.incrementAndGet();
        return true;
      }
      String code = reply.status() >= 400 ? reply.json().path("code").asText() : "";
      if (reply.status() == 503 && code.equals("overloaded")) {
        append.rejected();
        unexplainedUnlessKilling(append, "answered 503 overloaded");
        Thread.sleep(5);
        return true;
      }
      if (reply.status() >= 500) {
        append.unknown();
        unexplainedUnlessKilling(append, "answered " + reply.status() + ": " + reply.body());
        return false;
      }
      append.rejected();
      failures.add(append + " answered " + reply.status() + ": " + reply.body());
      return false;
    } catch (IOException | InterruptedException | RuntimeException e) {
      append.unknown();
      failures.add(append + ": could not read the reply " + reply + ": " + e);
      return false;
    }
  }

  private static String expected(long revision) {
    return revision < 0 ? "no_stream" : Long.toString(revision);
  }

  private Part part(
      String stream, String expected, long number, int[] index, SplittableRandom random) {
    List<SentEvent> events = new ArrayList<>();
    int count = 1 + random.nextInt(3);
    for (int e = 0; e < count; e++) {
      int i = index[0]++;
      String data =
          "{\"a\":"
              + number
              + ",\"e\":"
              + i
              + ",\"text\":\""
              + "abcdefghij".repeat(random.nextInt(12))
              + (random.nextInt(4) == 0 ? "é€😀\\n\\\"" : "")
              + "\",\"n\":"
              + random.nextLong()
              + "}";
      events.add(new SentEvent(record.eventId(number, i), "Kill" + random.nextInt(3), data));
    }
    return new Part(stream, expected, events);
  }

  private static String expectedJson(Part part) {
    return part.exact() && !part.expected().equals("no_stream")
        ? part.expected()
        : "\"" + part.expected() + "\"";
  }

  private static StringBuilder events(StringBuilder body, Part part) {
    body.append("\"events\":[");
    for (int e = 0; e < part.events().size(); e++) {
      SentEvent event = part.events().get(e);
      body.append(e == 0 ? "" : ",")
          .append("{\"id\":\"")
          .append(event.id())
          .append("\",\"type\":\"")
          .append(event.type())
          .append("\",\"data\":")
          .append(event.data())
          .append('}');
    }
    return body.append(']');
  }

  private static String singleBody(Part part) {
    StringBuilder body =
        new StringBuilder("{\"expectedRevision\":").append(expectedJson(part)).append(',');
    return events(body, part).append('}').toString();
  }

  private static String multiBody(List<Part> parts) {
    StringBuilder body = new StringBuilder("{\"appends\":[");
    for (int p = 0; p < parts.size(); p++) {
      Part part = parts.get(p);
      body.append(p == 0 ? "" : ",")
          .append("{\"stream\":\"")
          .append(part.stream())
          .append("\",\"expectedRevision\":")
          .append(expectedJson(part))
          .append(',');
      events(body, part).append('}');
    }
    return body.append("]}").toString();
  }
}
