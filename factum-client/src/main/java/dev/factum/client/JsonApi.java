package dev.factum.client;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.factum.api.ChainAnchor;
import dev.factum.api.Direction;
import dev.factum.api.ImportResult;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.SubscriptionRequest;
import dev.factum.wire.ExactJson;
import dev.factum.wire.Urls;
import dev.factum.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The server's JSON as it is, for tools that must pass it on unchanged (the {@code factum} CLI's
 * {@code read}, {@code export}, {@code import}, {@code state}, {@code tail} and {@code keys}): the
 * same requests, retries and error mapping as {@link FactumClient}, but bodies are handed over as
 * bytes instead of being decoded into api records. Obtained from {@link FactumClient#json()}.
 *
 * <p>What must stay true: a body returned here is exactly the bytes the server sent (an export is
 * byte-faithful only because of that), and a body sent is exactly the bytes given, once each event
 * object has been checked to be one JSON object (so nothing can be spliced into the request).
 */
public final class JsonApi {
  private final FactumClient client;

  JsonApi(FactumClient client) {
    this.client = client;
  }

  /** {@code GET /streams/{stream}}: one page, as sent. */
  public byte[] readStream(String stream, long from, Direction direction, int limit) {
    return client.callForBytes(
        "read '" + stream + "'", Urls.readStream(stream, from, direction, limit), stream);
  }

  /** {@code GET /all}: one page of the global log, as sent. */
  public byte[] readAll(long from, Direction direction, int limit, LogFilter filter) {
    return client.callForBytes("read the log", Urls.readAll(from, direction, limit, filter), null);
  }

  /**
   * {@code GET /streams/{stream}/state}, as sent (it holds more than {@link
   * dev.factum.api.StreamState}: {@code lastPosition} and {@code firstVisibleRevision}).
   */
  public byte[] streamState(String stream) {
    return client.callForBytes("state of '" + stream + "'", Urls.stream(stream) + "/state", stream);
  }

  /** {@code GET /admin/keys}: the API keys (admin role), as sent. */
  public byte[] keys() {
    return client.callForBytes("list the API keys", "/admin/keys", null);
  }

  /**
   * {@code POST /admin/backup}: the server backs the caller's store up into its backup directory
   * and verifies the backup (admin role); the report, as sent. Not retried: a retry would make a
   * second backup.
   */
  public byte[] backup() {
    return client.callForBytes(
        "back the store up",
        false,
        "POST",
        "/admin/backup",
        "{}".getBytes(StandardCharsets.UTF_8),
        null);
  }

  /**
   * {@code GET /admin/verify}: the server reads the caller's whole store and checks it, hash chain
   * included, against {@code anchor} ({@code POS:HEX}) when not null (admin role); the report, as
   * sent.
   */
  public byte[] verify(ChainAnchor anchor) {
    String path = anchor == null ? "/admin/verify" : "/admin/verify?anchor=" + anchor;
    return client.callForBytes("verify the store", path, null);
  }

  /** {@code GET /admin/tenants}: the tenants (admins of the root store), as sent. */
  public byte[] tenants() {
    return client.callForBytes("list the tenants", "/admin/tenants", null);
  }

  /** {@code POST /admin/tenants} with {@code body} ({@code {"name": ...}}), the answer as sent. */
  public byte[] createTenant(byte[] body) {
    return client.callForBytes("create a tenant", false, "POST", "/admin/tenants", body, null);
  }

  /** {@code DELETE /admin/tenants/{name}}: deletes a tenant and its data, the answer as sent. */
  public byte[] deleteTenant(String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidArgumentException("a tenant name is missing");
    }
    return client.callForBytes(
        "delete tenant " + name,
        false,
        "DELETE",
        "/admin/tenants/" + Urls.encode(name),
        null,
        null);
  }

  /**
   * The root store's webhooks ({@code kind} {@code "webhooks"}) or Kafka sinks ({@code "sinks"})
   * under {@code /admin/KIND}: {@code list}, as sent.
   */
  public byte[] forwarders(String kind) {
    return client.callForBytes("list the " + kind, "/admin/" + forwarderKind(kind), null);
  }

  /** {@code GET /admin/KIND/{name}}: one webhook's or sink's definition and state, as sent. */
  public byte[] forwarder(String kind, String name) {
    return client.callForBytes("show " + name, forwarderPath(kind, name), null);
  }

  /**
   * {@code POST /admin/KIND} with {@code body} (a definition); a webhook's answer holds its secret.
   */
  public byte[] createForwarder(String kind, byte[] body) {
    return client.callForBytes(
        "create in " + kind, false, "POST", "/admin/" + forwarderKind(kind), body, null);
  }

  /** {@code POST /admin/KIND/{name}/pause} or {@code .../resume}. */
  public byte[] setForwarderPaused(String kind, String name, boolean paused) {
    String action = paused ? "pause" : "resume";
    return client.callForBytes(
        action + " " + name, false, "POST", forwarderPath(kind, name) + "/" + action, null, null);
  }

  /** {@code DELETE /admin/KIND/{name}}. */
  public byte[] deleteForwarder(String kind, String name) {
    return client.callForBytes(
        "delete " + name, false, "DELETE", forwarderPath(kind, name), null, null);
  }

  private static String forwarderKind(String kind) {
    if (!"webhooks".equals(kind) && !"sinks".equals(kind)) {
      throw new InvalidArgumentException("the kind is webhooks or sinks, was '" + kind + "'");
    }
    return kind;
  }

  private static String forwarderPath(String kind, String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidArgumentException("a name is missing");
    }
    return "/admin/" + forwarderKind(kind) + "/" + Urls.encode(name);
  }

  /**
   * {@code GET /serialized/reactions}: the Serialized-compatible layer's reactions
   * (docs/SERIALIZED.md, "Reactions"), of one {@code status} when not null, as sent.
   */
  public byte[] serializedReactions(String status) {
    String query = status == null ? "" : "?status=" + Urls.encode(status);
    return client.callForBytes("list the reactions", "/serialized/reactions" + query, null);
  }

  /** {@code GET /serialized/reactions/definitions}: the reaction definitions, as sent. */
  public byte[] serializedReactionDefinitions() {
    return client.callForBytes(
        "list the reaction definitions", "/serialized/reactions/definitions", null);
  }

  /** {@code POST /serialized/reactions/{id}/execute}: runs a scheduled reaction now. */
  public byte[] executeSerializedReaction(String id) {
    return client.callForBytes(
        "execute reaction " + id,
        false,
        "POST",
        reactionPath(id) + "/execute",
        "\"\"".getBytes(StandardCharsets.UTF_8),
        null);
  }

  /** {@code DELETE /serialized/reactions/{id}}: drops a scheduled reaction. */
  public byte[] deleteSerializedReaction(String id) {
    return client.callForBytes(
        "delete reaction " + id, false, "DELETE", reactionPath(id), null, null);
  }

  private static String reactionPath(String id) {
    if (id == null || id.isEmpty()) {
      throw new InvalidArgumentException("a reaction id is missing");
    }
    return "/serialized/reactions/" + Urls.encode(id);
  }

  /** {@code POST /admin/keys} with {@code body} (a key's settings), the answer as sent. */
  public byte[] createKey(byte[] body) {
    return client.callForBytes("create an API key", false, "POST", "/admin/keys", body, null);
  }

  /** {@code DELETE /admin/keys/{id}}: revokes a key, the answer as sent. */
  public byte[] revokeKey(String id) {
    if (id == null || id.isEmpty()) {
      throw new InvalidArgumentException("a key id is missing");
    }
    return client.callForBytes(
        "revoke API key " + id, false, "DELETE", "/admin/keys/" + Urls.encode(id), null, null);
  }

  /**
   * {@code POST /import} of event objects given as JSON text (as {@code GET /all} writes them),
   * sent exactly as given; retried like {@link FactumClient#importEvents}.
   */
  public ImportResult importEvents(List<String> events) {
    if (events == null || events.isEmpty()) {
      throw new InvalidArgumentException("an import needs at least one event");
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try (JsonGenerator json = WireJson.factory().createGenerator(body)) {
      json.writeStartObject();
      json.writeArrayFieldStart("events");
      int index = 0;
      for (String event : events) {
        json.writeRawValue(checkedObject(event, index++));
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return client.importBody(events.size(), body.toByteArray());
  }

  /**
   * Opens one Server-Sent Events connection for {@code request} (its {@code from} must be a real
   * position or revision, not {@link SubscriptionRequest#END}). Unlike {@link
   * FactumClient#subscribe}, it never reconnects: a dropped connection ends the feed.
   */
  public EventFeed feed(SubscriptionRequest request) {
    if (request == null) {
      throw new InvalidArgumentException("a required argument is missing");
    }
    if (request.from() == SubscriptionRequest.END) {
      throw new InvalidArgumentException("a feed starts at a given position, not at the end");
    }
    return client.openFeed(request);
  }

  private static String checkedObject(String event, int index) {
    if (event == null) {
      throw new InvalidArgumentException("imported event " + index + " is missing");
    }
    try {
      if (!ExactJson.read(WireJson.factory(), event.getBytes(StandardCharsets.UTF_8), true)
          .isObject()) {
        throw new InvalidArgumentException("imported event " + index + " is not a JSON object");
      }
    } catch (ExactJson.Malformed e) {
      throw new InvalidArgumentException(
          "imported event " + index + " is not exactly one JSON value: " + e.getMessage());
    }
    return event.strip();
  }
}
