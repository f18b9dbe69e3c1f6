package dev.factum.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.engine.FactumStore;
import dev.factum.wire.ProblemCode;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The admin routes of a store's forwarders, webhooks ({@code /admin/webhooks}) and Kafka sinks
 * ({@code /admin/sinks}): create, list, show, pause, resume, delete, the same way for both; what
 * differs (their definitions, answers and codes) is a {@link Forwarders}. The store is the key's
 * own, as for backups and consumer groups: the root store's for an admin of the root, the tenant's
 * for an admin of a tenant ({@link AuthorizedStore#forwarding}, which also refuses scoped keys
 * before anything is looked up), so a name of another store's forwarder is simply not found.
 */
final class ForwarderResource implements Resource {
  /** The six routes of one kind, in the order list, create, show, delete, pause, resume. */
  record Routes(Route list, Route create, Route show, Route delete, Route pause, Route resume) {}

  /** One kind of forwarder of one store, as the routes need it. */
  interface Forwarders {
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

  private final Routes r;
  private final BiFunction<FactumStore, Boolean, Forwarders> ofStore;
  private final ServerConfig config;

  /**
   * @param ofStore the forwarders of a store; {@code true}: a definition is about to be created
   */
  ForwarderResource(
      Routes routes, BiFunction<FactumStore, Boolean, Forwarders> ofStore, ServerConfig config) {
    this.r = routes;
    this.ofStore = ofStore;
    this.config = config;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(r.list(), r.create(), r.show(), r.delete(), r.pause(), r.resume());
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    Route route = match.route();
    Forwarders forwarders = ofStore.apply(request.store().forwarding(), route == r.create());
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
