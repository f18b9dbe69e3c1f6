package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code FactumClient.projections()} against a real server: define, query with read-your-writes,
 * count, status, the aggregated document, delete, and the problems as the client's exceptions.
 */
class ProjectionClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path directory;

  @Test
  void definesAndQueriesAProjectionOverHttp() throws Exception {
    try (ServerFixture server = ServerFixture.start(directory);
        FactumClient client = server.client().retryPolicy(RetryPolicy.NONE).build()) {
      HttpProjections projections = client.projections();
      JsonNode orders =
          JSON.readTree(
              "{\"feedName\":\"order\",\"handlers\":[{\"eventType\":\"ItemAdded\",\"functions\":["
                  + "{\"function\":\"add\",\"targetSelector\":\"$.projection.total\","
                  + "\"eventSelector\":\"$.event.price\"},"
                  + "{\"function\":\"setref\",\"eventSelector\":\"$.event.sku\"}]}]}");
      JsonNode defined = projections.define("orders", orders);
      assertThat(defined.get("projectionName").asText()).isEqualTo("orders");
      projections.define(
          "revenue",
          JSON.readTree(
              "{\"feedName\":\"order\",\"aggregated\":true,\"handlers\":[{\"eventType\":"
                  + "\"ItemAdded\",\"functions\":[{\"function\":\"add\","
                  + "\"targetSelector\":\"$.projection.sum\",\"eventSelector\":\"$.event.price\"}]}]}"));
      assertThat(projections.definitions())
          .extracting(d -> d.get("projectionName").asText())
          .containsExactly("orders", "revenue");

      client.append("order-1", ExpectedRevision.any(), item("a", 3));
      client.append("order-2", ExpectedRevision.any(), item("b", 4));
      long last = client.append("order-1", ExpectedRevision.any(), item("c", 5)).lastPosition();

      HttpProjections.Document one = projections.document("orders", "1", last, WAIT).orElseThrow();
      assertThat(one.data().get("total").asLong()).as("read-your-writes").isEqualTo(8);
      assertThat(one.reference()).isEqualTo("c");
      HttpProjections.Page page =
          projections.documents("orders", HttpProjections.Query.first(1).sort("-projectionId"));
      assertThat(page.total()).isEqualTo(2);
      assertThat(page.hasMore()).isTrue();
      assertThat(page.documents()).extracting(HttpProjections.Document::id).containsExactly("2");
      assertThat(projections.count("orders", null)).isEqualTo(2);
      assertThat(projections.count("orders", "b")).isEqualTo(1);
      assertThat(
              projections
                  .documents("revenue", HttpProjections.Query.first(1).after(last, WAIT))
                  .total())
          .isEqualTo(1);
      assertThat(projections.aggregate("revenue").orElseThrow().data().get("sum").asLong())
          .isEqualTo(12);
      HttpProjections.Status status = projections.status("orders");
      assertThat(status.checkpoint()).isGreaterThan(last);
      assertThat(status.state()).isEqualTo("live");

      assertThat(projections.document("orders", "9")).isEmpty();
      assertThat(projections.definition("nothing")).isEmpty();
      assertThatThrownBy(() -> projections.define("bad", JSON.readTree("{\"feedName\":\"order\"}")))
          .isInstanceOf(InvalidArgumentException.class);
      assertThat(projections.delete("orders")).isTrue();
      assertThat(projections.delete("orders")).isFalse();
      assertThat(projections.definition("orders")).isEmpty();
    }
  }

  private static List<EventData> item(String sku, int price) {
    return List.of(
        EventData.json("ItemAdded", "{\"sku\":\"" + sku + "\",\"price\":" + price + "}"));
  }
}
