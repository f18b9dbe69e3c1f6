package dev.factum.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * One JSON object as a line of output, its members written by factum-wire's writers, so that what a
 * command prints for a result is what the server answers for it (same members, same order).
 */
final class JsonText {
  private JsonText() {}

  @FunctionalInterface
  interface Members {
    void write(JsonGenerator json) throws IOException;
  }

  static String object(Members members) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = WireJson.factory().createGenerator(text)) {
      json.writeStartObject();
      members.write(json);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}
