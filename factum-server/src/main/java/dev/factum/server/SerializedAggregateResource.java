package dev.factum.server;

import dev.factum.api.Direction;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamState;
import dev.factum.wire.ProblemCode;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Serialized's aggregate routes under {@code /serialized/aggregates/}: save a batch, bulk-save
 * batches of one type, load with {@code since}/{@code limit} (counting batches), {@code HEAD}
 * exists, and the two-step deletes of an aggregate or a whole type.
 *
 * <p>What must stay true: everything goes through the caller's {@link AuthorizedStore}, so keys,
 * roles and scopes apply exactly as on the native routes; a refused request writes nothing. A
 * delete first answers a {@code deleteToken} ({@link SerializedMapping#deleteToken}) and deletes
 * only when that token is sent back and still matches (nothing written in between). Deletes are
 * native soft deletes: the aggregate reads as not found and may be saved again (from version 1);
 * its events stay in the log.
 */
final class SerializedAggregateResource implements Resource {
  private static final int DEFAULT_LOAD_LIMIT = 1_000;
  private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{32}");
  private static final int SCAN_PAGE = 1_000;

  private final ServerConfig config;

  SerializedAggregateResource(ServerConfig config) {
    this.config = config;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(
        Route.SERIALIZED_SAVE,
        Route.SERIALIZED_BULK_SAVE,
        Route.SERIALIZED_LOAD,
        Route.SERIALIZED_EXISTS,
        Route.SERIALIZED_DELETE,
        Route.SERIALIZED_DELETE_TYPE);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    String type = SerializedMapping.aggregateType(request.segments.get(2));
    return switch (match.route()) {
      case SERIALIZED_SAVE -> save(request, type, id(request));
      case SERIALIZED_BULK_SAVE -> bulkSave(request, type);
      case SERIALIZED_LOAD -> load(request, type, id(request));
      case SERIALIZED_EXISTS -> exists(request, type, id(request));
      case SERIALIZED_DELETE -> deleteAggregate(request, type, id(request));
      case SERIALIZED_DELETE_TYPE -> deleteType(request, type);
      default -> throw new IllegalArgumentException(match.route().name());
    };
  }

  private static UUID id(Request request) {
    return SerializedMapping.aggregateId(request.segments.get(3));
  }

  private int save(Request request, String type, UUID id) throws IOException {
    SerializedJson.Batch batch =
        SerializedJson.parseBatch(request.jsonBody(config.maxRequestBytes()));
    if (batch.aggregateId() != null && !batch.aggregateId().equals(id)) {
      throw HttpProblem.badRequest("the batch's 'aggregateId' differs from the one in the URL");
    }
    String stream = SerializedMapping.stream(type, id);
    long version = SerializedAggregates.save(request.store(), stream, batch);
    return Responses.json(
        request.exchange,
        200,
        json -> {
          json.writeStringField("aggregateId", id.toString());
          json.writeNumberField("aggregateVersion", version);
        });
  }

  private int bulkSave(Request request, String type) throws IOException {
    List<SerializedJson.Batch> batches =
        SerializedJson.parseBulk(request.jsonBody(config.maxRequestBytes()));
    SerializedAggregates.saveAll(request.store(), type, batches);
    return Responses.json(
        request.exchange, 200, json -> json.writeNumberField("batches", batches.size()));
  }

  private int load(Request request, String type, UUID id) throws IOException {
    long since = request.longParam("since", 0, 0, Long.MAX_VALUE - 1);
    int limit = (int) request.longParam("limit", DEFAULT_LOAD_LIMIT, 1, DEFAULT_LOAD_LIMIT);
    SerializedAggregates.Loaded loaded =
        SerializedAggregates.load(
            request.store(), SerializedMapping.stream(type, id), since, limit);
    if (loaded == null) {
      throw notFound(type, id);
    }
    return Responses.json(
        request.exchange,
        200,
        json -> {
          json.writeStringField("aggregateId", id.toString());
          json.writeStringField("aggregateType", type);
          json.writeNumberField("aggregateVersion", loaded.version());
          json.writeArrayFieldStart("events");
          for (SerializedAggregates.LoadedBatch batch : loaded.batches()) {
            for (RecordedEvent event : batch.events()) {
              SerializedJson.writeEvent(json, event, SerializedMapping.batch(event));
            }
          }
          json.writeEndArray();
          json.writeBooleanField("hasMore", loaded.hasMore());
        });
  }

  private static HttpProblem notFound(String type, UUID id) {
    return new HttpProblem(
        ProblemCode.STREAM_NOT_FOUND, "aggregate " + type + " " + id + " does not exist");
  }

  private static int exists(Request request, String type, UUID id) throws IOException {
    StreamState state = request.store().streamState(SerializedMapping.stream(type, id));
    int status = state.exists() ? 200 : 404;
    request.exchange.getResponseHeaders().set("Cache-Control", "no-store");
    request.exchange.sendResponseHeaders(status, -1);
    return status;
  }

  private int deleteAggregate(Request request, String type, UUID id) throws IOException {
    String stream = SerializedMapping.stream(type, id);
    AuthorizedStore store = request.store();
    String sent = token(request);
    StreamState state = store.streamState(stream);
    if (!state.exists()) {
      throw notFound(type, id);
    }
    String token = SerializedMapping.deleteToken(stream, state.lastRevision());
    if (sent == null) {
      return Responses.json(
          request.exchange, 200, json -> json.writeStringField("deleteToken", token));
    }
    if (!sent.equals(token)) {
      throw staleToken();
    }
    store.delete(stream, ExpectedRevision.exact(state.lastRevision()));
    return Responses.json(request.exchange, 200, json -> {});
  }

  private int deleteType(Request request, String type) throws IOException {
    AuthorizedStore store = request.store();
    String sent = token(request);
    Set<String> streams = new LinkedHashSet<>();
    long last = -1;
    long from = 0;
    while (true) {
      ReadPage page = store.readAll(from, Direction.FORWARD, SCAN_PAGE, LogFilter.categories(type));
      for (RecordedEvent event : page.events()) {
        last = event.position();
        if (SerializedMapping.batch(event) != null) {
          streams.add(event.stream());
        }
      }
      if (page.endOfRead()) {
        break;
      }
      from = page.next();
    }
    String token = SerializedMapping.deleteToken("type " + type, last);
    if (sent == null) {
      return Responses.json(
          request.exchange, 200, json -> json.writeStringField("deleteToken", token));
    }
    if (!sent.equals(token)) {
      throw staleToken();
    }
    for (String stream : streams) {
      if (store.streamState(stream).exists()) {
        store.delete(stream, ExpectedRevision.any());
      }
    }
    return Responses.json(request.exchange, 200, json -> {});
  }

  private static String token(Request request) {
    String sent = request.param("deleteToken");
    if (sent != null && !TOKEN.matcher(sent).matches()) {
      throw HttpProblem.badRequest("'deleteToken' is not a delete token");
    }
    return sent;
  }

  private static HttpProblem staleToken() {
    return new HttpProblem(
        ProblemCode.WRONG_EXPECTED_REVISION,
        "the delete token does not match: it is from another delete, or something was written"
            + " since it was handed out; ask for a new one");
  }
}
