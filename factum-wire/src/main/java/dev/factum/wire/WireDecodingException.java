package dev.factum.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serial;

/**
 * A success body that does not have the shape the v1 format gives it (a field missing or of the
 * wrong type). Readers throw it instead of guessing a default; the client turns it into its own
 * exception. The message names what was wrong and shows the start of the offending JSON.
 */
public final class WireDecodingException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  WireDecodingException(String what, JsonNode node) {
    super(what + " in " + snippet(node));
  }

  private static String snippet(JsonNode node) {
    String text = String.valueOf(node);
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
