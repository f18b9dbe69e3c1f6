package dev.factum.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.RecordConflictException;
import dev.factum.webhooks.WebhookDefinition;
import dev.factum.webhooks.WebhookJson;
import dev.factum.webhooks.WebhookStatus;
import dev.factum.webhooks.Webhooks;
import dev.factum.wire.ProblemCode;
import java.util.List;

/**
 * {@code /admin/webhooks} (docs/WEBHOOKS.md) as {@link ForwarderResource} serves it. A webhook's
 * signing secret is in the creation's answer only; no other answer carries it.
 */
final class WebhookForwarders implements ForwarderResource.Forwarders {
  static final ForwarderResource.Routes ROUTES =
      new ForwarderResource.Routes(
          Route.ADMIN_WEBHOOKS,
          Route.ADMIN_CREATE_WEBHOOK,
          Route.ADMIN_WEBHOOK,
          Route.ADMIN_DELETE_WEBHOOK,
          Route.ADMIN_PAUSE_WEBHOOK,
          Route.ADMIN_RESUME_WEBHOOK);

  private final Webhooks webhooks;

  WebhookForwarders(Webhooks webhooks) {
    this.webhooks = webhooks;
  }

  @Override
  public String plural() {
    return "webhooks";
  }

  @Override
  public ProblemCode notFound() {
    return ProblemCode.WEBHOOK_NOT_FOUND;
  }

  @Override
  public boolean exists(String name) {
    return webhooks.exists(name);
  }

  @Override
  public List<Responses.ObjectWriter> list() {
    return webhooks.list().stream().map(WebhookForwarders::writer).toList();
  }

  @Override
  public Responses.ObjectWriter create(ObjectNode body) {
    WebhookDefinition definition = WebhookJson.definition(body);
    Webhooks.Created created;
    try {
      created = webhooks.create(definition);
    } catch (RecordConflictException e) {
      throw new HttpProblem(
          ProblemCode.WEBHOOK_EXISTS, "a webhook named '" + definition.name() + "' exists");
    }
    return json -> {
      WebhookJson.writeStatus(json, created.status());
      json.writeStringField("secret", created.secret());
    };
  }

  @Override
  public Responses.ObjectWriter status(String name) {
    return writer(webhooks.status(name));
  }

  @Override
  public Responses.ObjectWriter setPaused(String name, boolean paused) {
    return writer(paused ? webhooks.pause(name) : webhooks.resume(name));
  }

  @Override
  public void delete(String name) throws InterruptedException {
    webhooks.delete(name);
  }

  private static Responses.ObjectWriter writer(WebhookStatus status) {
    return json -> WebhookJson.writeStatus(json, status);
  }
}
