package dev.factum.bench.serialized;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.factum.bench.load.DataDirectory;
import dev.factum.bench.load.LatencySummary;
import dev.factum.bench.load.Progress;
import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * One run of {@code bin/bench serialized}: a real server (RocksDB, 127.0.0.1, a free port, open
 * mode) driven over HTTP by the JDK's client, the Serialized API next to the native one.
 *
 * <p>Design note. Every figure has its baseline measured in the same run on the same server and
 * store, so a loaded machine moves both: saves against native appends of the same one-event bodies
 * with the same writers (each writer its own aggregate or stream, so no conflicts), the rounds in
 * rotating order with the first one a warm-up and the median of the others reported; feed reads
 * against native {@code /all} reads of the same events with the same page size. The projection lag
 * is from a save's answer to the first read of the document that shows it (the read loop adds up to
 * one request's time), taken one sample at a time while other writers save to other aggregates of
 * the projected type. What must stay true: every request's status is checked (a figure of failed
 * requests would be a lie), and the run deletes its store.
 */
final class SerializedRun {
  static final int FEED_BATCH = 10;
  static final int PAGE = 1_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FEED_TYPE = "feedbench";
  private static final String LAG_TYPE = "lagbench";

  private final SerializedOptions options;
  private final Progress progress;
  private final HttpClient http;
  private final String base;

  private SerializedRun(SerializedOptions options, Progress progress, URI server) {
    this.options = options;
    this.progress = progress;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    this.base = server.toString();
  }

