package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The served OpenAPI document lists exactly the routes that exist, and each one answers. */
class OpenApiRoutesTest {
  @TempDir Path directory;

  /**
   * Real responses carry every field the document marks required, for each shape: pages and events
   * (stream and log reads), append results, stream states, and problems.
   */
  @Test
  void realResponsesHaveEveryRequiredField() throws Exception {
    try (TestServer server = new TestServer(directory)) {
      JsonNode document = server.get("/openapi.json").json();
      String append =
          "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{}},"
              + "{\"type\":\"U\",\"data\":1,\"metadata\":{},\"tags\":[\"t\"]}]}";
      TestServer.Reply appended = server.post("/streams/s-1", append);
      checkRequired(document, Route.APPEND, appended);
      checkRequired(
          document,
          Route.MULTI_APPEND,
          server.post(
              "/append",
              "{\"appends\":[{\"stream\":\"m-1\",\"expectedRevision\":\"any\",\"events\":"
                  + "[{\"type\":\"T\",\"data\":{}}]}]}"));
      checkRequired(document, Route.READ_STREAM, server.get("/streams/s-1"));
      checkRequired(document, Route.READ_ALL, server.get("/all"));
      checkRequired(document, Route.READ_ALL, server.get("/all?direction=backward&limit=1"));
      checkRequired(document, Route.STREAM_STATE, server.get("/streams/s-1/state"));
      checkRequired(document, Route.STREAM_STATE, server.get("/streams/never-1/state"));
      checkRequired(document, Route.LIST_STREAMS, server.get("/streams?limit=1"));
      checkRequired(document, Route.LIST_STREAMS, server.get("/streams?category=a-b")); // a problem
      checkRequired(
          document, Route.DELETE_STREAM, server.delete("/streams/m-1?expectedRevision=any"));
      checkRequired(document, Route.READ_ALL, server.get("/all?categroy=x")); // a problem
      checkRequired(
          document, Route.APPEND, server.post("/streams/s-1", append.replace("any", "0")));

      String aggregate = "/serialized/aggregates/probe/6f1c2a4e-0000-4000-8000-000000000001";
      String batch =
          "{\"expectedVersion\":0,\"events\":[{\"eventId\":\"6f1c2a4e-0000-4000-8000-00000000000e\","
              + "\"eventType\":\"T\",\"data\":{},\"encryptedData\":\"x\"}]}";
      checkRequired(document, Route.SERIALIZED_SAVE, server.post(aggregate + "/events", batch));
      checkRequired(
          document,
          Route.SERIALIZED_SAVE,
          server.post(aggregate + "/events", batch.replace("000e", "000f"))); // a conflict
      checkRequired(
          document,
          Route.SERIALIZED_BULK_SAVE,
          server.post(
              "/serialized/aggregates/probe/events",
              "{\"batches\":[{\"aggregateId\":\"6f1c2a4e-0000-4000-8000-000000000002\","
                  + "\"events\":[{\"eventType\":\"T\"}]}]}"));
      checkRequired(document, Route.SERIALIZED_LOAD, server.get(aggregate));
      checkRequired(document, Route.SERIALIZED_FEEDS, server.get("/serialized/feeds"));
      checkRequired(document, Route.SERIALIZED_FEED, server.get("/serialized/feeds/probe"));
      checkRequired(document, Route.SERIALIZED_FEED, server.get("/serialized/feeds/_all?limit=1"));
      checkRequired(document, Route.SERIALIZED_DELETE, server.delete(aggregate));
      checkRequired(
          document, Route.SERIALIZED_DELETE_TYPE, server.delete("/serialized/aggregates/probe"));

      String view = "/projections/probe-view";
      checkRequired(
          document,
          Route.PROJECTION_PUT,
          server.put(view, NativeProjectionHttpTest.ORDERS.replace("order", "probe")));
      checkRequired(document, Route.PROJECTION_PUT, server.put(view, "{}")); // a problem
      long position =
          server
              .post("/streams/probe-1", append.replace("\"T\"", "\"Placed\""))
              .json()
              .get("position")
              .asLong();
      checkRequired(document, Route.PROJECTIONS, server.get("/projections"));
      checkRequired(document, Route.PROJECTION_DEFINITION, server.get(view));
      checkRequired(document, Route.PROJECTION_STATUS, server.get(view + "/status"));
      checkRequired(
          document,
          Route.PROJECTION_DOCUMENT,
          server.get(view + "/documents/1?wait=10&position=" + position));
      checkRequired(document, Route.PROJECTION_DOCUMENTS, server.get(view + "/documents"));
      checkRequired(document, Route.PROJECTION_COUNT, server.get(view + "/count"));
      checkRequired(document, Route.PROJECTION_AGGREGATE, server.get(view + "/aggregate"));
      checkRequired(document, Route.PROJECTION_DELETE, server.delete(view));
    }
  }

  /** Checks {@code reply} against the schema the document gives its route and status. */
  private static void checkRequired(JsonNode document, Route route, TestServer.Reply reply)
      throws Exception {
    JsonNode response =
        document
            .get("paths")
            .get(route.template)
            .get(route.method.toLowerCase(Locale.ROOT))
            .get("responses")
            .get(Integer.toString(reply.status()));
    assertThat(response).as("%s documents status %s", route, reply.status()).isNotNull();
    JsonNode content = response.path("content");
    if (!content.isObject() || !content.has(reply.contentType())) {
      return; // a body that is not JSON (metrics, SSE) or none (304)
    }
    checkValue(document, content.get(reply.contentType()).get("schema"), reply.json(), route + "");
  }

