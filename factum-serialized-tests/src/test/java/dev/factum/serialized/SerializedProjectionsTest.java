package dev.factum.serialized;

import static io.serialized.client.aggregate.AggregateRequest.appendRequest;
import static io.serialized.client.aggregate.AggregateRequest.saveRequest;
import static io.serialized.client.projection.EventSelector.eventSelector;
import static io.serialized.client.projection.Functions.add;
import static io.serialized.client.projection.Functions.delete;
import static io.serialized.client.projection.Functions.inc;
import static io.serialized.client.projection.Functions.push;
import static io.serialized.client.projection.Functions.set;
import static io.serialized.client.projection.Functions.setref;
import static io.serialized.client.projection.RawData.rawData;
import static io.serialized.client.projection.TargetSelector.targetSelector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.tck.Await;
import io.serialized.client.ApiException;
import io.serialized.client.aggregate.AggregateClient;
import io.serialized.client.aggregate.Event;
import io.serialized.client.projection.ProjectionClient;
import io.serialized.client.projection.ProjectionDefinition;
import io.serialized.client.projection.ProjectionRequests;
import io.serialized.client.projection.ProjectionResponse;
import io.serialized.client.projection.ProjectionsResponse;
import io.serialized.client.projection.query.ProjectionQueries;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Serialized client's projection API against a real Factum server: definitions, single
 * and aggregated projections maintained from aggregates saved through the client, list queries, a
 * changed definition rebuilding, a deleted one disappearing, and bad definitions refused with
 * nothing written.
 */
class SerializedProjectionsTest {
  private static final Duration AWAIT = Duration.ofSeconds(20);
  @TempDir Path directory;
  FactumUnderTest factum;
  ProjectionClient projections;
  AggregateClient<SerializedFeedsTest.Anything> orders;

  @BeforeEach
  void start() throws Exception {
    factum = FactumUnderTest.open(directory);
    projections = ProjectionClient.projectionClient(factum.config()).build();
    orders =
        AggregateClient.aggregateClient(
                "order", SerializedFeedsTest.Anything.class, factum.config())
            .build();
  }

  @AfterEach
  void stop() {
    factum.close();
  }

  private static ProjectionDefinition orderView(String status) {
    return ProjectionDefinition.singleProjection("order-view")
        .feed("order")
        .addHandler(
            "OrderPlaced",
            set().with(targetSelector("status")).with(rawData(status)).build(),
            set().with(targetSelector("customer")).with(eventSelector("customer")).build(),
            setref().with(eventSelector("customer")).build())
        .addHandler(
            "ItemAdded",
            push().with(targetSelector("items")).with(eventSelector("sku")).build(),
            add().with(targetSelector("total")).with(eventSelector("price")).build())
        .addHandler("OrderCancelled", delete().build())
        .build();
  }

  private static ProjectionDefinition orderStats() {
    return ProjectionDefinition.aggregatedProjection("order-stats")
        .feed("order")
        .addHandler("OrderPlaced", inc().with(targetSelector("orders")).build())
        .addHandler(
            "ItemAdded",
            inc().with(targetSelector("items")).build(),
            add().with(targetSelector("revenue")).with(eventSelector("price")).build())
        .build();
  }

  private UUID place(String customer, int... prices) {
    UUID id = UUID.randomUUID();
    orders.save(
        saveRequest()
            .withAggregateId(id)
            .withEvent(Event.newEvent("OrderPlaced").data("customer", customer).build())
            .build());
    for (int i = 0; i < prices.length; i++) {
      orders.save(
          appendRequest(i + 1)
              .withAggregateId(id)
              .withEvent(
                  Event.newEvent("ItemAdded").data("sku", "sku-" + i, "price", prices[i]).build())
              .build());
    }
    return id;
  }

