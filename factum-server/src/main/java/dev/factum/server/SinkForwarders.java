package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.RecordConflictException;
import dev.factum.kafka.KafkaSinks;
import dev.factum.kafka.SinkDefinition;
import dev.factum.kafka.SinkJson;
import dev.factum.kafka.SinkStatus;
import dev.factum.wire.ProblemCode;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /admin/sinks} (docs/KAFKA.md) as {@link ForwarderResource} serves it. Producer properties
 * that look like credentials ({@code password}, {@code secret}, {@code jaas} in the name) are
 * answered as {@code "***"}: they are stored to be used, not to be read back.
 */
final class SinkForwarders implements ForwarderResource.Forwarders {
  private static final String REDACTED = "***";
  static final ForwarderResource.Routes ROUTES =
      new ForwarderResource.Routes(
          Route.ADMIN_SINKS,
          Route.ADMIN_CREATE_SINK,
          Route.ADMIN_SINK,
          Route.ADMIN_DELETE_SINK,
          Route.ADMIN_PAUSE_SINK,
          Route.ADMIN_RESUME_SINK);

  private final KafkaSinks sinks;
  private final String tenantLocation;

  /**
   * @param tenantLocation the location of the store's tenant ({@code ""} for the root store): a
   *     tenant's sink gets the transactional id {@code factum-sink-<location>-<name>} unless it
   *     names one with that prefix, so that sinks of the same name in two stores (or one tenant's
   *     chosen id) never fence another store's sink or share its checkpoint topic on one cluster
   */
  SinkForwarders(KafkaSinks sinks, String tenantLocation) {
    this.sinks = sinks;
    this.tenantLocation = tenantLocation;
  }

  /** A tenant's definition with its transactional id scoped to the tenant; the root's as it is. */
  private SinkDefinition scoped(SinkDefinition definition) {
    try {
      return TenantTargets.scopedSink(definition, tenantLocation);
    } catch (InvalidArgumentException e) {
      throw HttpProblem.badRequest(e.getMessage());
    }
  }

  @Override
  public String plural() {
    return "sinks";
  }

  @Override
  public ProblemCode notFound() {
    return ProblemCode.SINK_NOT_FOUND;
  }

  @Override
  public boolean exists(String name) {
    return sinks.list().stream().anyMatch(s -> s.definition().name().equals(name));
  }

  @Override
  public List<Responses.ObjectWriter> list() {
    return sinks.list().stream().map(SinkForwarders::writer).toList();
  }

  @Override
  public Responses.ObjectWriter create(ObjectNode body) {
    SinkDefinition definition = scoped(SinkJson.read(body));
    try {
      return writer(sinks.create(definition));
    } catch (RecordConflictException e) {
      throw new HttpProblem(
          ProblemCode.SINK_EXISTS, "a sink named '" + definition.name() + "' exists");
    }
  }

  @Override
  public Responses.ObjectWriter status(String name) {
    return writer(sinks.status(name));
  }

  @Override
  public Responses.ObjectWriter setPaused(String name, boolean paused) {
    return writer(paused ? sinks.pause(name) : sinks.resume(name));
  }

  @Override
  public void delete(String name) throws InterruptedException {
    sinks.delete(name);
  }

  private static Responses.ObjectWriter writer(SinkStatus status) {
    return json -> write(json, status);
  }

  /** A status: the definition's members (credentials redacted), then the state. */
  private static void write(JsonGenerator json, SinkStatus status) throws IOException {
    SinkDefinition definition = status.definition();
    SinkJson.writeMembers(
        json,
        new SinkDefinition(
            definition.name(),
            definition.kind(),
            definition.filter(),
            definition.topic(),
            definition.bootstrapServers(),
            redacted(definition.producerProperties()),
            definition.paused()));
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
