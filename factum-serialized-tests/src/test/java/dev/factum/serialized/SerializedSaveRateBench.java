package dev.factum.serialized;

import static io.serialized.client.aggregate.AggregateRequest.appendRequest;
import static io.serialized.client.aggregate.AggregateRequest.saveRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.serialized.client.aggregate.AggregateClient;
import io.serialized.client.aggregate.Event;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measured figure, not a default test (its name does not end in {@code Test}, so the build runs
 * it only when named): aggregate saves through the official Serialized client vs native appends
 * over the same HTTP stack (OkHttp) in the same run, same server, same threads. Run with
 *
 * <pre>
 * JAVA_HOME=$(bin/find-jdk) ./mvnw -B -ntp -q -pl factum-serialized-tests -am verify \
 *   -Dtest=SerializedSaveRateBench -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class SerializedSaveRateBench {
  private static final int THREADS = 8;
  private static final int PER_THREAD = 400;
  private static final MediaType JSON = MediaType.get("application/json");
  @TempDir Path directory;

  /** No state: the figure is about writes. */
  public static final class Nothing {}

  @Test
  void serializedSavesAgainstNativeAppends() throws Exception {
    try (FactumUnderTest factum = FactumUnderTest.open(directory)) {
      AggregateClient<Nothing> client =
          AggregateClient.aggregateClient("bench", Nothing.class, factum.config()).build();
      OkHttpClient http = new OkHttpClient();
      String base = factum.server.uri().toString();
      Map<String, Work> works = new LinkedHashMap<>();
      works.put(
          "Serialized client save",
          id -> {
            for (int v = 0; v < PER_THREAD; v++) {
              Event<?> event = Event.newEvent("Ticked").data("n", v).build();
              client.save(
                  (v == 0 ? saveRequest() : appendRequest(v))
                      .withAggregateId(id)
                      .withEvent(event)
                      .build());
            }
          });
      works.put(
          "native append",
          id -> {
            for (int v = 0; v < PER_THREAD; v++) {
              String body =
                  "{\"expectedRevision\":"
                      + (v == 0 ? "\"no_stream\"" : Integer.toString(v - 1))
                      + ",\"events\":[{\"id\":\""
                      + UUID.randomUUID()
                      + "\",\"type\":\"Ticked\",\"data\":{\"n\":"
                      + v
                      + "}}]}";
              Request request =
                  new Request.Builder()
                      .url(base + "/streams/native-" + id)
                      .post(RequestBody.create(body, JSON))
                      .build();
              try (Response response = http.newCall(request).execute()) {
                assertThat(response.code()).isEqualTo(200);
              }
            }
          });
      works.put(
          "Serialized save as raw HTTP (no client library)",
          id -> {
            for (int v = 0; v < PER_THREAD; v++) {
              String body =
                  "{\"expectedVersion\":"
                      + v
                      + ",\"events\":[{\"eventId\":\""
                      + UUID.randomUUID()
                      + "\",\"eventType\":\"Ticked\",\"data\":{\"n\":"
                      + v
                      + "}}]}";
              Request request =
                  new Request.Builder()
                      .url(base + "/serialized/aggregates/raw/" + id + "/events")
                      .post(RequestBody.create(body, JSON))
                      .build();
              try (Response response = http.newCall(request).execute()) {
                assertThat(response.code()).isEqualTo(200);
              }
            }
          });
      List<String> names = new ArrayList<>(works.keySet());
      for (int round = 0; round < 4; round++) { // round 0 warms up; the order rotates
        Map<String, Double> rates = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
          String name = names.get((i + round) % names.size());
          rates.put(name, rate(works.get(name)));
        }
        double nativeRate = rates.get("native append");
        StringBuilder line =
            new StringBuilder(
                "round " + round + " (" + THREADS + " threads x " + PER_THREAD + "):");
        for (String name : names) {
          line.append(
              String.format(
                  Locale.ROOT,
                  " %s %.0f/s (%.2f of native);",
                  name,
                  rates.get(name),
                  rates.get(name) / nativeRate));
        }
        System.out.println(line);
      }
    }
  }

  /** What one thread does with its own aggregate. */
  private interface Work {
    void run(UUID aggregate) throws Exception;
  }

  private static double rate(Work work) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try {
      long started = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        UUID aggregate = UUID.randomUUID();
        done.add(
            threads.submit(
                () -> {
                  work.run(aggregate);
                  return null;
                }));
      }
      for (Future<?> future : done) {
        future.get();
      }
      return THREADS * PER_THREAD / ((System.nanoTime() - started) / 1e9);
    } finally {
      threads.shutdown();
    }
  }
}
