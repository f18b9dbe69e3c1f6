package dev.factum.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.ImportResult;
import java.io.IOException;

/** The answer to {@code POST /import}: {@code events}, {@code firstPosition}, {@code position}. */
public final class ImportResultJson {
  private ImportResultJson() {}

  /** The members, inside an object the caller opened. */
  public static void write(JsonGenerator json, ImportResult result) throws IOException {
    json.writeNumberField("events", result.events());
    json.writeNumberField("firstPosition", result.firstPosition());
    json.writeNumberField("position", result.lastPosition());
  }

  public static ImportResult read(JsonNode body) {
    long events = Fields.number(body, "events");
    if (events < 0 || events > Integer.MAX_VALUE) {
      throw new WireDecodingException("an 'events' count out of range", body);
    }
    return new ImportResult(
        (int) events, Fields.number(body, "firstPosition"), Fields.number(body, "position"));
  }
}