  @SuppressWarnings("unchecked")
  private ProjectionResponse<Map<String, Object>> single(UUID id) {
    return projections.query(
        ProjectionQueries.single("order-view")
            .withId(id)
            .withAwaitCreation(AWAIT)
            .build(Map.class));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> stats() {
    ProjectionResponse<Map<String, Object>> response =
        projections.query(ProjectionQueries.aggregated("order-stats").build(Map.class));
    return response.data();
  }

  private boolean statsAre(int orders, int revenue) {
    try {
      Map<String, Object> data = stats();
      return ((Number) data.get("orders")).intValue() == orders
          && ((Number) data.getOrDefault("revenue", 0)).intValue() == revenue;
    } catch (ApiException notYet) {
      return false;
    }
  }

  @Test
  void projectionsReachTheirStateAndAnswerQueries() {
    projections.createDefinition(orderView("PLACED"));
    projections.createDefinition(orderStats());
    assertThat(projections.getDefinition("order-view").feedName()).isEqualTo("order");
    assertThat(projections.listDefinitions().definitions())
        .extracting(ProjectionDefinition::projectionName)
        .containsExactly("order-stats", "order-view");

    UUID ann = place("ann", 10, 20);
    UUID bob = place("bob", 5);
    UUID cid = place("cid");

    ProjectionResponse<Map<String, Object>> annView = single(ann);
    assertThat(annView.projectionId()).isEqualTo(ann.toString());
    Await.until(
        "ann's items",
        AWAIT,
        () -> single(ann).data().get("items") instanceof List<?> items && items.size() == 2);
    annView = single(ann);
    assertThat(annView.data())
        .containsEntry("status", "PLACED")
        .containsEntry("customer", "ann")
        .containsEntry("items", List.of("sku-0", "sku-1"))
        .containsEntry("total", 30);
    assertThat(annView.updatedAt()).isGreaterThanOrEqualTo(annView.createdAt());
    Await.until("the aggregated projection", AWAIT, () -> statsAre(3, 35));

    Await.until(
        "three single projections",
        AWAIT,
        () -> projections.count(ProjectionRequests.single("order-view").build()) == 3);
    assertThat(
            projections.count(ProjectionRequests.single("order-view").withReference("bob").build()))
        .isEqualTo(1);
    @SuppressWarnings("unchecked")
    ProjectionsResponse<Map<String, Object>> page =
        projections.query(
            ProjectionQueries.list("order-view")
                .withSortDescending("reference")
                .withLimit(2)
                .build(Map.class));
    assertThat(page.projections())
        .extracting(ProjectionResponse::projectionId)
        .containsExactly(cid.toString(), bob.toString());
    assertThat(page.hasMore()).isTrue();
    @SuppressWarnings("unchecked")
    ProjectionsResponse<Map<String, Object>> rest =
        projections.query(
            ProjectionQueries.list("order-view")
                .withSortDescending("reference")
                .withSkip(2)
                .withLimit(2)
                .build(Map.class));
    assertThat(rest.projections())
        .extracting(ProjectionResponse::projectionId)
        .containsExactly(ann.toString());
    assertThat(rest.hasMore()).isFalse();

    orders.save(
        appendRequest(1)
            .withAggregateId(cid)
            .withEvent(Event.newEvent("OrderCancelled").build())
            .build());
    Await.until(
        "the cancelled order's projection deleted",
        AWAIT,
        () -> projections.count(ProjectionRequests.single("order-view").build()) == 2);
    assertThatThrownBy(
            () ->
                projections.query(
                    ProjectionQueries.single("order-view").withId(cid).build(Map.class)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
  }

  @Test
  void aChangedDefinitionRebuildsAndADeletedOneDisappears() {
    projections.createDefinition(orderView("PLACED"));
    UUID ann = place("ann", 10);
    Await.until(
        "the first generation",
        AWAIT,
        () -> single(ann).data().get("total") instanceof Number total && total.intValue() == 10);

    projections.createOrUpdate(orderView("NEW"));
    // The rebuild applies the log in order, one event at a time: ann's OrderPlaced (status NEW)
    // is visible before her ItemAdded. An order placed after the redefinition is applied after
    // both, so once it shows, ann's rebuilt state is complete (and from scratch: a rebuild over
    // the old state would have added her price twice).
    UUID later = place("cid");
    Await.until(
        "the rebuilt projection caught up",
        AWAIT,
        () -> "NEW".equals(single(later).data().get("status")));
    assertThat(single(ann).data())
        .as("rebuilt from scratch")
        .containsEntry("status", "NEW")
        .containsEntry("total", 10);
    assertThat(
            projections
                .getDefinition("order-view")
                .handlers()
                .getFirst()
                .functions()
                .getFirst()
                .rawData())
        .isEqualTo("NEW");

    projections.deleteDefinition("order-view");
    assertThat(projections.listDefinitions().definitions()).isEmpty();
    assertThatThrownBy(() -> projections.getDefinition("order-view"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    assertThatThrownBy(
            () ->
                projections.query(
                    ProjectionQueries.single("order-view").withId(ann).build(Map.class)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    assertThat(factum.store.consumerGroups().list()).as("its group is gone").isEmpty();
  }

  @Test
  void badDefinitionsAndQueriesAre4xxAndWriteNothing() throws Exception {
    String handler =
        "\"handlers\":[{\"eventType\":\"E\",\"functions\":[{\"function\":\"inc\","
            + "\"targetSelector\":\"$.projection.n\"}]}]";
    List<String> bodies = new ArrayList<>();
    bodies.add("");
    bodies.add("{");
    bodies.add("[]");
    bodies.add("{\"projectionName\":\"p\",\"feedName\":\"order\"}");
    bodies.add("{\"projectionName\":\"p\",\"feedName\":\"order\",\"handlers\":[]}");
    bodies.add(
        "{\"projectionName\":\"p\",\"feedName\":\"order\","
            + handler.replace("inc", "explode")
            + "}");
    bodies.add(
        "{\"projectionName\":\"p\",\"feedName\":\"order\","
            + handler.replace("$.projection.n", "$.nowhere.n")
            + "}");
    bodies.add(
        "{\"projectionName\":\"p\",\"feedName\":\"order\","
            + handler.replace("$.projection.n", "$.projection.n[0]")
            + "}");
    bodies.add("{\"projectionName\":\"p\",\"feedName\":\"order\",\"surprise\":1," + handler + "}");
    bodies.add("{\"projectionName\":\"p q\",\"feedName\":\"order\"," + handler + "}");
    bodies.add("{\"projectionName\":\"p\",\"feedName\":\"or-der\"," + handler + "}");
    bodies.add(
        "{\"projectionName\":\"" + "p".repeat(101) + "\",\"feedName\":\"order\"," + handler + "}");
    bodies.add(
        "{\"projectionName\":\"p\",\"feedName\":\"order\",\"handlers\":[{\"eventType\":\"E\","
            + "\"functionUri\":\"http://127.0.0.1:1/\"}]}");
    bodies.add(
        "{\"projectionName\":\"p\",\"feedName\":\"order\",\"handlers\":[{\"eventType\":\"E\","
            + "\"functions\":[{\"function\":\"set\",\"targetSelector\":\"$.projection.n\","
            + "\"rawData\":\""
            + "x".repeat(2 << 20)
            + "\"}]}]}");
    for (String body : bodies) {
      for (String[] call :
          List.of(
              new String[] {"POST", "/serialized/projections/definitions"},
              new String[] {"PUT", "/serialized/projections/definitions/p"})) {
        HttpResponse<String> response = factum.send(call[0], call[1], body, null);
        assertThat(response.statusCode())
            .as("%s %s %s", call[0], call[1], body.length() > 200 ? body.substring(0, 200) : body)
            .isBetween(400, 499);
      }
    }
    projections.createDefinition(orderView("PLACED"));
    for (String path :
        List.of(
            "/serialized/projections/single/order-view?limit=0",
            "/serialized/projections/single/order-view?limit=1001",
            "/serialized/projections/single/order-view?skip=-1",
            "/serialized/projections/single/order-view?sort=colour",
            "/serialized/projections/single/order-view?search=x",
            "/serialized/projections/single/order-view?surprise=1",
            "/serialized/projections/single/order-view/x?awaitCreation=60001",
            "/serialized/projections/single/order-view/x?awaitCreation=soon",
            "/serialized/projections/aggregated/order-view",
            "/serialized/projections/single/nothing-here/x")) {
      HttpResponse<String> response = factum.send("GET", path, null, null);
      assertThat(response.statusCode()).as(path).isBetween(400, 499);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("application/problem+json");
    }
    assertThat(projections.listDefinitions().definitions())
        .extracting(ProjectionDefinition::projectionName)
        .as("nothing but the good definition was written")
        .containsExactly("order-view");
    assertThat(factum.store.records().list("projections.definitions")).hasSize(1);
    assertThat(factum.store.consumerGroups().list()).hasSize(1);
    assertThatThrownBy(() -> projections.createDefinition(orderView("AGAIN")))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(409));
  }

  @Test
  void oneStoreOfDefinitionsAndDocumentsServedByBothFaces() throws Exception {
    String native_ =
        "{\"feedName\":\"order\",\"handlers\":[{\"eventType\":\"ItemAdded\",\"functions\":["
            + "{\"function\":\"add\",\"targetSelector\":\"$.projection.total\","
            + "\"eventSelector\":\"$.event.price\"}]}]}";
    HttpResponse<String> created = factum.send("PUT", "/projections/native-view", native_, null);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    projections.createDefinition(orderView("PLACED"));

    assertThat(projections.listDefinitions().definitions())
        .extracting(ProjectionDefinition::projectionName)
        .containsExactly("native-view", "order-view");
    assertThat(projections.getDefinition("native-view").feedName()).isEqualTo("order");
    HttpResponse<String> listed = factum.send("GET", "/projections", null, null);
    assertThat(listed.body()).contains("\"native-view\"", "\"order-view\"");

    UUID order = place("ann", 5, 7);
    @SuppressWarnings("unchecked")
    ProjectionResponse<Map<String, Object>> viaClient =
        projections.query(
            ProjectionQueries.single("native-view")
                .withId(order)
                .withAwaitCreation(AWAIT)
                .build(Map.class));
    Await.until(
        "both events in the natively defined projection",
        AWAIT,
        () -> {
          @SuppressWarnings("unchecked")
          ProjectionResponse<Map<String, Object>> now =
              projections.query(
                  ProjectionQueries.single("native-view").withId(order).build(Map.class));
          return now.data().get("total") instanceof Number total && total.intValue() == 12;
        });
    HttpResponse<String> viaNative =
        factum.send("GET", "/projections/native-view/documents/" + order, null, null);
    assertThat(viaNative.statusCode()).isEqualTo(200);
    assertThat(viaNative.body()).contains("\"total\":12");
    assertThat(viaClient.projectionId()).isEqualTo(order.toString());

    HttpResponse<String> clientMade =
        factum.send("GET", "/projections/order-view/documents/" + order + "?wait=20", null, null);
    assertThat(clientMade.statusCode()).as(clientMade.body()).isEqualTo(200);
    assertThat(clientMade.body()).contains("\"customer\":\"ann\"", "\"reference\":\"ann\"");
    assertThat(single(order).data()).containsEntry("customer", "ann");

    assertThat(factum.send("DELETE", "/projections/order-view", null, null).statusCode())
        .isEqualTo(204);
    assertThat(projections.listDefinitions().definitions())
        .extracting(ProjectionDefinition::projectionName)
        .as("deleted natively, gone for the client")
        .containsExactly("native-view");
  }
}
