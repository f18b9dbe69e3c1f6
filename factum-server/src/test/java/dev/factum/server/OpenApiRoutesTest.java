package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The served OpenAPI document lists exactly the routes that exist, and each one answers. */
class OpenApiRoutesTest {
  @TempDir Path directory;

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
            documented.add(method.toUpperCase() + " " + path.getKey());
          }
        }
      }
      Set<String> routed = new TreeSet<>();
      for (Route route : Route.values()) {
        routed.add(route.method + " " + route.template);
      }
      assertThat(documented).isEqualTo(routed);

      // every documented path is really served: none answers 404 not-found or 405
      for (Route route : Route.values()) {
        if (route.template.endsWith("/events")) {
          continue; // streaming; covered by SseTest
        }
        String path = route.template.replace("{stream}", "probe-1");
        java.net.http.HttpRequest.Builder request =
            java.net.http.HttpRequest.newBuilder(
                server.uri(path + (route == Route.DELETE_STREAM ? "?expectedRevision=any" : "")));
        request =
            switch (route.method) {
              case "POST" ->
                  request
                      .header("Content-Type", "application/json")
                      .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"));
              case "DELETE" -> request.DELETE();
              default -> request.GET();
            };
        TestServer.Reply answer = server.send(request.build());
        assertThat(answer.status()).as(route.toString()).isNotEqualTo(405);
        if (answer.status() == 404) {
          assertThat(answer.json().get("code").asText())
              .as(route.toString())
              .isEqualTo("stream-not-found");
        }
      }
    }
  }
}
