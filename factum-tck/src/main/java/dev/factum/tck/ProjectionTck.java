package dev.factum.tck;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.projections.DefinitionJson;
import dev.factum.projections.ProjectionDocument;
import dev.factum.projections.ProjectionQuery;
import dev.factum.projections.ProjectionStatus;
import dev.factum.projections.Projections;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Declarative projections (docs/SERIALIZED.md, "Projections") on the storage under test: they reach
 * the state the log implies, survive a restart without applying any event twice (counters equal the
 * number of events), rebuild from the log on a changed definition, and leave no state behind when
 * deleted. Waits use the projections' own creation signal and {@link Await}, never sleeps.
 */
public abstract class ProjectionTck extends TckSupport {
  private static final Duration LONG = Duration.ofSeconds(20);
  private static final String SINGLE =
      "{\"projectionName\":\"orders\",\"feedName\":\"order\",\"handlers\":["
          + "{\"eventType\":\"Placed\",\"functions\":["
          + "{\"function\":\"set\",\"targetSelector\":\"$.projection.status\",\"rawData\":\"PLACED\"},"
          + "{\"function\":\"set\",\"targetSelector\":\"$.projection.customer\",\"eventSelector\":\"$.event.customer\"},"
          + "{\"function\":\"setref\",\"eventSelector\":\"$.event.customer\"},"
          + "{\"function\":\"inc\",\"targetSelector\":\"$.projection.events\"}]},"
          + "{\"eventType\":\"ItemAdded\",\"functions\":["
          + "{\"function\":\"push\",\"targetSelector\":\"$.projection.items\",\"eventSelector\":\"$.event.sku\"},"
          + "{\"function\":\"add\",\"targetSelector\":\"$.projection.total\",\"eventSelector\":\"$.event.price\"},"
          + "{\"function\":\"inc\",\"targetSelector\":\"$.projection.events\"}]},"
          + "{\"eventType\":\"Cancelled\",\"functions\":[{\"function\":\"delete\"}]}]}";
  private static final String AGGREGATED =
      "{\"projectionName\":\"totals\",\"feedName\":\"order\",\"aggregated\":true,\"handlers\":["
          + "{\"eventType\":\"ItemAdded\",\"functions\":["
          + "{\"function\":\"inc\",\"targetSelector\":\"$.projection.items\"},"
          + "{\"function\":\"add\",\"targetSelector\":\"$.projection.revenue\",\"eventSelector\":\"$.event.price\"}]}]}";

  private Projections projections;

  @AfterEach
  void stopProjections() {
    if (projections != null) {
      projections.close();
    }
  }

  private static byte[] bytes(String json) {
    return json.getBytes(UTF_8);
  }

  private void placed(UUID order, String customer) {
    store.append(
        new AppendRequest(
            "order-" + order,
            ExpectedRevision.any(),
            List.of(EventData.json("Placed", "{\"customer\":\"" + customer + "\"}"))));
  }

  private void item(UUID order, String sku, int price) {
    store.append(
        new AppendRequest(
            "order-" + order,
            ExpectedRevision.any(),
            List.of(
                EventData.json("ItemAdded", "{\"sku\":\"" + sku + "\",\"price\":" + price + "}"))));
  }

  private long events(String id) {
    return projections.document("orders", id).orElseThrow().data().path("events").longValue();
  }

  private void awaitState(String what, BooleanSupplier condition) {
    Await.until(what, LONG, condition);
  }

  @Test
  void projectionsReachTheStateOfTheLogAndSurviveARestartWithoutDoubleApplication()
      throws Exception {
    List<UUID> orders = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      UUID order = UUID.randomUUID();
      orders.add(order);
      placed(order, "c" + i);
      for (int k = 0; k < 3; k++) {
        item(order, "sku-" + k, 10 * (k + 1));
      }
    }
    store.append(
        new AppendRequest(
            "other-1", ExpectedRevision.any(), List.of(EventData.json("Placed", "{}"))));
    projections = Projections.start(store);
    projections.create(DefinitionJson.parse(bytes(SINGLE)));
    projections.create(DefinitionJson.parse(bytes(AGGREGATED)));

    String first = orders.getFirst().toString();
    Optional<ProjectionDocument> created = projections.awaitDocument("orders", first, LONG);
    assertThat(created).isPresent();
    awaitState(
        "every order fully projected",
        () ->
            orders.stream()
                .allMatch(
                    o ->
                        projections
                            .document("orders", o.toString())
                            .map(d -> d.data().path("events").longValue() == 4)
                            .orElse(false)));
    ProjectionDocument doc = projections.document("orders", first).orElseThrow();
    assertThat(doc.data().path("status").asText()).isEqualTo("PLACED");
    assertThat(doc.data().path("customer").asText()).isEqualTo("c0");
    assertThat(doc.reference()).isEqualTo("c0");
    assertThat(doc.data().path("items").toString()).isEqualTo("[\"sku-0\",\"sku-1\",\"sku-2\"]");
    assertThat(doc.data().path("total").longValue()).isEqualTo(60);
    awaitState(
        "the aggregated projection",
        () ->
            projections
                .document("totals", "totals")
                .map(d -> d.data().path("items").longValue() == 15)
                .orElse(false));
    assertThat(
            projections
                .document("totals", "totals")
                .orElseThrow()
                .data()
                .path("revenue")
                .longValue())
        .isEqualTo(5 * 60);
    assertThat(projections.list("orders", ProjectionQuery.all()).total())
        .as("the other feed's event made no projection")
        .isEqualTo(5);

