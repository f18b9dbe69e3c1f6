package dev.factum.bench.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Checks a {@code GET /streams/{stream}} page the way a client would use it: parses the JSON body
 * (Jackson's streaming parser, every token, the events' data included) and checks that it holds
 * events {@code 0..count-1} of {@code stream}, in order. So a fast wrong answer cannot pass for a
 * fast load over HTTP either.
 */
public final class StreamPageCheck {
  private static final JsonFactory JSON = new JsonFactory();

  private StreamPageCheck() {}

  static void check(byte[] body, String stream, int count) throws IOException {
    int events = count(body, stream);
    if (events != count) {
      throw new IllegalStateException(
          "GET /streams/" + stream + " returned " + events + " events, not " + count);
    }
  }

  /** Checks that the page holds events {@code 0..n-1} of {@code stream} in order; returns n. */
  public static int count(byte[] body, String stream) throws IOException {
    int events = 0;
    try (JsonParser json = JSON.createParser(body)) {
      expect(json.nextToken(), JsonToken.START_OBJECT, stream);
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        if (!field.equals("events")) {
          json.skipChildren();
          continue;
        }
        expect(value, JsonToken.START_ARRAY, stream);
        while (json.nextToken() == JsonToken.START_OBJECT) {
          event(json, stream, events);
          events++;
        }
      }
    }
    return events;
  }

  private static void event(JsonParser json, String stream, int revision) throws IOException {
    boolean streamSeen = false;
    boolean revisionSeen = false;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      json.nextToken();
      switch (field) {
        case "stream" -> streamSeen = stream.equals(json.getText());
        case "revision" -> revisionSeen = json.getLongValue() == revision;
        default -> json.skipChildren();
      }
    }
    if (!streamSeen || !revisionSeen) {
      throw new IllegalStateException(
          "GET /streams/"
              + stream
              + ": event "
              + revision
              + " is not revision "
              + revision
              + " of the stream");
    }
  }

  private static void expect(JsonToken actual, JsonToken expected, String stream) {
    if (actual != expected) {
      throw new IllegalStateException(
          "GET /streams/" + stream + ": expected " + expected + ", found " + actual);
    }
  }
}