  private static void checkValue(JsonNode document, JsonNode schema, JsonNode value, String at) {
    if (schema.has("$ref")) {
      String name = schema.get("$ref").asText().replace("#/components/schemas/", "");
      checkValue(document, document.at("/components/schemas/" + name), value, at);
      return;
    }
    for (JsonNode part : schema.path("allOf")) {
      checkValue(document, part, value, at);
    }
    for (JsonNode required : schema.path("required")) {
      assertThat(value.has(required.asText()))
          .as("%s: required field '%s' in %s", at, required.asText(), value)
          .isTrue();
    }
    if (value.isObject()) {
      for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
        if (value.has(property.getKey())) {
          checkValue(
              document,
              property.getValue(),
              value.get(property.getKey()),
              at + "." + property.getKey());
        }
      }
    }
    if (value.isArray() && schema.has("items")) {
      for (JsonNode item : value) {
        checkValue(document, schema.get("items"), item, at + "[]");
      }
    }
  }

  @Test
  void theDocumentAndTheRoutesAgree() throws Exception {
    try (TestServer server = new TestServer(directory)) {
      TestServer.Reply reply = server.get("/openapi.json");
      assertThat(reply.status()).isEqualTo(200);
      JsonNode paths = reply.json().get("paths");
      Set<String> documented = new TreeSet<>();
      for (Map.Entry<String, JsonNode> path : paths.properties()) {
        for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
          String method = methods.next();
          if (!method.equals("parameters")) {
            documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
          }
        }
      }
      Set<String> routed = new TreeSet<>();
      for (Route route : Route.values()) {
        routed.add(route.method + " " + route.template);
      }
      assertThat(documented).isEqualTo(routed);

      // Each route's documented query parameters are exactly those it accepts (others are 400).
      for (Route route : Route.values()) {
        JsonNode operation = paths.get(route.template).get(route.method.toLowerCase(Locale.ROOT));
        Set<String> query = new TreeSet<>();
        for (JsonNode parameter : operation.path("parameters")) {
          if (parameter.get("in").asText().equals("query")) {
            query.add(parameter.get("name").asText());
            if (Set.of("category", "type", "tag").contains(parameter.get("name").asText())) {
              assertThat(parameter.at("/schema/type").asText())
                  .as(route + " filter")
                  .isEqualTo("array");
              assertThat(parameter.get("explode").asBoolean()).as(route + " filter").isTrue();
            }
          }
        }
        assertThat(query).as(route.toString()).isEqualTo(new TreeSet<>(route.query));
        assertThat(operation.get("responses").has("400")).as(route + " documents 400").isTrue();
      }

      // every documented path is really served: none answers 404 not-found or 405
      for (Route route : Route.values()) {
        if (route.template.endsWith("/events")) {
          continue; // streaming; covered by SseTest
        }
        String path =
            route
                .template
                .replace("{stream}", "probe-1")
                .replace("{id}", "0000000000000000")
                .replace("{group}", "probe")
                .replace("{name}", "probe")
                .replace("{aggregateType}", "probe")
                .replace("{aggregateId}", "6f1c2a4e-0000-4000-8000-000000000001")
                .replace("{feedName}", "probe")
                .replace("{projectionName}", "probe")
                .replace("{projectionId}", "probe")
                .replace("{asset}", "app.js")
                .replace("{subject}", "probe")
                .replace("{reactionName}", "probe")
                .replace("{reactionId}", "6f1c2a4e-0000-4000-8000-000000000002")
                .replace("{tenantId}", "6f1c2a4e-0000-4000-8000-000000000003");
        HttpRequest.Builder request =
            HttpRequest.newBuilder(
                server.uri(path + (route == Route.DELETE_STREAM ? "?expectedRevision=any" : "")));
        request =
            switch (route.method) {
              case "POST" ->
                  request
                      .header("Content-Type", "application/json")
                      .POST(BodyPublishers.ofString("{}"));
              case "PUT" ->
                  request
                      .header("Content-Type", "application/json")
                      .PUT(BodyPublishers.ofString("{}"));
              case "DELETE" -> request.DELETE();
              case "HEAD" -> request.method("HEAD", BodyPublishers.noBody());
              default -> request.GET();
            };
        TestServer.Reply answer = server.send(request.build());
        checkRequired(reply.json(), route, answer);
        assertThat(answer.status()).as(route.toString()).isNotEqualTo(405);
        if (answer.status() == 404 && !route.method.equals("HEAD")) {
          // a stream, key or group that does not exist, never a path the router does not know
          String code = answer.json().get("code").asText();
          if (route.template.startsWith("/groups/")) {
            assertThat(code).as(route.toString()).isEqualTo("group-not-found");
          } else if (route.template.startsWith("/admin/tenants/")) {
            assertThat(code).as(route.toString()).isEqualTo("tenant-not-found");
          } else if (route.template.startsWith("/admin/webhooks/")) {
            assertThat(code).as(route.toString()).isEqualTo("webhook-not-found");
          } else if (route.template.startsWith("/serialized/reactions/")) {
            assertThat(code).as(route.toString()).isEqualTo("reaction-not-found");
          } else if (route.template.startsWith("/serialized/tenants/")) {
            assertThat(code).as(route.toString()).isEqualTo("tenant-not-found");
          } else if (route.template.startsWith("/admin/sinks/")) {
            assertThat(code).as(route.toString()).isEqualTo("sink-not-found");
          } else if (route.template.startsWith("/serialized/projections/")
              || route.template.startsWith("/projections/")) {
            assertThat(code).as(route.toString()).isEqualTo("projection-not-found");
          } else if (route == Route.ADMIN_REVOKE_KEY) {
            assertThat(answer.json().get("detail").asText()).isEqualTo("no such key");
          } else {
            assertThat(code).as(route.toString()).isEqualTo("stream-not-found");
          }
        }
      }
    }
  }
}
