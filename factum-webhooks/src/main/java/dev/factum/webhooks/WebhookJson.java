package dev.factum.webhooks;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.groups.GroupStart;
import dev.factum.api.groups.GroupStatus;
import dev.factum.wire.GroupJson;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Set;

/**
 * The JSON of webhooks over HTTP: a definition as the admin sends it, a status as the server
 * answers. The one owner of these shapes (the OpenAPI document describes the same).
 *
 * <p>A definition: {@code {"name", "url", "source" (as a consumer group's), "start", "maxBatch",
 * "timeoutMillis", "maxRetries", "backoffMillis", "paused"}}; only {@code name} and {@code url} are
 * required, unknown members are refused.
 */
public final class WebhookJson {
  private static final Set<String> DEFINITION =
      Set.of(
          "name",
          "url",
          "source",
          "start",
          "maxBatch",
          "timeoutMillis",
          "maxRetries",
          "backoffMillis",
          "paused");

  private WebhookJson() {}

  public static WebhookDefinition definition(ObjectNode root) {
    GroupJson.only(root, DEFINITION, "a webhook");
    JsonNode name = root.get("name");
    JsonNode url = root.get("url");
    if (name == null || !name.isTextual()) {
      throw new InvalidArgumentException("a webhook needs a 'name' string");
    }
    if (url == null || !url.isTextual()) {
      throw new InvalidArgumentException("a webhook needs a 'url' string");
    }
    URI uri;
    try {
      uri = new URI(url.textValue());
    } catch (URISyntaxException e) {
      throw new InvalidArgumentException("'url' is not a URL");
    }
    WebhookDefinition defaults =
        WebhookDefinition.of(name.textValue(), uri, GroupJson.source(root.get("source")));
    JsonNode paused = root.get("paused");
    if (paused != null && !paused.isBoolean()) {
      throw new InvalidArgumentException("'paused' must be true or false");
    }
    return new WebhookDefinition(
        defaults.name(),
        defaults.url(),
        defaults.source(),
        GroupJson.start(root.get("start")),
        (int) GroupJson.optional(root, "maxBatch", defaults.maxBatch(), 1_000),
        Duration.ofMillis(
            GroupJson.optional(root, "timeoutMillis", defaults.timeout().toMillis(), 300_000)),
        (int) GroupJson.optional(root, "maxRetries", defaults.maxRetries(), 1_000),
        Duration.ofMillis(
            GroupJson.optional(root, "backoffMillis", defaults.backoff().toMillis(), 3_600_000)),
        paused != null && paused.booleanValue());
  }

  /** The members of a webhook's status (not the enclosing braces). */
  public static void writeStatus(JsonGenerator json, WebhookStatus status) throws IOException {
    WebhookDefinition definition = status.definition();
    json.writeStringField("name", definition.name());
    json.writeStringField("url", definition.url().toString());
    json.writeFieldName("source");
    GroupJson.writeSource(json, definition.source());
    if (definition.start().position() == GroupStart.END) {
      json.writeStringField("start", "end");
    } else {
      json.writeNumberField("start", definition.start().position());
    }
    json.writeNumberField("maxBatch", definition.maxBatch());
    json.writeNumberField("timeoutMillis", definition.timeout().toMillis());
    json.writeNumberField("maxRetries", definition.maxRetries());
    json.writeNumberField("backoffMillis", definition.backoff().toMillis());
    json.writeBooleanField("paused", definition.paused());
    json.writeStringField("group", definition.group());
    GroupStatus group = status.group();
    json.writeNumberField("checkpoint", group.checkpoint());
    json.writeNumberField("lag", group.lag());
    json.writeNumberField("inFlight", group.inFlight());
    json.writeNumberField("parked", group.parked());
    json.writeNumberField("delivered", status.delivered());
    json.writeNumberField("failedRequests", status.failedRequests());
    if (status.lastError() != null) {
      json.writeStringField("lastError", status.lastError());
    }
    if (status.lastDelivery() != null) {
      json.writeStringField("lastDelivery", status.lastDelivery().toString());
    }
  }
}
