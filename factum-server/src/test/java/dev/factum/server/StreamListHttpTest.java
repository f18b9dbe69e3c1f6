package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /streams} over real HTTP on a real RocksDB store: entries with their state, paging by
 * following {@code next} links to the end, and bad parameters refused with stable codes.
 */
class StreamListHttpTest {
  @TempDir Path directory;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(directory);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void append(String stream) throws Exception {
    String body = "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{}}]}";
    assertThat(server.post("/streams/" + stream, body).status()).isEqualTo(200);
  }

  @Test
  void listsStreamsWithTheirStateAndPagesByNextLinks() throws Exception {
    for (String stream : List.of("cart-1", "cart-2", "cart-3", "order-1", "order-2")) {
      append(stream);
    }
    append("cart-2");
    assertThat(server.delete("/streams/order-2?expectedRevision=any").status()).isEqualTo(200);

    JsonNode page = server.get("/streams?category=order").json();
    assertThat(page.get("streams").toString())
        .isEqualTo(
            "[{\"stream\":\"order-1\",\"status\":\"active\",\"lastRevision\":0,\"lastPosition\":3,"
                + "\"eventCount\":1},{\"stream\":\"order-2\",\"status\":\"deleted\","
                + "\"lastRevision\":0,\"lastPosition\":4,\"eventCount\":0}]");
    assertThat(page.get("next").isNull()).isTrue();

    List<String> seen = new ArrayList<>();
    String link = "/streams?limit=2";
    int pages = 0;
    while (link != null) {
      JsonNode body = server.get(link).json();
      body.get("streams").forEach(s -> seen.add(s.get("stream").asText()));
      link = body.get("next").isNull() ? null : body.get("next").asText();
      pages++;
    }
    assertThat(seen).containsExactly("cart-1", "cart-2", "cart-3", "order-1", "order-2");
    assertThat(pages).isEqualTo(3);
    JsonNode cart2 = server.get("/streams?prefix=cart-2").json().get("streams").get(0);
    assertThat(cart2.get("eventCount").asLong()).isEqualTo(2);
  }

  @Test
  void badParametersAreRefusedWithStableCodes() throws Exception {
    for (String query : List.of("?limit=0", "?limit=x", "?category=a-b", "?prefx=a", "?system=1")) {
      TestServer.Reply reply = server.get("/streams" + query);
      assertThat(reply.status()).as(query).isEqualTo(400);
      assertThat(reply.json().get("code").asText()).as(query).isEqualTo("invalid-request");
    }
    TestServer.Reply tooMany = server.get("/streams?limit=10001");
    assertThat(tooMany.status()).isEqualTo(413);
    assertThat(tooMany.json().get("code").asText()).isEqualTo("limit-exceeded");
  }
}
