package dev.factum.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.ForbiddenException;
import dev.factum.wire.ProblemCode;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The admin routes of the root store's forwarders, webhooks ({@code /admin/webhooks}) and Kafka
 * sinks ({@code /admin/sinks}): create, list, show, pause, resume, delete, the same way for both;
 * what differs (their definitions, answers and codes) is a {@link Forwarders}. For admins of the
 * root store only, like tenants: an admin of a tenant is refused before anything is looked up.
 */
final class ForwarderResource implements Resource {
  /** The six routes of one kind, in the order list, create, show, delete, pause, resume. */
  record Routes(Route list, Route create, Route show, Route delete, Route pause, Route resume) {}

  /** One kind of forwarder, as the routes need it. */
  interface Forwarders {
    Routes routes();

    /** The member of the list answer, e.g. {@code webhooks}. */
    String plural();

    ProblemCode notFound();

    boolean exists(String name);

    List<Responses.ObjectWriter> list();

    /** Creates from a definition body; the answer's members. */
    Responses.ObjectWriter create(ObjectNode body);

    Responses.ObjectWriter status(String name);

    Responses.ObjectWriter setPaused(String name, boolean paused);

    void delete(String name) throws InterruptedException;
  }

  private final Forwarders forwarders;
  private final ServerConfig config;

  ForwarderResource(Forwarders forwarders, ServerConfig config) {
    this.forwarders = forwarders;
    this.config = config;
  }

  @Override
  public Set<Route> routes() {
    Routes r = forwarders.routes();
    return Set.of(r.list(), r.create(), r.show(), r.delete(), r.pause(), r.resume());
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    if (!request.store().principal().root()) {
      throw new ForbiddenException("this API key may not use this resource");
    }
    Routes r = forwarders.routes();
    Route route = match.route();
    if (route == r.list()) {
      List<Responses.ObjectWriter> all = forwarders.list();
      return Responses.json(
          request.exchange,
          200,
          json -> {
            json.writeArrayFieldStart(forwarders.plural());
            for (Responses.ObjectWriter one : all) {
              json.writeStartObject();
              one.write(json);
              json.writeEndObject();
            }
            json.writeEndArray();
          });
    }
    if (route == r.create()) {
      ObjectNode body = WireFormat.parseObject(request.jsonBody(config.maxRequestBytes()));
      return Responses.json(request.exchange, 201, forwarders.create(body));
    }
    String name = request.segments.get(2);
    if (!forwarders.exists(name)) {
      throw new HttpProblem(
          forwarders.notFound(), "none of the " + forwarders.plural() + " is named '" + name + "'");
    }
    if (route == r.delete()) {
      try {
        forwarders.delete(name);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HttpProblem(ProblemCode.STORE_CLOSED, "the server is shutting down");
      }
      return Responses.json(
          request.exchange,
          200,
          json -> {
            json.writeStringField("name", name);
            json.writeStringField("status", "deleted");
          });
    }
    Responses.ObjectWriter answer =
        route == r.show()
            ? forwarders.status(name)
            : forwarders.setPaused(name, route == r.pause());
    return Responses.json(request.exchange, 200, answer);
  }
}
