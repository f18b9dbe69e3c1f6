package dev.factum.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.factum.api.InvalidArgumentException;
import dev.factum.wire.ProblemCode;
import dev.factum.wire.Urls;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A server's declarative projections through the native API, {@code /projections}
 * (docs/PROJECTIONS.md): definitions by name, their status, and queries of their documents, with
 * read-your-writes (a query may wait until the projection has applied a log position, such as the
 * one an append returned).
 *
 * <p>Definitions travel as JSON trees in the definition format the server documents (the one shared
 * with its Serialized-compatible face), so this client needs no copy of the server's definition
 * model. Problems come as the client's usual exceptions: a bad definition is an {@link
 * InvalidArgumentException}; an unknown projection is an empty answer where the method returns an
 * {@link Optional} and an {@link UnexpectedResponseException} (status 404) elsewhere.
 */
public final class HttpProjections {
  private static final String NOT_FOUND = ProblemCode.PROJECTION_NOT_FOUND.id();

  private final FactumClient client;
  private final ObjectMapper json;

  HttpProjections(FactumClient client, ObjectMapper json) {
    this.client = client;
    this.json = json;
  }

  /** One document of a projection. */
  public record Document(
      String id, Instant createdAt, Instant updatedAt, String reference, JsonNode data) {}

  /** A page of documents: those asked for, whether more match, and how many match in all. */
  public record Page(List<Document> documents, boolean hasMore, long total) {
    public Page {
      documents = List.copyOf(documents);
    }
  }

  /**
   * What a projection's runner is doing; {@code state} is {@code rebuilding} or {@code live}
   * (docs/PROJECTIONS.md, "Status").
   */
  public record Status(
      String name,
      long generation,
      long checkpoint,
      long lag,
      String state,
      long applied,
      int parked,
      String lastError) {}

  /**
   * A list query. {@code position} -1: answer at once; otherwise the server first waits (up to
   * {@code maxWait}, whole seconds) until the projection has applied every event at or below it.
   */
  public record Query(
      int skip,
      int limit,
      String sort,
      String reference,
      String search,
      long position,
      Duration maxWait) {
    /** The first {@code limit} documents in id order. */
    public static Query first(int limit) {
      return new Query(0, limit, null, null, null, -1, Duration.ZERO);
    }

    public Query skip(int skip) {
      return new Query(skip, limit, sort, reference, search, position, maxWait);
    }

    /** Comma-separated keys, each optionally prefixed with {@code +} or {@code -}. */
    public Query sort(String sort) {
      return new Query(skip, limit, sort, reference, search, position, maxWait);
    }

    public Query reference(String reference) {
      return new Query(skip, limit, sort, reference, search, position, maxWait);
    }

    public Query search(String search) {
      return new Query(skip, limit, sort, reference, search, position, maxWait);
    }

    /** Read-your-writes: answer once the projection has applied {@code position}. */
    public Query after(long position, Duration maxWait) {
      return new Query(skip, limit, sort, reference, search, position, maxWait);
    }
  }

  /** Creates or replaces the definition {@code name}; returns it as the server keeps it. */
  public JsonNode define(String name, JsonNode definition) {
    return tree(
        client.callForBytes(
            "define projection " + name, true, "PUT", path(name), bytes(definition), null));
  }

  /** The definition {@code name}, if it exists. */
  public Optional<JsonNode> definition(String name) {
    return optional(() -> tree(client.callForBytes("get projection " + name, path(name), null)));
  }

  /** Every definition the key may see, by name. */
  public List<JsonNode> definitions() {
    List<JsonNode> all = new ArrayList<>();
    tree(client.callForBytes("list projections", "/projections", null))
        .path("projections")
        .forEach(all::add);
    return all;
  }

  /** Deletes the definition {@code name} and all its documents; false if there was none. */
  public boolean delete(String name) {
    return optional(
            () -> {
              client.callForBytes(
                  "delete projection " + name, false, "DELETE", path(name), null, null);
              return Boolean.TRUE;
            })
        .isPresent();
  }

