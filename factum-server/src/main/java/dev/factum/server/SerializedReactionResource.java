package dev.factum.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /serialized/reactions}: reaction definitions (create, replace, get, list, delete) and
 * reactions (list by status, execute now, delete) as Serialized's client calls them, over {@link
 * SerializedReactions}.
 *
 * <p>What must stay true: a definition decides where the store's events are POSTed, so managing
 * definitions needs an admin key (as webhooks do); reactions are listed with a reader key and
 * executed or deleted with a writer key, each only by a key that could read the reaction's whole
 * feed (the others are not listed). The reactions are those of the store the caller acts on (a
 * tenant's through its key or {@code Serialized-Tenant-Id}: {@link ServerReactions}). Bad input is
 * {@code invalid-request} and writes nothing.
 */
final class SerializedReactionResource implements Resource {
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1_000;
  private final ServerReactions byStore;
  private final ServerConfig config;

  SerializedReactionResource(ServerReactions byStore, ServerConfig config) {
    this.byStore = byStore;
    this.config = config;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(
        Route.SERIALIZED_REACTION_DEFINITIONS,
        Route.SERIALIZED_CREATE_REACTION_DEFINITION,
        Route.SERIALIZED_REACTION_DEFINITION,
        Route.SERIALIZED_PUT_REACTION_DEFINITION,
        Route.SERIALIZED_DELETE_REACTION_DEFINITION,
        Route.SERIALIZED_REACTIONS,
        Route.SERIALIZED_EXECUTE_REACTION,
        Route.SERIALIZED_DELETE_REACTION);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    AuthorizedStore store = request.store();
    SerializedReactions reactions = byStore.of(store.reactions(null));
    return switch (match.route()) {
      case SERIALIZED_REACTION_DEFINITIONS -> {
        List<ReactionDefinition> all =
            reactions.definitions().stream().filter(d -> store.mayReadFeed(d.feed())).toList();
        yield Responses.json(
            request.exchange,
            200,
            json -> {
              json.writeArrayFieldStart("definitions");
              for (ReactionDefinition definition : all) {
                definition.write(json);
              }
              json.writeEndArray();
            });
      }
      case SERIALIZED_CREATE_REACTION_DEFINITION -> {
        put(store, definitionBody(request, null));
        yield Responses.json(request.exchange, 200, json -> {});
      }
      case SERIALIZED_PUT_REACTION_DEFINITION -> {
        put(store, definitionBody(request, name(request)));
        yield Responses.json(request.exchange, 200, json -> {});
      }
      case SERIALIZED_REACTION_DEFINITION -> {
        ReactionDefinition definition = reactions.definition(name(request));
        store.reactions(definition.feed());
        yield Responses.json(request.exchange, 200, definition::writeFields);
      }
      case SERIALIZED_DELETE_REACTION_DEFINITION -> {
        String name = name(request);
        store.reactions(reactions.definition(name).feed());
        reactions.delete(name);
        yield Responses.json(request.exchange, 200, json -> {});
      }
      case SERIALIZED_REACTIONS -> list(request, store, reactions);
      case SERIALIZED_EXECUTE_REACTION -> {
        UUID id = id(request);
        byte[] body = request.jsonBody(config.maxRequestBytes());
        String text = new String(body, StandardCharsets.UTF_8).trim();
        if (!text.isEmpty() && !text.equals("\"\"") && !text.equals("{}")) {
          throw HttpProblem.badRequest("the body of an execute is \"\" (or nothing)");
        }
        store.reactions(reactions.reaction(id).aggregateType());
        reactions.execute(id);
        yield Responses.json(request.exchange, 200, json -> {});
      }
      case SERIALIZED_DELETE_REACTION -> {
        UUID id = id(request);
        store.reactions(reactions.reaction(id).aggregateType());
        reactions.deleteReaction(id);
        yield Responses.json(request.exchange, 200, json -> {});
      }
      default -> throw new IllegalArgumentException(match.route().name());
    };
  }

  /** Creates or replaces a definition, in the store the caller acts on, if it may read its feed. */
  private void put(AuthorizedStore store, ReactionDefinition definition) {
    byStore.forDefinitions(store.reactions(definition.feed())).put(definition);
  }

  private static int list(Request request, AuthorizedStore store, SerializedReactions reactions)
      throws IOException {
    String status = request.param("status");
    ReactionRecord.Status wanted = null;
    if (status != null && !status.equalsIgnoreCase("ALL")) {
      try {
        wanted = ReactionRecord.Status.valueOf(status.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw HttpProblem.badRequest(
            "'status' must be ALL or one of " + List.of(ReactionRecord.Status.values()));
      }
    }
    long skip = request.longParam("skip", 0, 0, Integer.MAX_VALUE);
    long limit = request.longParam("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    long now = reactions.now();
    ReactionRecord.Status filter = wanted;
    List<ReactionRecord> shown =
        reactions.reactions().stream()
            .filter(r -> filter == null || r.shownAt(now) == filter)
            .filter(r -> store.mayReadFeed(r.aggregateType()))
            .skip(skip)
            .limit(limit)
            .toList();
    return Responses.json(
        request.exchange,
        200,
        json -> {
          json.writeArrayFieldStart("reactions");
          for (ReactionRecord reaction : shown) {
            reaction.writeListed(json, now);
          }
          json.writeEndArray();
        });
  }

  private ReactionDefinition definitionBody(Request request, String pathName) throws IOException {
    return ReactionDefinition.parse(
        WireFormat.parseObject(request.jsonBody(config.maxRequestBytes())), pathName);
  }

  private static String name(Request request) {
    String name = request.segments.get(3);
    if (!ReactionDefinition.NAME.matcher(name).matches()) {
      throw HttpProblem.badRequest("a reaction name is 1 to 64 of A-Z, a-z, 0-9, _ and -");
    }
    return name;
  }

  private static UUID id(Request request) {
    return SerializedMapping.uuid(request.segments.get(2), "a reaction id");
  }
}
