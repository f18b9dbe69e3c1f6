package dev.factum.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.AppendResult;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupStatus;
import dev.factum.api.groups.ParkedEvent;
import dev.factum.wire.AppendResultJson;
import dev.factum.wire.GroupJson;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Consumer groups over HTTP: {@code /groups} and {@code /groups/{group}/...} (docs/CONSUMERS.md,
 * "HTTP"). A thin translation onto the store's {@code ConsumerGroups}, through the caller's {@link
 * AuthorizedStore} (which decides who may manage and who may use a group).
 *
 * <p>What must stay true: a body is parsed in full before the store is called, so bad input changes
 * nothing; the acks, nacks and parks of one request are applied in the order given and stop at the
 * first refused one (its problem is the answer; those before it stay applied, as the same calls one
 * by one would); every wait ({@code poll}, {@code processed}) is bounded by the server's {@code
 * maxLongPoll}; an ack-append is one atomic commit (the engine's {@code appendAndAck}).
 */
final class GroupResource implements Resource {
  private static final Set<String> POLL = Set.of("consumer", "max", "wait");
  private static final Set<String> SETTLE = Set.of("consumer", "positions", "reason");
  private static final Set<String> LEAVE = Set.of("consumer");
  private static final Set<String> PARKED = Set.of("positions");
  private static final Set<String> ACK = Set.of("consumer", "positions");

  private final ServerConfig config;
  private final WireFormat wire;
  private final Metrics metrics;

  GroupResource(ServerConfig config, WireFormat wire, Metrics metrics) {
    this.config = config;
    this.wire = wire;
    this.metrics = metrics;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(
        Route.GROUPS,
        Route.GROUP_CREATE,
        Route.GROUP_STATUS,
        Route.GROUP_UPDATE,
        Route.GROUP_DELETE,
        Route.GROUP_POLL,
        Route.GROUP_ACK,
        Route.GROUP_NACK,
        Route.GROUP_PARK,
        Route.GROUP_LEAVE,
        Route.GROUP_APPEND,
        Route.GROUP_PARKED,
        Route.GROUP_REPLAY,
        Route.GROUP_SKIP,
        Route.GROUP_PROCESSED);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    AuthorizedStore store = request.store();
    if (match.route() == Route.GROUPS) {
      List<GroupStatus> groups = store.listGroups();
      return Responses.json(
          request.exchange,
          200,
          json -> {
            json.writeArrayFieldStart("groups");
            for (GroupStatus status : groups) {
              json.writeStartObject();
              GroupJson.writeStatus(json, status);
              json.writeEndObject();
            }
            json.writeEndArray();
          });
    }
    if (match.route() == Route.GROUP_CREATE) {
      GroupDefinition definition = GroupJson.definition(body(request));
      return status(request, 201, store.createGroup(definition));
    }
    String group = request.segments.get(1);
    return switch (match.route()) {
      case GROUP_STATUS -> status(request, 200, store.groupStatus(group));
      case GROUP_UPDATE -> {
        ObjectNode root = body(request);
        GroupStatus current = store.groupStatus(group);
        yield status(
            request,
            200,
            store.updateGroup(group, GroupJson.settings(root, current.definition().settings())));
      }
      case GROUP_DELETE -> {
        store.deleteGroup(group);
        yield Responses.raw(request.exchange, 204, "application/json", new byte[0]);
      }
      case GROUP_POLL -> poll(request, store, group);
      case GROUP_ACK, GROUP_NACK, GROUP_PARK -> settle(request, store, group, match.route());
      case GROUP_LEAVE -> {
        ObjectNode root = body(request);
        GroupJson.only(root, LEAVE, "a leave");
        store.leave(group, GroupJson.consumer(root));
        yield Responses.raw(request.exchange, 204, "application/json", new byte[0]);
      }
      case GROUP_APPEND -> {
        WireFormat.GroupAppend parsed =
            wire.parseGroupAppend(request.jsonBody(config.maxRequestBytes()));
        AppendResult result =
            metrics.timeWrite(
                parsed.append().events().size(),
                () ->
                    store.appendAndAck(
                        group, parsed.consumer(), parsed.positions(), parsed.append()));
        yield Responses.json(request.exchange, 200, json -> AppendResultJson.write(json, result));
      }
      case GROUP_PARKED -> {
        List<ParkedEvent> parked = store.parked(group);
        yield Responses.json(request.exchange, 200, json -> GroupJson.writeParked(json, parked));
      }
      case GROUP_REPLAY, GROUP_SKIP -> {
        ObjectNode root = body(request);
        GroupJson.only(root, PARKED, "the parked events");
        for (long position : GroupJson.positions(root)) {
          if (match.route() == Route.GROUP_REPLAY) {
            store.replayParked(group, position);
          } else {
            store.skipParked(group, position);
          }
        }
        yield Responses.raw(request.exchange, 204, "application/json", new byte[0]);
      }
      case GROUP_PROCESSED -> processed(request, store, group);
      default -> throw new IllegalArgumentException(match.route().name());
    };
  }

  private ObjectNode body(Request request) throws IOException {
    return WireFormat.parseObject(request.jsonBody(config.maxRequestBytes()));
  }

  private static int status(Request request, int code, GroupStatus status) throws IOException {
    return Responses.json(request.exchange, code, json -> GroupJson.writeStatus(json, status));
  }

  private int poll(Request request, AuthorizedStore store, String group) throws IOException {
    ObjectNode root = body(request);
    GroupJson.only(root, POLL, "a poll");
    String consumer = GroupJson.consumer(root);
    int max = (int) GroupJson.optional(root, "max", 100, store.options().limits().maxReadLimit());
    if (max < 1) {
      throw HttpProblem.badRequest("'max' must be at least 1");
    }
    long wait = GroupJson.optional(root, "wait", 0, config.maxLongPoll().toSeconds());
    List<Delivery> deliveries = store.poll(group, consumer, max, Duration.ofSeconds(wait));
    return Responses.json(
        request.exchange, 200, json -> GroupJson.writeDeliveries(json, deliveries));
  }

  private int settle(Request request, AuthorizedStore store, String group, Route route)
      throws IOException {
    ObjectNode root = body(request);
    GroupJson.only(root, route == Route.GROUP_ACK ? ACK : SETTLE, "the request");
    String consumer = GroupJson.consumer(root);
    List<Long> positions = GroupJson.positions(root);
    String reason = GroupJson.reason(root);
    for (long position : positions) {
      switch (route) {
        case GROUP_ACK -> store.ack(group, consumer, position);
        case GROUP_NACK -> store.nack(group, consumer, position, reason);
        default -> store.park(group, consumer, position, reason);
      }
    }
    return Responses.raw(request.exchange, 204, "application/json", new byte[0]);
  }

  private int processed(Request request, AuthorizedStore store, String group) throws IOException {
    String sent = request.param("position");
    if (sent == null) {
      throw HttpProblem.badRequest("query parameter 'position' is required");
    }
    long position = request.longParam("position", 0, 0, Long.MAX_VALUE - 1);
    long wait = request.longParam("wait", 0, 0, config.maxLongPoll().toSeconds());
    boolean done = store.awaitProcessed(group, position, Duration.ofSeconds(wait));
    return Responses.json(
        request.exchange, 200, json -> GroupJson.writeProcessed(json, position, done));
  }
}