  /** The status of projection {@code name}. */
  public Status status(String name) {
    JsonNode node = tree(client.callForBytes("status of " + name, path(name) + "/status", null));
    return new Status(
        node.path("name").asText(),
        node.path("generation").asLong(),
        node.path("checkpoint").asLong(),
        node.path("lag").asLong(),
        node.path("state").asText(),
        node.path("applied").asLong(),
        node.path("parked").asInt(),
        node.hasNonNull("lastError") ? node.get("lastError").asText() : null);
  }

  /** A document of a single projection; empty when it (or the projection) does not exist. */
  public Optional<Document> document(String name, String id) {
    return document(name, id, -1, Duration.ZERO);
  }

  /**
   * As {@link #document(String, String)}, first waiting up to {@code wait} until the projection has
   * applied {@code position} (-1: no position) and then for the document to be created.
   */
  public Optional<Document> document(String name, String id, long position, Duration wait) {
    if (id == null || id.isEmpty()) {
      throw new InvalidArgumentException("a document id is missing");
    }
    String query = waitQuery(position, wait);
    String path =
        path(name) + "/documents/" + Urls.encode(id) + (query.isEmpty() ? "" : "?" + query);
    return optional(() -> document(tree(client.callForBytes("get " + id, path, null))));
  }

  /** A page of a projection's documents. */
  public Page documents(String name, Query query) {
    StringBuilder params = new StringBuilder();
    params.append("skip=").append(query.skip()).append("&limit=").append(query.limit());
    append(params, "sort", query.sort());
    append(params, "reference", query.reference());
    append(params, "search", query.search());
    String wait = waitQuery(query.position(), query.maxWait());
    if (!wait.isEmpty()) {
      params.append('&').append(wait);
    }
    JsonNode node =
        tree(client.callForBytes("list " + name, path(name) + "/documents?" + params, null));
    List<Document> documents = new ArrayList<>();
    node.path("documents").forEach(d -> documents.add(document(d)));
    return new Page(documents, node.path("hasMore").asBoolean(), node.path("total").asLong());
  }

  /** How many documents projection {@code name} has (with {@code reference}, when not null). */
  public long count(String name, String reference) {
    StringBuilder params = new StringBuilder();
    append(params, "reference", reference);
    String path = path(name) + "/count" + (params.isEmpty() ? "" : "?" + params.substring(1));
    return tree(client.callForBytes("count " + name, path, null)).path("count").asLong();
  }

  /** The one document of an aggregated projection; empty before its first event. */
  public Optional<Document> aggregate(String name) {
    return optional(
        () ->
            document(
                tree(client.callForBytes("aggregate " + name, path(name) + "/aggregate", null))));
  }

  private static String path(String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidArgumentException("a projection name is missing");
    }
    return "/projections/" + Urls.encode(name);
  }

  private static String waitQuery(long position, Duration wait) {
    if (position < 0 && wait.isZero()) {
      return "";
    }
    String seconds = "wait=" + Math.max(0, (wait.toMillis() + 999) / 1000);
    return position < 0 ? seconds : "position=" + position + "&" + seconds;
  }

  private static void append(StringBuilder params, String name, String value) {
    if (value != null) {
      params.append('&').append(name).append('=').append(Urls.encode(value));
    }
  }

  private static Document document(JsonNode node) {
    return new Document(
        node.path("id").asText(),
        Instant.ofEpochMilli(node.path("createdAt").asLong()),
        Instant.ofEpochMilli(node.path("updatedAt").asLong()),
        node.hasNonNull("reference") ? node.get("reference").asText() : null,
        node.path("data"));
  }

  /** Empty for {@code projection-not-found}; any other failure is thrown. */
  private static <T> Optional<T> optional(Supplier<T> call) {
    try {
      return Optional.of(call.get());
    } catch (RuntimeException e) {
      if (ServerProblemException.of(e).filter(p -> p.code().equals(NOT_FOUND)).isPresent()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private byte[] bytes(JsonNode definition) {
    try {
      return json.writeValueAsBytes(definition);
    } catch (IOException e) {
      throw new InvalidArgumentException("the definition is not serializable: " + e.getMessage());
    }
  }

  private JsonNode tree(byte[] body) {
    try {
      return json.readTree(body);
    } catch (IOException e) {
      throw new UnexpectedResponseException(200, "the server's answer is not JSON", e);
    }
  }
}
