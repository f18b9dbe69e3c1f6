package dev.factum.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.AppendResult;
import dev.factum.api.MultiAppendResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The answers to appends: {@code POST /streams/{stream}} ({@code firstRevision}, {@code
 * nextExpectedRevision}, {@code firstPosition}, {@code position}) and {@code POST /append} (a
 * {@code results} array of the same objects, each with its {@code stream}). The server writes them
 * with this class, and the client and the CLI read them with it, so the field names live here only.
 */
public final class AppendResultJson {
  private AppendResultJson() {}

  /** The members of one stream's result, inside an object the caller opened. */
  public static void write(JsonGenerator json, AppendResult result) throws IOException {
    json.writeNumberField("firstRevision", result.firstRevision());
    json.writeNumberField("nextExpectedRevision", result.nextExpectedRevision());
    json.writeNumberField("firstPosition", result.firstPosition());
    json.writeNumberField("position", result.lastPosition());
  }

  /** The members of a multi-stream result, inside an object the caller opened. */
  public static void writeAll(JsonGenerator json, MultiAppendResult result) throws IOException {
    json.writeArrayFieldStart("results");
    for (AppendResult part : result.results()) {
      json.writeStartObject();
      json.writeStringField("stream", part.stream());
      write(json, part);
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  /** One stream's result; the body does not name the stream, the request did. */
  public static AppendResult read(String stream, JsonNode body) {
    return new AppendResult(
        stream,
        Fields.number(body, "firstRevision"),
        Fields.number(body, "nextExpectedRevision"),
        Fields.number(body, "firstPosition"),
        Fields.number(body, "position"));
  }

  public static MultiAppendResult readAll(JsonNode body) {
    List<AppendResult> results = new ArrayList<>();
    for (JsonNode part : Fields.array(body, "results")) {
      results.add(read(Fields.text(part, "stream"), part));
    }
    return new MultiAppendResult(results);
  }
}
