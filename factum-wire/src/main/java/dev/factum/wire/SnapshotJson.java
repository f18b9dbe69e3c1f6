package dev.factum.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.snapshots.Snapshot;
import java.io.IOException;
import java.util.Base64;

/**
 * A stream's snapshot as {@code GET /streams/{stream}/snapshot} answers it: {@code stream}, {@code
 * revision}, {@code schemaVersion} and {@code data} (the snapshot's bytes, base64); and the body of
 * {@code PUT} (the same without {@code stream}), which the client writes. The server reads the
 * {@code PUT} body strictly itself, so its refusals are problems.
 */
public final class SnapshotJson {
  private SnapshotJson() {}

  /** The members of a snapshot, inside an object the caller opened. */
  public static void write(JsonGenerator json, Snapshot snapshot) throws IOException {
    json.writeStringField("stream", snapshot.stream());
    writeSave(json, snapshot);
  }

  /** The members of a {@code PUT} body, inside an object the caller opened. */
  public static void writeSave(JsonGenerator json, Snapshot snapshot) throws IOException {
    json.writeNumberField("revision", snapshot.revision());
    json.writeNumberField("schemaVersion", snapshot.schemaVersion());
    json.writeStringField("data", Base64.getEncoder().encodeToString(snapshot.data()));
  }

  public static Snapshot read(JsonNode body) {
    long schema = Fields.number(body, "schemaVersion");
    if (schema < 0 || schema > Integer.MAX_VALUE) {
      throw new WireDecodingException("schemaVersion out of range", body);
    }
    byte[] data;
    try {
      data = Base64.getDecoder().decode(Fields.text(body, "data"));
    } catch (IllegalArgumentException e) {
      throw new WireDecodingException("'data' is not base64", body);
    }
    return new Snapshot(
        Fields.text(body, "stream"), Fields.number(body, "revision"), (int) schema, data);
  }

  /** The answer of {@code PUT}: whether the snapshot was stored or a newer one kept. */
  public static void writeSaved(JsonGenerator json, boolean stored) throws IOException {
    json.writeBooleanField("stored", stored);
  }

  public static boolean readSaved(JsonNode body) {
    return Fields.bool(body, "stored");
  }
}
