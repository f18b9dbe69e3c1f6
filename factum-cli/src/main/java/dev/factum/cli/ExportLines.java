package dev.factum.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a page of {@code GET /all} into export lines: each event exactly as the server sent it (the
 * bytes of its JSON object, never parsed and written again), so a value is never changed, however
 * it is written (number precision, escapes). What must stay true: a line is strict UTF-8 and holds
 * no line break, or the event is refused with an error naming it; nothing is ever replaced.
 */
final class ExportLines {
  private ExportLines() {}

  /** One event of a page: its position and the bytes of its line (without the newline). */
  record Line(long position, byte[] bytes) {}

  static List<Line> of(byte[] page) throws IOException {
    checkUtf8(page);
    List<Line> lines = new ArrayList<>();
    try (JsonParser parser = WireJson.factory().createParser(page)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new Factum.CommandFailure("the server sent a page that is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (!field.equals("events") || value != JsonToken.START_ARRAY) {
          parser.skipChildren();
          continue;
        }
        while (parser.nextToken() == JsonToken.START_OBJECT) {
          int start = (int) parser.currentTokenLocation().getByteOffset();
          parser.skipChildren();
          int end = (int) parser.currentLocation().getByteOffset();
          lines.add(line(Arrays.copyOfRange(page, start, end)));
        }
      }
    }
    return lines;
  }

  /**
   * The whole page must be strict UTF-8 before anything is parsed (the parser would only say
   * where); the error names the event the bad bytes belong to, found from the fields the server
   * writes before the data.
   */
  private static void checkUtf8(byte[] page) {
    ByteBuffer in = ByteBuffer.wrap(page);
    CoderResult result =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(in, CharBuffer.allocate(page.length), true);
    if (!result.isError()) {
      return;
    }
    int bad = in.position();
    String before = new String(page, 0, bad, StandardCharsets.UTF_8);
    int start = before.lastIndexOf("{\"id\":\"");
    String event = start < 0 ? "" : before.substring(start);
    throw unfaithful(
        find(event, "\"position\":(\\d+)"),
        find(event, "\"id\":\"([^\"]*)\""),
        find(event, "\"stream\":\"((?:[^\"\\\\]|\\\\.)*)\""),
        "is not valid UTF-8 (byte " + bad + " of the page)");
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? m.group(1) : "?";
  }

  private static Factum.CommandFailure unfaithful(
      String position, String id, String stream, String problem) {
    return new Factum.CommandFailure(
        "the event at position "
            + position
            + " (id "
            + id
            + ", stream '"
            + stream
            + "') "
            + problem
            + " and cannot be written as one NDJSON line without changing it; nothing of it was"
            + " written (resume with --resume after fixing it)");
  }

  private static Line line(byte[] bytes) throws IOException {
    JsonNode event = WireJson.mapper().readTree(bytes);
    if (event == null || !event.path("position").canConvertToLong()) {
      throw new Factum.CommandFailure("the server sent an event without a position");
    }
    long position = event.get("position").asLong();
    for (byte b : bytes) {
      if (b == '\n' || b == '\r') {
        throw unfaithful(
            Long.toString(position),
            event.path("id").asText(),
            event.path("stream").asText(),
            "holds a line break");
      }
    }
    return new Line(position, bytes);
  }
}
