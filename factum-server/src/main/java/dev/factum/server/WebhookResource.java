package dev.factum.server;

import dev.factum.api.ForbiddenException;
import dev.factum.api.RecordConflictException;
import dev.factum.webhooks.WebhookJson;
import dev.factum.webhooks.WebhookStatus;
import dev.factum.webhooks.Webhooks;
import dev.factum.wire.ProblemCode;
import java.io.IOException;
import java.util.Set;

/**
 * {@code /admin/webhooks}: create, list, show, pause, resume and delete the root store's webhooks
 * (docs/WEBHOOKS.md). For admins of the root store only, like tenants: an admin of a tenant is
 * refused before anything is looked up. A webhook's signing secret is in the creation's answer
 * only; no other answer carries it.
 */
final class WebhookResource implements Resource {
  private final Webhooks webhooks;
  private final ServerConfig config;

  WebhookResource(Webhooks webhooks, ServerConfig config) {
    this.webhooks = webhooks;
    this.config = config;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(
        Route.ADMIN_WEBHOOKS,
        Route.ADMIN_CREATE_WEBHOOK,
        Route.ADMIN_WEBHOOK,
        Route.ADMIN_DELETE_WEBHOOK,
        Route.ADMIN_PAUSE_WEBHOOK,
        Route.ADMIN_RESUME_WEBHOOK);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    if (!request.store().principal().root()) {
      throw new ForbiddenException("this API key may not use this resource");
    }
    return switch (match.route()) {
      case ADMIN_WEBHOOKS ->
          Responses.json(
              request.exchange,
              200,
              json -> {
                json.writeArrayFieldStart("webhooks");
                for (WebhookStatus status : webhooks.list()) {
                  json.writeStartObject();
                  WebhookJson.writeStatus(json, status);
                  json.writeEndObject();
                }
                json.writeEndArray();
              });
      case ADMIN_CREATE_WEBHOOK -> {
        var definition =
            WebhookJson.definition(
                WireFormat.parseObject(request.jsonBody(config.maxRequestBytes())));
        Webhooks.Created created;
        try {
          created = webhooks.create(definition);
        } catch (RecordConflictException e) {
          throw new HttpProblem(
              ProblemCode.WEBHOOK_EXISTS, "a webhook named '" + definition.name() + "' exists");
        }
        yield Responses.json(
            request.exchange,
            201,
            json -> {
              WebhookJson.writeStatus(json, created.status());
              json.writeStringField("secret", created.secret());
            });
      }
      case ADMIN_WEBHOOK -> status(request, webhooks.status(name(request)));
      case ADMIN_PAUSE_WEBHOOK -> status(request, webhooks.pause(name(request)));
      case ADMIN_RESUME_WEBHOOK -> status(request, webhooks.resume(name(request)));
      case ADMIN_DELETE_WEBHOOK -> {
        String name = name(request);
        try {
          webhooks.delete(name);
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
    if (!webhooks.exists(name)) {
      throw new HttpProblem(ProblemCode.WEBHOOK_NOT_FOUND, "no webhook named '" + name + "'");
    }
    return name;
  }

  private static int status(Request request, WebhookStatus status) throws IOException {
    return Responses.json(request.exchange, 200, json -> WebhookJson.writeStatus(json, status));
  }
}
