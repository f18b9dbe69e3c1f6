package dev.factum.serialized;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to every Serialized route: a 4xx problem, never a 5xx, and nothing written. */
class SerializedBadInputTest {
  private static final String ID = "6f1c2a4e-0000-4000-8000-000000000001";
  private static final String EVENTS = "/serialized/aggregates/order/" + ID + "/events";
  private static final String BULK = "/serialized/aggregates/order/events";
  @TempDir Path directory;
  FactumUnderTest factum;

  @BeforeEach
  void start() throws Exception {
    factum = FactumUnderTest.open(directory);
    // one aggregate, so that version checks have something to be checked against
    assertThat(send("POST", EVENTS, batch("0", event("e", "OrderPlaced"))).statusCode())
        .isEqualTo(200);
  }

  @AfterEach
  void stop() {
    factum.close();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return factum.send(method, path, body, null);
  }

  private static String event(String id, String type) {
    String eventId = id.equals("e") ? UUID.randomUUID().toString() : id;
    return "{\"eventId\":\"" + eventId + "\",\"eventType\":\"" + type + "\",\"data\":{\"a\":1}}";
  }

  private static String batch(String expected, String... events) {
    return "{\"expectedVersion\":" + expected + ",\"events\":[" + String.join(",", events) + "]}";
  }

  @Test
  void everyBadRequestIsA4xxProblemAndWritesNothing() throws Exception {
    String e = event("e", "T");
    List<String[]> corpus = new ArrayList<>();
    for (String body :
        List.of(
            "",
            "{",
            "[]",
            "null",
            "{\"events\":[]}",
            "{\"events\":{}}",
            "{\"events\":[1]}",
            "{\"events\":[{}]}",
            "{\"events\":[{\"eventType\":\"\"}]}",
            "{\"events\":[{\"eventType\":7}]}",
            "{\"events\":[{\"eventType\":\"$stream-deleted\"}]}",
            "{\"events\":[{\"eventType\":\"T\",\"data\":[1]}]}",
            "{\"events\":[{\"eventType\":\"T\",\"data\":\"x\"}]}",
            "{\"events\":[{\"eventType\":\"T\",\"eventId\":\"not-a-uuid\"}]}",
            "{\"events\":[{\"eventType\":\"T\",\"eventId\":42}]}",
            "{\"events\":[{\"eventType\":\"T\",\"encryptedData\":{}}]}",
            "{\"events\":[{\"eventType\":\"T\",\"surprise\":1}]}",
            "{\"events\":[" + e + "],\"surprise\":1}",
            batch("-1", e),
            batch("1.5", e),
            batch("\"1\"", e),
            batch("99999999999999999999999", e),
            "{\"aggregateId\":\"" + UUID.randomUUID() + "\",\"events\":[" + e + "]}",
            "{\"aggregateId\":12,\"events\":[" + e + "]}",
            "{\"events\":[" + event(ID, "T") + "," + event(ID, "T") + "]}",
            "{\"events\":[" + String.join(",", Collections.nCopies(65, e)) + "]}",
            "{\"events\":[{\"eventType\":\"" + "T".repeat(100_000) + "\"}]}",
            "{\"events\":[{\"eventType\":\"T\",\"data\":{\"big\":\""
                + "x".repeat(2 << 20)
                + "\"}}]}",
            "{\"events\":[{\"eventType\":\"\\ud800\"}]}")) {
      corpus.add(new String[] {"POST", EVENTS, body});
    }
    for (String body :
        List.of(
            "{}",
            "{\"batches\":[]}",
            "{\"batches\":[{\"events\":[" + e + "]}]}",
            "{\"batches\":[{\"aggregateId\":\""
                + ID
                + "\",\"events\":["
                + e
                + "]},"
                + "{\"aggregateId\":\""
                + ID
                + "\",\"events\":["
                + event("e", "T")
                + "]}]}",
            "{\"batches\":[1]}",
            "{\"batches\":[{\"aggregateId\":\"" + ID + "\",\"events\":[" + e + "]}],\"x\":1}")) {
      corpus.add(new String[] {"POST", BULK, body});
    }
    String[] paths = {
      "/serialized/aggregates/order-line/" + ID + "/events",
      "/serialized/aggregates/_all/" + ID + "/events",
      "/serialized/aggregates/%24keys/" + ID + "/events",
      "/serialized/aggregates/" + "t".repeat(65) + "/" + ID + "/events",
      "/serialized/aggregates/order/not-a-uuid/events",
      "/serialized/aggregates/order/" + ID.toUpperCase(Locale.ROOT).replace("-", "") + "/events",
    };
    for (String path : paths) {
      corpus.add(new String[] {"POST", path, batch("null", e)});
    }
    for (String get :
        List.of(
            "/serialized/aggregates/order/" + ID + "?since=-1",
            "/serialized/aggregates/order/" + ID + "?limit=0",
            "/serialized/aggregates/order/" + ID + "?limit=1001",
            "/serialized/aggregates/order/" + ID + "?since=x",
            "/serialized/aggregates/order/" + ID + "?surprise=1",
            "/serialized/aggregates/order/nope",
            "/serialized/feeds/order?since=-1",
            "/serialized/feeds/order?limit=100000",
            "/serialized/feeds/order?waitTime=60001",
            "/serialized/feeds/order?filterType=payment",
            "/serialized/feeds/_all?filterType=bad-type",
            "/serialized/feeds/_all?partitionCount=3",
            "/serialized/feeds/_all?partitionNumber=0",
            "/serialized/feeds/_all?partitionCount=3&partitionNumber=3",
            "/serialized/feeds/_all?partitionCount=0&partitionNumber=0",
            "/serialized/feeds/_all?from=yesterday",
            "/serialized/feeds/_all?to=2024-13-01",
            "/serialized/feeds/_all?since=1&since=2",
            "/serialized/feeds/bad-type",
            "/serialized/nothing-here")) {
      corpus.add(new String[] {"GET", get, null});
    }
    corpus.add(
        new String[] {"DELETE", "/serialized/aggregates/order/" + ID + "?deleteToken=xyz", null});
    corpus.add(
        new String[] {
          "DELETE", "/serialized/aggregates/order/" + ID + "?deleteToken=" + "0".repeat(32), null
        });
    corpus.add(
        new String[] {
          "DELETE", "/serialized/aggregates/order?deleteToken=" + "0".repeat(32), null
        });
    corpus.add(new String[] {"PUT", EVENTS, batch("null", e)});

    long head = factum.store.headPosition();
    for (String[] request : corpus) {
      HttpResponse<String> reply = send(request[0], request[1], request[2]);
      String what = request[0] + " " + request[1] + " " + abbreviated(request[2]);
      assertThat(reply.statusCode()).as(what).isBetween(400, 499);
      assertThat(reply.headers().firstValue("Content-Type").orElse(""))
          .as(what)
          .startsWith("application/problem+json");
      assertThat(factum.store.headPosition()).as(what + " writes nothing").isEqualTo(head);
    }
  }

  private static String abbreviated(String body) {
    return body == null ? "" : body.length() > 120 ? body.substring(0, 120) + "…" : body;
  }
}
