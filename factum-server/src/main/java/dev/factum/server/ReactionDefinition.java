package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Serialized reaction definition as its client sends it, validated strictly, and its store
 * record's format (the same JSON, written back with {@link #write}).
 *
 * <p>What it accepts: a name (1 to 64 of {@code A-Za-z0-9_-}), a feed (an aggregate type), the
 * event type to react on, optional {@code cancelOnEventTypes}, {@code triggerTimeField} (a member
 * of the event's data, dots for nested members, holding epoch milliseconds or an ISO-8601 instant)
 * and {@code offset} (an ISO-8601 duration such as {@code PT5M}, 0 to 365 days), and an action of
 * type {@code HTTP_POST} to an {@code http}/{@code https} URI with optional headers and signing
 * secret. The other action types the client offers ({@code SLACK_POST}, {@code IFTTT_POST}, {@code
 * AUTOMATE_POST}, {@code ZAPIER_POST}) template their bodies for third-party services and are
 * refused ({@code invalid-request}) rather than sent in a shape those services do not expect.
 */
record ReactionDefinition(
    String name,
    String feed,
    String description,
    String reactOn,
    String triggerTimeField,
    String offsetText,
    Duration offset,
    List<String> cancelOn,
    URI target,
    Map<String, String> headers,
    String signingSecret) {
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Set<String> FIELDS =
      Set.of(
          "reactionName",
          "feedName",
          "description",
          "reactOnEventType",
          "triggerTimeField",
          "offset",
          "cancelOnEventTypes",
          "action");
  private static final Set<String> ACTION_FIELDS =
      Set.of("actionType", "targetUri", "httpHeaders", "signingSecret", "body", "valueMap");
  private static final Set<String> OTHER_ACTIONS =
      Set.of("SLACK_POST", "IFTTT_POST", "AUTOMATE_POST", "ZAPIER_POST");
  private static final int MAX_TEXT = 1_000;
  private static final Duration MAX_OFFSET = Duration.ofDays(365);

  /** The consumer group that turns this definition's events into reactions. */
  String group() {
    return "$reaction-" + name;
  }

  /**
   * Parses a definition body; {@code pathName}, when given, is the name the path says.
   *
   * @throws HttpProblem {@code invalid-request} for anything the rules above refuse
   */
  static ReactionDefinition parse(ObjectNode node, String pathName) {
    only(node, FIELDS, "a reaction definition");
    String name = text(node, "reactionName", pathName == null);
    if (name == null) {
      name = pathName;
    }
    if (!NAME.matcher(name).matches()) {
      throw HttpProblem.badRequest("'reactionName' must be 1 to 64 of A-Z, a-z, 0-9, _ and -");
    }
    if (pathName != null && !pathName.equals(name)) {
      throw HttpProblem.badRequest("'reactionName' must be the name of the path");
    }
    String feed = text(node, "feedName", true);
    SerializedMapping.aggregateType(feed);
    String reactOn = text(node, "reactOnEventType", true);
    String description = text(node, "description", false);
    String field = text(node, "triggerTimeField", false);
    String offsetText = text(node, "offset", false);
    Duration offset = Duration.ZERO;
    if (offsetText != null) {
      try {
        offset = Duration.parse(offsetText);
      } catch (DateTimeParseException e) {
        throw HttpProblem.badRequest("'offset' must be an ISO-8601 duration such as PT5M");
      }
      if (offset.isNegative() || offset.compareTo(MAX_OFFSET) > 0) {
        throw HttpProblem.badRequest("'offset' must be from 0 to 365 days");
      }
    }
    List<String> cancelOn = new ArrayList<>();
    JsonNode cancel = node.path("cancelOnEventTypes");
    if (!cancel.isMissingNode() && !cancel.isNull()) {
      if (!cancel.isArray() || cancel.size() > 100) {
        throw HttpProblem.badRequest("'cancelOnEventTypes' must be an array of event types");
      }
      for (JsonNode type : cancel) {
        if (!type.isTextual() || type.asText().isEmpty() || type.asText().length() > 256) {
          throw HttpProblem.badRequest("'cancelOnEventTypes' must be an array of event types");
        }
        cancelOn.add(type.asText());
      }
    }
    JsonNode action = node.path("action");
    if (!action.isObject()) {
      throw HttpProblem.badRequest("'action' is required, an object");
    }
    only((ObjectNode) action, ACTION_FIELDS, "an action");
    String type = text(action, "actionType", true);
    if (OTHER_ACTIONS.contains(type)) {
      throw HttpProblem.badRequest(
          "action type " + type + " is not supported; use HTTP_POST (docs/SERIALIZED.md)");
    }
    if (!type.equals("HTTP_POST")) {
      throw HttpProblem.badRequest("'actionType' must be HTTP_POST, was '" + type + "'");
    }
    URI target = target(text(action, "targetUri", true));
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode given = action.path("httpHeaders");
    if (!given.isMissingNode() && !given.isNull()) {
      if (!given.isObject() || given.size() > 50) {
        throw HttpProblem.badRequest("'httpHeaders' must be an object of strings");
      }
      for (Map.Entry<String, JsonNode> header : given.properties()) {
        if (!header.getValue().isTextual()
            || !header.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}")
            || header.getValue().asText().length() > MAX_TEXT
            || header.getValue().asText().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
          throw HttpProblem.badRequest(
              "'httpHeaders' must be an object of header names to strings");
        }
        headers.put(header.getKey(), header.getValue().asText());
      }
    }
    String secret = text(action, "signingSecret", false);
    return new ReactionDefinition(
        name,
        feed,
        description,
        reactOn,
        field,
        offsetText,
        offset,
        List.copyOf(cancelOn),
        target,
        Map.copyOf(headers),
        secret);
  }

  private static URI target(String text) {
    try {
      URI uri = new URI(text);
      if (uri.getHost() == null
          || !(uri.getScheme().equalsIgnoreCase("http")
              || uri.getScheme().equalsIgnoreCase("https"))) {
        throw HttpProblem.badRequest("'targetUri' must be an absolute http or https URI");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw HttpProblem.badRequest("'targetUri' must be an absolute http or https URI");
    }
  }

  private static void only(ObjectNode node, Set<String> allowed, String what) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!allowed.contains(field)) {
        throw HttpProblem.badRequest("unknown member '" + field + "' in " + what);
      }
    }
  }

  private static String text(JsonNode node, String field, boolean required) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      if (required) {
        throw HttpProblem.badRequest("'" + field + "' is required, a string");
      }
      return null;
    }
    if (!value.isTextual() || value.asText().isEmpty() || value.asText().length() > MAX_TEXT) {
      throw HttpProblem.badRequest(
          "'" + field + "' must be a string of 1 to " + MAX_TEXT + " characters");
    }
    return value.asText();
  }

  /** Writes the definition as the client reads it (and as its record holds it). */
  void write(JsonGenerator json) throws IOException {
    json.writeStartObject();
    writeFields(json);
    json.writeEndObject();
  }

  /** The definition's members, inside an object the caller opened. */
  void writeFields(JsonGenerator json) throws IOException {
    json.writeStringField("reactionName", name);
    json.writeStringField("feedName", feed);
    if (description != null) {
      json.writeStringField("description", description);
    }
    json.writeStringField("reactOnEventType", reactOn);
    if (triggerTimeField != null) {
      json.writeStringField("triggerTimeField", triggerTimeField);
    }
    if (offsetText != null) {
      json.writeStringField("offset", offsetText);
    }
    json.writeArrayFieldStart("cancelOnEventTypes");
    for (String type : cancelOn) {
      json.writeString(type);
    }
    json.writeEndArray();
    json.writeObjectFieldStart("action");
    json.writeStringField("actionType", "HTTP_POST");
    json.writeStringField("targetUri", target.toString());
    json.writeObjectFieldStart("httpHeaders");
    for (Map.Entry<String, String> header : headers.entrySet()) {
      json.writeStringField(header.getKey(), header.getValue());
    }
    json.writeEndObject();
    if (signingSecret != null) {
      json.writeStringField("signingSecret", signingSecret);
    }
    json.writeEndObject();
  }
}
