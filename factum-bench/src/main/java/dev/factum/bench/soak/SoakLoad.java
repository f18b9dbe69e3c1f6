package dev.factum.bench.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.factum.api.AppendResult;
import dev.factum.bench.http.HttpClientKind;
import dev.factum.bench.http.HttpConnection;
import dev.factum.bench.http.HttpReply;
import dev.factum.bench.http.SseReader;
import dev.factum.bench.http.StreamPageCheck;
import dev.factum.wire.AppendResultJson;
import dev.factum.wire.ServiceRootJson;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak's mixed load against one server: writers, stream loaders and subscribers that join and
 * leave, each on its own platform thread, each checking what it gets back.
 *
 * <p>Design note: every answer is checked, so that "zero errors" means something. Writers own their
 * streams and append with exact expected revisions (single-stream {@code POST /streams/{s}} and
 * two-stream {@code POST /append}), so any conflict is an error: the server lost track of a head. A
 * stream moves to a fresh name after {@link #ROTATE_AT} events, which keeps entity loads realistic
 * (whole streams of a few hundred events) and the number of streams growing, as in a real store.
 * Loaders read a whole stream and check it is revisions {@code 0..n-1} with at least every
 * acknowledged event. Subscribers open {@code /all/events} just behind the head (and check the
 * positions they receive are consecutive) or a stream's feed from its start (positions increasing),
 * stay a random 0.5 to 4 s and hang up, so the server keeps creating and tearing down
 * subscriptions. An error is counted and its first lines kept; the load goes on. Nothing is killed
 * in a soak, so nothing explains a failed request: every answer but the expected one (any 5xx
 * included), every broken connection and every {@code error} event of a feed is an error, and the
 * run passes only with none ({@link SoakRun.Result#passed()}).
 */
final class SoakLoad {
  static final int STREAMS_PER_WRITER = 32;
  static final int ROTATE_AT = 300;
  private static final int KEPT_ERRORS = 20;
  private static final ObjectMapper JSON = WireJson.mapper();

  /** A writer slot's current stream and the revision of its last acknowledged event. */
  record Head(String stream, long revision) {}

  final LongAdder appends = new LongAdder();
  final LongAdder events = new LongAdder();
  final LongAdder loads = new LongAdder();
  final LongAdder subscriptionsOpened = new LongAdder();
  final LongAdder subscriptionsClosed = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final AtomicLong errors = new AtomicLong();
  final ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();

  private final HttpClientKind.Connector connector;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  private final List<AtomicReferenceArray<Head>> heads = new ArrayList<>();
  private final long seed;

  SoakLoad(HttpClientKind.Connector connector, long seed) {
    this.connector = connector;
    this.seed = seed;
  }

  void start(SoakOptions options) {
    for (int w = 0; w < options.writers(); w++) {
      AtomicReferenceArray<Head> slots = new AtomicReferenceArray<>(STREAMS_PER_WRITER);
      for (int k = 0; k < STREAMS_PER_WRITER; k++) {
        slots.set(k, new Head(streamName(w, 0, k), -1));
      }
      heads.add(slots);
    }
    for (int w = 0; w < options.writers(); w++) {
      int writer = w;
      threads.add(Thread.ofPlatform().name("soak-writer-" + w).start(() -> write(writer)));
    }
    for (int r = 0; r < options.readers(); r++) {
      int reader = r;
      threads.add(Thread.ofPlatform().name("soak-reader-" + r).start(() -> load(reader)));
    }
    for (int s = 0; s < options.subscribers(); s++) {
      int subscriber = s;
      threads.add(
          Thread.ofPlatform().name("soak-subscriber-" + s).start(() -> subscribe(subscriber)));
    }
  }

  void stop() throws InterruptedException {
    stop.set(true);
    for (Thread thread : threads) {
      thread.join();
    }
  }

  private static String streamName(int writer, int generation, int slot) {
    return "soak-w" + writer + "g" + generation + "s" + slot;
  }

  private void error(String what) {
    if (errors.incrementAndGet() <= KEPT_ERRORS) {
      firstErrors.add(what);
    }
  }

  // ---- writers ----

  private void write(int writer) {
    SplittableRandom random = new SplittableRandom(seed * 31 + writer);
    AtomicReferenceArray<Head> slots = heads.get(writer);
    int[] generation = new int[STREAMS_PER_WRITER];
    try (HttpConnection http = connector.connect()) {
      for (long n = 0; !stop.get(); n++) {
        int a = random.nextInt(STREAMS_PER_WRITER);
        int b = (a + 1) % STREAMS_PER_WRITER;
        boolean two = random.nextInt(4) == 0;
        for (int slot : two ? new int[] {a, b} : new int[] {a}) {
          if (slots.get(slot).revision() >= ROTATE_AT) {
            generation[slot]++;
            slots.set(slot, new Head(streamName(writer, generation[slot], slot), -1));
          }
        }
        try {
          if (two) {
            appendTwo(http, slots, a, b, writer, n, random);
          } else {
            appendOne(http, slots, a, writer, n, random);
          }
        } catch (IOException | RuntimeException e) {
          error("writer " + writer + ": " + e);
        }
      }
    } catch (IOException e) {
      error("writer " + writer + " connection: " + e);
    }
  }

  private void appendOne(
      HttpConnection http,
      AtomicReferenceArray<Head> slots,
      int slot,
      int writer,
      long n,
      SplittableRandom random)
      throws IOException {
    Head head = slots.get(slot);
    int count = 1 + random.nextInt(3);
    StringBuilder body = new StringBuilder(512).append("{\"expectedRevision\":");
    expected(body, head.revision()).append(",\"events\":");
    events(body, writer, n, count, random).append('}');
    HttpReply reply =
        http.send(
            "POST", "/streams/" + head.stream(), body.toString().getBytes(StandardCharsets.UTF_8));
    if (reply.status() != 200) {
      error("append to " + head.stream() + " answered " + reply.status() + ": " + text(reply));
      return;
    }
    AppendResult result = AppendResultJson.read(head.stream(), JSON.readTree(reply.body()));
    checkRevisions(head, count, result);
    slots.set(slot, new Head(head.stream(), result.nextExpectedRevision()));
    appends.increment();
    events.add(count);
  }

  private void appendTwo(
      HttpConnection http,
      AtomicReferenceArray<Head> slots,
      int first,
      int second,
      int writer,
      long n,
      SplittableRandom random)
      throws IOException {
    Head[] parts = {slots.get(first), slots.get(second)};
    int[] counts = {1 + random.nextInt(2), 1 + random.nextInt(2)};
    StringBuilder body = new StringBuilder(1024).append("{\"appends\":[");
    for (int i = 0; i < 2; i++) {
      body.append(i == 0 ? "" : ",")
          .append("{\"stream\":\"")
          .append(parts[i].stream())
          .append("\",\"expectedRevision\":");
      expected(body, parts[i].revision()).append(",\"events\":");
      events(body, writer, n * 2 + i, counts[i], random).append('}');
    }
    HttpReply reply =
        http.send("POST", "/append", body.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    if (reply.status() != 200) {
      error("multi-stream append answered " + reply.status() + ": " + text(reply));
      return;
    }
    List<AppendResult> results = AppendResultJson.readAll(JSON.readTree(reply.body())).results();
    for (int i = 0; i < 2; i++) {
      checkRevisions(parts[i], counts[i], results.get(i));
      slots.set(
          i == 0 ? first : second,
          new Head(parts[i].stream(), results.get(i).nextExpectedRevision()));
    }
    appends.increment();
    events.add(counts[0] + counts[1]);
  }

  private static void checkRevisions(Head head, int count, AppendResult result) {
    long first = result.firstRevision();
    long last = result.nextExpectedRevision();
    if (first != head.revision() + 1 || last != head.revision() + count) {
      throw new IllegalStateException(
          head.stream()
              + " expected at "
              + head.revision()
              + " got revisions "
              + first
              + ".."
              + last);
    }
  }

  private static StringBuilder expected(StringBuilder body, long revision) {
    return revision < 0 ? body.append("\"no_stream\"") : body.append(revision);
  }

  private static StringBuilder events(
      StringBuilder body, int writer, long n, int count, SplittableRandom random) {
    body.append('[');
    for (int e = 0; e < count; e++) {
      body.append(e == 0 ? "" : ",")
          .append("{\"type\":\"SoakEvent\",\"data\":{\"w\":")
          .append(writer)
          .append(",\"n\":")
          .append(n)
          .append(",\"pad\":\"")
          .append("x".repeat(50 + random.nextInt(150)))
          .append("\"}}");
    }
    return body.append(']');
  }

  // ---- stream loaders ----

  private void load(int reader) {
    SplittableRandom random = new SplittableRandom(seed * 17 + reader);
    try (HttpConnection http = connector.connect()) {
      while (!stop.get()) {
        Head head = heads.get(random.nextInt(heads.size())).get(random.nextInt(STREAMS_PER_WRITER));
        if (head.revision() < 0) {
          LockSupport.parkNanos(1_000_000); // nothing acknowledged there yet
          continue;
        }
        try {
          HttpReply reply = http.send("GET", "/streams/" + head.stream() + "?limit=1000", null);
          if (reply.status() != 200) {
            error("load of " + head.stream() + " answered " + reply.status() + ": " + text(reply));
            continue;
          }
          int count = StreamPageCheck.count(reply.body(), head.stream());
          if (count < head.revision() + 1) {
            error(
                "load of "
                    + head.stream()
                    + " returned "
                    + count
                    + " events, but revision "
                    + head.revision()
                    + " was acknowledged");
          }
          loads.increment();
        } catch (IOException | RuntimeException e) {
          error("reader " + reader + ": " + e);
        }
      }
    } catch (IOException e) {
      error("reader " + reader + " connection: " + e);
    }
  }

  // ---- subscribers ----

  private void subscribe(int subscriber) {
    SplittableRandom random = new SplittableRandom(seed * 13 + subscriber);
    while (!stop.get()) {
      long stayNanos = 500_000_000L + random.nextLong(3_500_000_000L);
      boolean whole = random.nextBoolean();
      HttpConnection http = connector.connect();
      try {
        String target;
        if (whole) {
          HttpReply root = http.send("GET", "/", null).expect(200, "GET /");
          long head = ServiceRootJson.headPosition(JSON.readTree(root.body()));
          target = "/all/events?from=" + Math.max(0, head - 500);
        } else {
          Head head =
              heads.get(random.nextInt(heads.size())).get(random.nextInt(STREAMS_PER_WRITER));
          if (head.revision() < 0) {
            continue;
          }
          target = "/streams/" + head.stream() + "/events";
        }
        InputStream feed = http.openEventStream(target);
        subscriptionsOpened.increment();
        long deadline = System.nanoTime() + stayNanos;
        AtomicBoolean leaving = new AtomicBoolean();
        Thread hangUp =
            Thread.ofVirtual()
                .start(
                    () -> {
                      while (System.nanoTime() < deadline && !stop.get()) {
                        LockSupport.parkNanos(Math.min(deadline - System.nanoTime(), 50_000_000L));
                      }
                      leaving.set(true);
                      hangUpQuietly(http);
                    });
        try {
          follow(new SseReader(feed), target, whole);
        } catch (IOException | RuntimeException e) {
          // Hanging up explains a broken read, never an error event the server sent.
          if (!leaving.get() || e instanceof IllegalStateException) {
            throw e;
          }
        } finally {
          hangUp.join();
        }
        subscriptionsClosed.increment();
      } catch (IOException | RuntimeException e) {
        error("subscriber " + subscriber + ": " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        hangUpQuietly(http);
      }
    }
  }

  private static void hangUpQuietly(HttpConnection http) {
    try {
      http.close();
    } catch (IOException ignored) {
      // the connection is going away either way
    }
  }

  /**
   * Reads the feed until the connection is hung up; positions must be consecutive ({@code whole})
   * or rising.
   */
  private void follow(SseReader feed, String target, boolean whole) throws IOException {
    long last = -1;
    while (true) {
      long id = feed.next();
      if (id == SseReader.CAUGHT_UP) {
        continue;
      }
      if (last >= 0 && (whole ? id != last + 1 : id <= last)) {
        error(target + ": position " + id + " after " + last);
        return;
      }
      last = id;
      delivered.increment();
    }
  }

  private static String text(HttpReply reply) {
    return new String(reply.body(), 0, Math.min(reply.body().length, 300), StandardCharsets.UTF_8);
  }
}