  static SerializedResults run(SerializedOptions options, Progress progress) throws Exception {
    long started = System.nanoTime();
    try (DataDirectory data = DataDirectory.create(options.dataParent())) {
      FactumStore store = RocksDbEventStore.open(data.path().resolve("store"));
      try {
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0));
        try {
          SerializedRun run = new SerializedRun(options, progress, server.uri());
          try {
            return run.measure(started);
          } finally {
            run.http.close();
          }
        } finally {
          server.close();
        }
      } finally {
        store.close();
      }
    }
  }

  private SerializedResults measure(long started) throws Exception {
    progress.say("filling %d events into feed %s", options.feedEvents(), FEED_TYPE);
    fillFeed();
    Map<String, Double> reads = rounds(feedReads());
    Map<String, Double> saves = rounds(saveWorks());
    progress.say("projection lag: %d samples", options.lagSamples());
    LatencySummary lag = projectionLag();
    return new SerializedResults(
        options, saves, reads, lag, (System.nanoTime() - started) / 1_000_000);
  }

  // ---- saves

  /** What one writer does in a round. */
  private interface Work {
    void run(int writer) throws Exception;
  }

  /** A measured figure: one round's work, on how many threads, and how many events it moves. */
  private record Figure(Work work, int threads, long events) {}

  private Map<String, Figure> saveWorks() {
    int writers = options.threads();
    int saves = options.saves();
    long events = (long) writers * saves;
    Map<String, Figure> works = new LinkedHashMap<>();
    works.put(
        SerializedResults.NATIVE_NEW,
        new Figure(
            w -> {
              for (int i = 0; i < saves; i++) {
                post("/streams/native-" + UUID.randomUUID(), nativeBody("\"no_stream\"", i));
              }
            },
            writers,
            events));
    works.put(
        SerializedResults.SERIALIZED_NEW,
        new Figure(
            w -> {
              for (int i = 0; i < saves; i++) {
                post(
                    "/serialized/aggregates/bench/" + UUID.randomUUID() + "/events",
                    serializedBody(0, i));
              }
            },
            writers,
            events));
    works.put(
        SerializedResults.NATIVE_UPDATE,
        new Figure(
            w -> {
              String stream = "/streams/native-" + UUID.randomUUID();
              for (int i = 0; i < saves; i++) {
                post(stream, nativeBody(i == 0 ? "\"no_stream\"" : Integer.toString(i - 1), i));
              }
            },
            writers,
            events));
    works.put(
        SerializedResults.SERIALIZED_UPDATE,
        new Figure(
            w -> {
              String aggregate = "/serialized/aggregates/bench/" + UUID.randomUUID() + "/events";
              for (int i = 0; i < saves; i++) {
                post(aggregate, serializedBody(i, i));
              }
            },
            writers,
            events));
    return works;
  }

  private static String nativeBody(String expected, int n) {
    return "{\"expectedRevision\":"
        + expected
        + ",\"events\":[{\"id\":\""
        + UUID.randomUUID()
        + "\",\"type\":\"Ticked\",\"data\":{\"n\":"
        + n
        + ",\"note\":\"a bench event of some ordinary size\"}}]}";
  }

  private static String serializedBody(int expectedVersion, int n) {
    return "{\"expectedVersion\":"
        + expectedVersion
        + ",\"events\":[{\"eventId\":\""
        + UUID.randomUUID()
        + "\",\"eventType\":\"Ticked\",\"data\":{\"n\":"
        + n
        + ",\"note\":\"a bench event of some ordinary size\"}}]}";
  }

  // ---- feeds

  private void fillFeed() throws Exception {
    int batches = Math.max(1, options.feedEvents() / FEED_BATCH);
    int writers = options.threads();
    parallel(
        w -> {
          for (int b = w; b < batches; b += writers) {
            StringBuilder body = new StringBuilder("{\"expectedVersion\":0,\"events\":[");
            for (int e = 0; e < FEED_BATCH; e++) {
              body.append(e == 0 ? "" : ",")
                  .append("{\"eventId\":\"")
                  .append(UUID.randomUUID())
                  .append("\",\"eventType\":\"Filled\",\"data\":{\"n\":")
                  .append(e)
                  .append("}}");
            }
            post(
                "/serialized/aggregates/" + FEED_TYPE + "/" + UUID.randomUUID() + "/events",
                body.append("]}").toString());
          }
        },
        writers);
  }

  private Map<String, Figure> feedReads() {
    long events = (long) Math.max(1, options.feedEvents() / FEED_BATCH) * FEED_BATCH;
    Map<String, Figure> reads = new LinkedHashMap<>();
    reads.put(
        SerializedResults.NATIVE_ALL, new Figure(w -> check(readNative(), events), 1, events));
    reads.put(
        SerializedResults.FEED_ALL, new Figure(w -> check(readFeed("_all"), events), 1, events));
    reads.put(
        SerializedResults.FEED_TYPE,
        new Figure(w -> check(readFeed(FEED_TYPE), events), 1, events));
    return reads;
  }

  private static void check(long read, long expected) {
    if (read != expected) {
      throw new IllegalStateException("read " + read + " events, expected " + expected);
    }
  }

  /** Reads the whole log natively, page by page; the events read. */
  private long readNative() throws Exception {
    long events = 0;
    String next = "/all?from=0&limit=" + PAGE;
    while (true) {
      JsonNode page = get(next);
      events += page.get("events").size();
      if (page.path("endOfRead").asBoolean(false) || page.get("events").isEmpty()) {
        return events;
      }
      next = page.get("next").asText();
    }
  }

  /** Reads a whole Serialized feed from the start; the events in its entries. */
  private long readFeed(String feed) throws Exception {
    long events = 0;
    long since = 0;
    while (true) {
      JsonNode page = get("/serialized/feeds/" + feed + "?since=" + since + "&limit=" + PAGE);
      for (JsonNode entry : page.get("entries")) {
        events += entry.get("events").size();
        since = entry.get("sequenceNumber").asLong();
      }
      if (!page.path("hasMore").asBoolean(false)) {
        return events;
      }
    }
  }

  // ---- the projection's lag

  private LatencySummary projectionLag() throws Exception {
    put(
        "/serialized/projections/definitions/" + LAG_TYPE,
        "{\"projectionName\":\""
            + LAG_TYPE
            + "\",\"feedName\":\""
            + LAG_TYPE
            + "\",\"handlers\":[{\"eventType\":\"Ticked\",\"functions\":["
            + "{\"function\":\"set\",\"targetSelector\":\"$.projection.last\","
            + "\"eventSelector\":\"$.event.n\"},"
            + "{\"function\":\"inc\",\"targetSelector\":\"$.projection.count\"}]}]}");
    AtomicBoolean stop = new AtomicBoolean();
    int loaders = Math.max(1, options.threads() - 1);
    ExecutorService load = Executors.newFixedThreadPool(loaders);
    List<Future<?>> loading = new ArrayList<>();
    for (int t = 0; t < loaders; t++) {
      loading.add(
          load.submit(
              () -> {
                String aggregate =
                    "/serialized/aggregates/" + LAG_TYPE + "/" + UUID.randomUUID() + "/events";
                for (int v = 0; !stop.get(); v++) {
                  post(aggregate, serializedBody(v, v));
                }
                return null;
              }));
    }
    Histogram nanos = new Histogram(3);
    try {
      UUID timed = UUID.randomUUID();
      String aggregate = "/serialized/aggregates/" + LAG_TYPE + "/" + timed + "/events";
      String document = "/serialized/projections/single/" + LAG_TYPE + "/" + timed;
      for (int v = 0; v < options.lagSamples(); v++) {
        post(aggregate, serializedBody(v, v));
        long saved = System.nanoTime();
        while (!shows(document, v)) {
          if (System.nanoTime() - saved > 30_000_000_000L) {
            throw new IllegalStateException("the projection did not show update " + v + " in 30 s");
          }
          Thread.onSpinWait();
        }
        nanos.recordValue(System.nanoTime() - saved);
      }
    } finally {
      stop.set(true);
      for (Future<?> f : loading) {
        f.get();
      }
      load.shutdown();
    }
    return LatencySummary.of(nanos);
  }

  /** Whether the projection document exists and shows update {@code n}. */
  private boolean shows(String document, int n) throws Exception {
    HttpResponse<byte[]> response = send(HttpRequest.newBuilder(URI.create(base + document)).GET());
    if (response.statusCode() == 404) {
      return false;
    }
    require(response, document);
    return JSON.readTree(response.body()).path("data").path("last").asInt(-1) >= n;
  }

  // ---- measuring

  /** Each figure's median rate (events/s) over the rounds after the warm-up, in rotating order. */
  private Map<String, Double> rounds(Map<String, Figure> figures) throws Exception {
    List<String> names = new ArrayList<>(figures.keySet());
    Map<String, double[]> rates = new LinkedHashMap<>();
    int rounds = options.rounds();
    names.forEach(name -> rates.put(name, new double[rounds - 1]));
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < names.size(); i++) {
        String name = names.get((i + round) % names.size());
        Figure figure = figures.get(name);
        long nanos = parallel(figure.work(), figure.threads());
        if (round > 0) {
          rates.get(name)[round - 1] = figure.events() / (nanos / 1e9);
        }
      }
      progress.say("round %d of %d done", round + 1, rounds);
    }
    Map<String, Double> medians = new LinkedHashMap<>();
    rates.forEach(
        (name, values) -> {
          double[] sorted = values.clone();
          Arrays.sort(sorted);
          medians.put(name, sorted[sorted.length / 2]);
        });
    return medians;
  }

  /** Runs {@code work} on {@code writers} threads at once; the nanoseconds it took. */
  private static long parallel(Work work, int writers) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(writers);
    try {
      long started = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(
            threads.submit(
                () -> {
                  work.run(writer);
                  return null;
                }));
      }
      for (Future<?> future : done) {
        future.get();
      }
      return System.nanoTime() - started;
    } finally {
      threads.shutdown();
    }
  }

  // ---- HTTP

  private void post(String path, String body) throws IOException, InterruptedException {
    require(
        send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))),
        path);
  }

  private void put(String path, String body) throws IOException, InterruptedException {
    require(
        send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body))),
        path);
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    require(response, path);
    return JSON.readTree(response.body());
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(
        request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void require(HttpResponse<byte[]> response, String path) {
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          path
              + " answered "
              + response.statusCode()
              + ": "
              + new String(response.body(), StandardCharsets.UTF_8));
    }
  }
}
