package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzz targets for HTTP request parsing, through the real {@link ApiHandler} over a real RocksDB
 * store (requests are handed over in memory, {@link MemoryExchange}): append and multi-stream
 * append bodies, query strings (positions, directions, limits, filters, expected revisions of a
 * delete), the {@code Last-Event-ID} resume token, and expected-revision values.
 *
 * <p>What every input must satisfy: the answer is a success or a 4xx problem document with a stable
 * code, never a 5xx (which is what an unexpected exception becomes); and a refused request writes
 * nothing (the store's head does not move). Valid appends do write: that is how the fuzzer reaches
 * the conflict paths.
 *
 * <p>Saved inputs under {@code HttpRequestFuzzTestInputs/} replay in every build; {@code
 * docs/RELIABILITY.md} has the command that fuzzes for longer.
 */
class HttpRequestFuzzTest {
  private static FactumStore store;
  private static ApiHandler handler;

  private static synchronized ApiHandler handler() {
    if (handler == null) {
      try {
        Path directory = Files.createTempDirectory("factum-http-fuzz");
        store = RocksDbEventStore.open(directory);
        handler =
            new ApiHandler(
                store,
                ServerConfig.DEFAULT,
                new Metrics(store),
                KeyRegistry.open(store, Clock.systemUTC()));
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      store.close();
                      try (var files = Files.walk(directory)) {
                        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                          Files.deleteIfExists(p);
                        }
                      } catch (IOException ignored) {
                        // a temporary directory left behind is harmless
                      }
                    }));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return handler;
  }

  private static MemoryExchange send(MemoryExchange exchange) {
    long before = headAndState();
    handler().handle(exchange);
    int status = exchange.status();
    assertThat(status).as("status of %s", exchange.getRequestURI()).isBetween(200, 499);
    if (status >= 400) {
      assertThat(exchange.getResponseHeaders().getFirst("Content-Type"))
          .startsWith("application/problem+json");
      assertThat(exchange.responseText()).contains("\"code\":");
      assertThat(headAndState()).as("a refused request wrote something").isEqualTo(before);
    }
    return exchange;
  }

  /** The head position plus the revision of the stream that deletes touch. */
  private static long headAndState() {
    handler();
    return store.headPosition() * 1_000_003L + store.streamState("fuzz-del").lastRevision();
  }

  private static MemoryExchange json(String method, String target, byte[] body) {
    return new MemoryExchange(method, URI.create(target), body)
        .header("Content-Type", "application/json");
  }

  @FuzzTest
  void appendBody(byte[] body) {
    handler();
    long before = store.headPosition();
    MemoryExchange answer = send(json("POST", "/streams/fuzz-1", body));
    if (answer.status() == 200 && store.headPosition() > before) {
      // Accepted JSON content is stored exactly as sent: its bytes occur in the body as they are.
      for (RecordedEvent event :
          store.readAll(before + 1, Direction.FORWARD, 10_000, LogFilter.none()).events()) {
        if (event.contentType().equals(EventData.JSON)) {
          assertThat(indexOf(body, event.data())).as("data stored verbatim").isNotNegative();
        }
        if (event.metadata() != null) {
          assertThat(indexOf(body, event.metadata()))
              .as("metadata stored verbatim")
              .isNotNegative();
        }
      }
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @FuzzTest
  void multiAppendBody(byte[] body) {
    send(json("POST", "/append", body));
  }

  @FuzzTest
  void queryString(FuzzedDataProvider data) {
    String route =
        data.pickValue(
            List.of(
                "GET /all",
                "GET /streams/fuzz-1",
                "GET /streams/fuzz-1/state",
                "DELETE /streams/fuzz-del"));
    String query = data.consumeRemainingAsString();
    URI uri;
    try {
      uri = new URI(route.substring(route.indexOf(' ') + 1) + "?" + query);
      uri.getRawQuery(); // what the JDK server hands over: a request line it could parse
    } catch (URISyntaxException notAValidRequestLine) {
      return;
    }
    if (query.contains("wait=")) {
      return; // long polling waits for real; its parsing is the same longParam as limit and from
    }
    send(new MemoryExchange(route.substring(0, route.indexOf(' ')), uri, new byte[0]));
  }

  @FuzzTest
  void lastEventId(byte[] raw) {
    // Raw bytes (not a String parameter) so that saved inputs are plain files.
    String header = new String(raw, StandardCharsets.UTF_8);
    long position;
    try {
      position = SubscriptionResource.parsePosition(header);
    } catch (HttpProblem refused) {
      assertThat(refused.status()).isEqualTo(400);
      return;
    }
    assertThat(header)
        .as("an accepted resume token is a plain decimal position")
        .matches("[0-9]{1,18}");
    assertThat(Long.parseLong(header)).isEqualTo(position);
  }

  @FuzzTest
  void expectedRevision(byte[] raw) {
    String text = new String(raw, StandardCharsets.UTF_8);
    ExpectedRevision parsed;
    try {
      parsed = ExpectedRevision.parse(text);
    } catch (InvalidArgumentException refused) {
      return;
    }
    assertThat(ExpectedRevision.parse(parsed.toString())).isEqualTo(parsed);
    assertThat(text.strip()).isEqualTo(text);
    assertThat(text.getBytes(StandardCharsets.UTF_8)).hasSize(text.length()); // ASCII only
  }

  /** A sanity check of the harness: a valid append through it is written and readable. */
  @Test
  void theHarnessWritesAValidAppend() {
    long before = store == null ? -1 : store.headPosition();
    MemoryExchange ok =
        send(
            json(
                "POST",
                "/streams/fuzz-harness",
                "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{}}]}"
                    .getBytes(StandardCharsets.UTF_8)));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(store.headPosition()).isGreaterThan(before);
    assertThat(store.readAll(0, Direction.FORWARD, 1, LogFilter.none()).events()).isNotEmpty();
  }
}
