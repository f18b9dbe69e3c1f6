package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.RecordedEvent;
import dev.factum.wire.ExactJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * How Serialized's model maps onto native Factum events (docs/SERIALIZED.md): the one place that
 * knows stream names, batch metadata, sequence numbers, partitions and delete tokens.
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>An aggregate is the stream {@code <aggregateType>-<aggregateId>}: its category is the
 *       aggregate type, so a type's feed is a category read of the log. Types therefore never
 *       contain {@code -} (nor anything but ASCII letters, digits and {@code _}), and ids are
 *       canonical UUIDs.
 *   <li>Each event carries, in its metadata, {@code {"serialized":{"version":V,"batchSize":N,
 *       "batchIndex":I}}} (and {@code "encryptedData"} when sent): V is the aggregate version its
 *       batch created (versions count batches), N the batch's size and I the event's place in it. A
 *       batch is one native append, so its events are consecutive in the stream and in the log.
 *   <li>A feed entry is a batch; its sequence number is the log position of its last event plus
 *       one. {@code since=S} (exclusive) therefore means "events at positions {@code >= S}", and a
 *       page's scan point is a valid {@code since} too. Sequence numbers are shared by every feed
 *       and {@code _all}: increasing, not dense.
 *   <li>The partition of an aggregate is {@code floorMod(UUID.hashCode(), partitionCount)}, which
 *       {@link UUID#hashCode()} defines exactly, so it is stable across servers and restarts.
 * </ul>
 */
final class SerializedMapping {
  static final String ALL = "_all";
  static final String MARKER = "serialized";
  private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_]{0,63}");
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final HexFormat HEX = HexFormat.of();

  private SerializedMapping() {}

  /** The batch facts one event's metadata holds. */
  record Batch(long version, int size, int index, String encryptedData) {}

  static String aggregateType(String text) {
    if (text == null || !TYPE.matcher(text).matches()) {
      throw HttpProblem.badRequest(
          "an aggregate type is 1 to 64 ASCII letters, digits or '_', starting with a letter or"
              + " digit");
    }
    return text;
  }

  static UUID aggregateId(String text) {
    return uuid(text, "an aggregate id");
  }

  /** A UUID in its canonical 36-character form ({@link UUID#fromString} alone is lenient). */
  static UUID uuid(String text, String what) {
    if (text == null || !UUID_TEXT.matcher(text).matches()) {
      throw HttpProblem.badRequest(
          what
              + " is a UUID, was '"
              + (text == null || text.length() <= 40 ? text : text.substring(0, 40) + "…")
              + "'");
    }
    return UUID.fromString(text);
  }

  static String stream(String type, UUID id) {
    return type + "-" + id;
  }

  /** The aggregate id of an event written through this API (its stream's name after the type). */
  static UUID aggregateIdOf(RecordedEvent event) {
    String stream = event.stream();
    return UUID.fromString(stream.substring(stream.indexOf('-') + 1));
  }

  static byte[] metadata(long version, int size, int index, String encryptedData) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(96);
    try (JsonGenerator json = WireFormat.generator(out)) {
      json.writeStartObject();
      json.writeObjectFieldStart(MARKER);
      json.writeNumberField("version", version);
      json.writeNumberField("batchSize", size);
      json.writeNumberField("batchIndex", index);
      if (encryptedData != null) {
        json.writeStringField("encryptedData", encryptedData);
      }
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * The batch facts of an event written through this API, or null for any other event (a native
   * append, a deletion event, an event of a stream whose name is not an aggregate's).
   */
  static Batch batch(RecordedEvent event) {
    byte[] metadata = event.metadata();
    if (metadata == null || metadata.length == 0 || event.stream().startsWith("$")) {
      return null;
    }
    JsonNode marker;
    try {
      marker = ExactJson.read(WireFormat.JSON, metadata, false).get(MARKER);
    } catch (ExactJson.Malformed e) {
      return null;
    }
    if (marker == null
        || !marker.path("version").canConvertToLong()
        || !marker.path("batchSize").canConvertToInt()
        || !marker.path("batchIndex").canConvertToInt()) {
      return null;
    }
    String stream = event.stream();
    int dash = stream.indexOf('-');
    if (dash < 0 || !UUID_TEXT.matcher(stream.substring(dash + 1)).matches()) {
      return null;
    }
    JsonNode encrypted = marker.get("encryptedData");
    return new Batch(
        marker.get("version").longValue(),
        marker.get("batchSize").intValue(),
        marker.get("batchIndex").intValue(),
        encrypted == null || !encrypted.isTextual() ? null : encrypted.textValue());
  }

  /** The sequence number of a feed entry whose last event is at {@code lastPosition}. */
  static long sequenceNumber(long lastPosition) {
    return lastPosition + 1;
  }

  static int partition(UUID aggregateId, int partitionCount) {
    return Math.floorMod(aggregateId.hashCode(), partitionCount);
  }

  /**
   * A delete token: a digest of what is deleted and of its state when the token was handed out (an
   * aggregate's last revision, a type's last log position). It is a confirmation, not a secret: the
   * key's write permission is what authorizes the delete. Any write in between changes the state,
   * so an old token no longer matches.
   */
  static String deleteToken(String what, long state) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  ("factum-serialized-delete|" + what + "|" + state)
                      .getBytes(StandardCharsets.UTF_8));
      return HEX.formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
