package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.factum.api.ForbiddenException;
import dev.factum.api.RecordConflictException;
import dev.factum.kafka.KafkaSinks;
import dev.factum.kafka.SinkDefinition;
import dev.factum.kafka.SinkJson;
import dev.factum.kafka.SinkStatus;
import dev.factum.wire.ProblemCode;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code /admin/sinks}: create, list, show, pause, resume and delete the root store's Kafka sinks
 * (docs/KAFKA.md). For admins of the root store only, like webhooks and tenants. Producer
 * properties that look like credentials ({@code password}, {@code secret}, {@code jaas} in the
 * name) are answered as {@code "***"}: they are stored to be used, not to be read back.
 */
final class SinkResource implements Resource {
  private static final String REDACTED = "***";

  private final KafkaSinks sinks;
  private final ServerConfig config;

  SinkResource(KafkaSinks sinks, ServerConfig config) {
    this.sinks = sinks;
    this.config = config;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(
        Route.ADMIN_SINKS,
        Route.ADMIN_CREATE_SINK,
        Route.ADMIN_SINK,
        Route.ADMIN_DELETE_SINK,
        Route.ADMIN_PAUSE_SINK,
        Route.ADMIN_RESUME_SINK);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    if (!request.store().principal().root()) {
      throw new ForbiddenException("this API key may not use this resource");
    }
    return switch (match.route()) {
      case ADMIN_SINKS ->
          Responses.json(
              request.exchange,
              200,
              json -> {
                json.writeArrayFieldStart("sinks");
                for (SinkStatus status : sinks.list()) {
                  json.writeStartObject();
                  write(json, status);
                  json.writeEndObject();
                }
                json.writeEndArray();
              });
      case ADMIN_CREATE_SINK -> {
        SinkDefinition definition =
            SinkJson.read(WireFormat.parseObject(request.jsonBody(config.maxRequestBytes())));
        SinkStatus created;
        try {
          created = sinks.create(definition);
        } catch (RecordConflictException e) {
          throw new HttpProblem(
              ProblemCode.SINK_EXISTS, "a sink named '" + definition.name() + "' exists");
        }
        yield Responses.json(request.exchange, 201, json -> write(json, created));
      }
      case ADMIN_SINK -> status(request, sinks.status(name(request)));
      case ADMIN_PAUSE_SINK -> status(request, sinks.pause(name(request)));
      case ADMIN_RESUME_SINK -> status(request, sinks.resume(name(request)));
      case ADMIN_DELETE_SINK -> {
        String name = name(request);
        try {
          sinks.delete(name);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new HttpProblem(ProblemCode.STORE_CLOSED, "the server is shutting down");
        }
        yield Responses.json(
            request.exchange,
            200,
            json -> {
              json.writeStringField("name", name);
              json.writeStringField("status", "deleted");
            });
      }
      default -> throw new IllegalArgumentException(match.route().name());
    };
  }

  private String name(Request request) {
    String name = request.segments.get(2);
    if (sinks.list().stream().noneMatch(s -> s.definition().name().equals(name))) {
      throw new HttpProblem(ProblemCode.SINK_NOT_FOUND, "no sink named '" + name + "'");
    }
    return name;
  }

  private static int status(Request request, SinkStatus status) throws IOException {
    return Responses.json(request.exchange, 200, json -> write(json, status));
  }

  /** A status: the definition's members (credentials redacted), then the state. */
  static void write(JsonGenerator json, SinkStatus status) throws IOException {
    SinkDefinition definition = status.definition();
    SinkDefinition shown =
        new SinkDefinition(
            definition.name(),
            definition.kind(),
            definition.filter(),
            definition.topic(),
            definition.bootstrapServers(),
            redacted(definition.producerProperties()),
            definition.paused());
    SinkJson.writeMembers(json, shown);
    json.writeStringField("state", status.state());
    json.writeNumberField("next", status.next());
    json.writeNumberField("lagEvents", status.lagEvents());
    json.writeNumberField("lagSeconds", status.lagSeconds());
    json.writeNumberField("forwarded", status.forwarded());
    json.writeNumberField("errors", status.errors());
    if (status.lastError() != null) {
      json.writeStringField("lastError", status.lastError());
    }
  }

  private static Map<String, String> redacted(Map<String, String> properties) {
    Map<String, String> shown = new TreeMap<>();
    properties.forEach(
        (key, value) -> {
          String lower = key.toLowerCase(Locale.ROOT);
          boolean secret =
              lower.contains("password") || lower.contains("secret") || lower.contains("jaas");
          shown.put(key, secret ? REDACTED : value);
        });
    return shown;
  }
}
