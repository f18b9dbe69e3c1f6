package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.ImportResult;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.SubscriptionRequest;
import dev.factum.wire.WireJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JsonApi}: the server's JSON handed over and sent on unchanged, through the client's
 * requests and error mapping (what the CLI's read, export, import, state and tail stand on).
 */
class JsonApiTest {
  /** Data as no re-serializer would write it: spaces, an exponent, a negative zero, an escape. */
  private static final String ODD = "{ \"n\" : 1.0e2 , \"z\":-0, \"s\":\"\\u00e9\" }";

  @TempDir Path directory;

  @Test
  void pagesAndStateComeAsSentAndAnImportSendsEventsAsGiven() throws Exception {
    List<String> exported = new ArrayList<>();
    try (ServerFixture server = ServerFixture.start(directory.resolve("a"));
        FactumClient client = server.client().build()) {
      client.append(
          "order-1",
          ExpectedRevision.noStream(),
          List.of(EventData.json("Placed", ODD), EventData.json("Paid", "[1, 2]")));
      byte[] page = client.json().readAll(0, Direction.FORWARD, 10, LogFilter.none());
      assertThat(new String(page, StandardCharsets.UTF_8)).contains("\"data\":" + ODD);
      byte[] streamPage = client.json().readStream("order-1", 1, Direction.FORWARD, 10);
      JsonNode onlyPaid = WireJson.mapper().readTree(streamPage);
      assertThat(onlyPaid.get("events")).hasSize(1);
      assertThat(onlyPaid.get("events").get(0).get("type").asText()).isEqualTo("Paid");

      JsonNode state = WireJson.mapper().readTree(client.json().streamState("order-1"));
      assertThat(state.get("lastPosition").asLong()).isEqualTo(1);
      assertThat(state.get("firstVisibleRevision").asLong()).isEqualTo(0);

      exported.addAll(events(page));
      assertThat(exported).hasSize(2);
      assertThatThrownBy(() -> client.json().readStream("nobody-1", 0, Direction.FORWARD, 10))
          .isInstanceOf(StreamNotFoundException.class);
    }
    try (ServerFixture server = ServerFixture.start(directory.resolve("b"));
        FactumClient client = server.client().build()) {
      List<String> spliced = List.of(exported.getFirst() + ",{\"extra\":1}");
      assertThatThrownBy(() -> client.json().importEvents(spliced))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("not exactly one JSON value");
      assertThat(client.headPosition()).isEqualTo(-1);

      assertThat(client.json().importEvents(exported)).isEqualTo(new ImportResult(2, 0, 1));
      byte[] copy = client.json().readAll(0, Direction.FORWARD, 10, LogFilter.none());
      assertThat(new String(copy, StandardCharsets.UTF_8)).contains("\"data\":" + ODD);
    }
  }

  @Test
  void aFeedHandsOverEachEventAsSentAndMapsARefusal() throws Exception {
    try (ServerFixture server = ServerFixture.start(directory);
        FactumClient client = server.client().build()) {
      client.append(
          "order-1",
          ExpectedRevision.noStream(),
          List.of(EventData.json("Placed", ODD), EventData.json("Paid", "{}")));
      try (EventFeed feed = client.json().feed(SubscriptionRequest.toStream("order-1").from(0))) {
        assertThat(feed.next()).contains("\"revision\":0").contains("\"data\":" + ODD);
        assertThat(feed.next()).contains("\"revision\":1").contains("\"type\":\"Paid\"");
        client.append(
            "order-1", ExpectedRevision.exact(1), List.of(EventData.json("Shipped", "1")));
        assertThat(feed.next()).contains("\"revision\":2").contains("\"data\":1");
      }
      client.tombstone("order-1", ExpectedRevision.any());
      assertThatThrownBy(() -> client.json().feed(SubscriptionRequest.toStream("order-1").from(0)))
          .isInstanceOf(StreamDeletedException.class);
      assertThatThrownBy(() -> client.json().feed(SubscriptionRequest.toAll().fromEnd()))
          .isInstanceOf(InvalidArgumentException.class);
    }
  }

  /** The event objects of a page, each as the bytes it has in the page. */
  private static List<String> events(byte[] page) throws Exception {
    List<String> events = new ArrayList<>();
    try (JsonParser parser = WireJson.factory().createParser(page)) {
      while (parser.nextToken() != null) {
        if (parser.currentToken() == JsonToken.FIELD_NAME
            && parser.currentName().equals("events")) {
          parser.nextToken();
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            int start = (int) parser.currentTokenLocation().getByteOffset();
            parser.skipChildren();
            int end = (int) parser.currentLocation().getByteOffset();
            events.add(new String(page, start, end - start, StandardCharsets.UTF_8));
          }
        }
      }
    }
    return events;
  }
}