    projections.close();
    reopen();
    projections = Projections.start(store);
    item(orders.getFirst(), "sku-9", 5);
    placed(orders.get(1), "c1");
    awaitState(
        "the new events after the restart",
        () -> events(first) == 5 && events(orders.get(1).toString()) == 5);
    awaitState(
        "the aggregated projection after the restart",
        () ->
            projections.document("totals", "totals").orElseThrow().data().path("items").longValue()
                == 16);
    assertThat(projections.status("orders").orElseThrow().lag()).isGreaterThanOrEqualTo(0);
    for (UUID order : orders.subList(2, orders.size())) {
      assertThat(events(order.toString())).as("no event applied twice").isEqualTo(4);
    }
    assertThat(
            projections
                .document("totals", "totals")
                .orElseThrow()
                .data()
                .path("revenue")
                .longValue())
        .isEqualTo(5 * 60 + 5);
  }

  @Test
  void aChangedDefinitionRebuildsFromTheLogAndADeletedOneLeavesNothing() throws Exception {
    UUID order = UUID.randomUUID();
    placed(order, "a");
    item(order, "x", 7);
    projections = Projections.start(store);
    projections.create(DefinitionJson.parse(bytes(SINGLE)));
    awaitState(
        "the first generation",
        () ->
            projections
                .document("orders", order.toString())
                .map(d -> d.data().path("events").longValue() == 2)
                .orElse(false));

    String changed = SINGLE.replace("\"rawData\":\"PLACED\"", "\"rawData\":\"NEW\"");
    assertThat(projections.createOrUpdate(DefinitionJson.parse(bytes(changed)))).isTrue();
    assertThat(projections.createOrUpdate(DefinitionJson.parse(bytes(changed))))
        .as("an equal definition changes nothing")
        .isFalse();
    awaitState(
        "the rebuilt state",
        () ->
            projections
                .document("orders", order.toString())
                .map(
                    d ->
                        d.data().path("status").asText().equals("NEW")
                            && d.data().path("events").longValue() >= 2)
                .orElse(false));
    ProjectionDocument rebuilt = projections.document("orders", order.toString()).orElseThrow();
    assertThat(rebuilt.data().path("events").longValue()).as("built from scratch").isEqualTo(2);
    assertThat(store.records().list("projection.orders.1"))
        .as("the old generation is removed")
        .isEmpty();
    assertThat(store.consumerGroups().list())
        .extracting(g -> g.definition().name())
        .containsExactly("$projection-orders-2");

    store.append(
        new AppendRequest(
            "order-" + order, ExpectedRevision.any(), List.of(EventData.json("Cancelled", "{}"))));
    awaitState(
        "the delete function", () -> projections.document("orders", order.toString()).isEmpty());

    assertThat(projections.delete("orders")).isTrue();
    assertThat(projections.definitions()).isEmpty();
    assertThat(store.consumerGroups().list()).isEmpty();
    assertThat(store.records().list(Projections.DEFINITIONS)).isEmpty();
    assertThat(store.records().list("projection.orders.2")).isEmpty();
    assertThat(projections.document("orders", order.toString())).isEmpty();

    projections.close();
    reopen();
    projections = Projections.start(store);
    assertThat(projections.definitions()).as("a deleted definition stays deleted").isEmpty();
  }

  @Test
  void aQueryAfterAwaitProcessedSeesTheAppendAndTheStatusTurnsLive() throws Exception {
    UUID order = UUID.randomUUID();
    placed(order, "early");
    projections = Projections.start(store);
    projections.create(DefinitionJson.parse(bytes(SINGLE)));
    assertThat(projections.awaitProcessed("nothing", 0, Duration.ZERO))
        .as("an unknown projection has processed nothing")
        .isFalse();

    List<EventData> items = new ArrayList<>();
    for (int k = 0; k < 20; k++) {
      items.add(EventData.json("ItemAdded", "{\"sku\":\"s\",\"price\":1}"));
    }
    long last =
        store
            .append(new AppendRequest("order-" + order, ExpectedRevision.any(), items))
            .lastPosition();
    assertThat(projections.awaitProcessed("orders", last, LONG)).isTrue();
    ProjectionDocument seen = projections.document("orders", order.toString()).orElseThrow();
    assertThat(seen.data().path("events").longValue())
        .as("every event up to the awaited position is in the state, read at once")
        .isEqualTo(21);
    assertThat(projections.count("orders", null)).isEqualTo(1);
    assertThat(projections.count("orders", "early")).isEqualTo(1);
    assertThat(projections.count("orders", "late")).isZero();
    assertThat(projections.awaitProcessed("orders", last + 1, Duration.ofMillis(50)))
        .as("a position not yet in the log is not processed")
        .isFalse();

    ProjectionStatus status = projections.status("orders").orElseThrow();
    assertThat(status.checkpoint()).isGreaterThan(last);
    assertThat(status.state()).isEqualTo(ProjectionStatus.State.LIVE);
    assertThat(status.lag()).isZero();
  }
}
