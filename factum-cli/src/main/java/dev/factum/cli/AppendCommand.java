package dev.factum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.wire.AppendResultJson;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** {@code factum append}: appends one event (or an NDJSON file of events) to a stream. */
final class AppendCommand implements Factum.Command {
  @Override
  public String summary() {
    return "append events to a stream";
  }

  @Override
  public String usage() {
    return """
        Usage: factum append STREAM --type TYPE --data JSON [options]
               factum append STREAM --file EVENTS.ndjson [options]

        Appends atomically to STREAM and prints the result as JSON.

          --type TYPE      event type
          --data JSON      event data (a JSON value)
          --metadata JSON  event metadata (a JSON object)
          --id UUID        event id (makes a retry idempotent)
          --tag TAG        a tag of the event (repeatable); filter the log by it later
          --subject S      the data subject the event is about: stored encrypted under S's key,
                           redacted everywhere after `factum forget S` (needs a master key)
          --file FILE      one event per line: {"type":..,"data":..,"id"?,"metadata"?,"tags"?,
                           "subject"?}
          --expected REV   expected revision: any, no_stream, exists or a number (default any)
          --fail-if-events-match QUERY
                           DCB condition: fail (exit 1, append-condition-failed) if an event
                           matching QUERY ({"items":[{"types":[..],"tags":[..]}]}) exists
          --after N        ... at a position greater than N (default: at any position)
        """
        + Remote.HELP;
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args =
        new Args(
            argv,
            1,
            Set.of(
                "type",
                "data",
                "metadata",
                "id",
                "tag",
                "subject",
                "file",
                "expected",
                "fail-if-events-match",
                "after",
                "url",
                "cacert",
                "api-key"),
            Set.of(),
            Set.of("tag"));
    if (args.positional().size() != 1) {
      throw new Args.UsageException("give exactly one STREAM");
    }
    List<EventData> events = new ArrayList<>();
    if (args.get("file") != null) {
      if (args.get("type") != null
          || args.get("data") != null
          || args.get("tag") != null
          || args.get("subject") != null) {
        throw new Args.UsageException(
            "use either --file (tags and subjects in its lines) or --type/--data/--tag/--subject");
      }
      String what = "a line of " + args.get("file");
      for (String line : Files.readAllLines(Path.of(args.get("file")))) {
        if (!line.isBlank()) {
          events.add(event(parse(line, what), what));
        }
      }
    } else {
      if (args.get("type") == null || args.get("data") == null) {
        throw new Args.UsageException("--type and --data are required (or --file)");
      }
      byte[] metadata =
          args.get("metadata") == null ? null : compact(parse(args.get("metadata"), "--metadata"));
      events.add(
          new EventData(
              args.get("id") == null ? null : uuid(args.get("id"), "--id"),
              args.get("type"),
              EventData.JSON,
              compact(parse(args.get("data"), "--data")),
              metadata,
              new LinkedHashSet<>(args.all("tag")),
              args.get("subject")));
    }
    AppendRequest request =
        new AppendRequest(
            args.positional().getFirst(),
            ExpectedRevision.parse(args.get("expected", "any")),
            events,
            DcbArgs.condition(args));
    try (Remote remote = new Remote(args)) {
      AppendResult result = remote.call(client -> client.append(request));
      out.println(JsonText.object(json -> AppendResultJson.write(json, result)));
    }
    return 0;
  }

  /** One line of an events file: the members an event object of an append has. */
  private static EventData event(JsonNode line, String what) {
    if (!line.isObject()) {
      throw new Factum.CommandFailure(what + " is not a JSON object");
    }
    line.fieldNames()
        .forEachRemaining(
            name -> {
              if (!LINE_FIELDS.contains(name)) {
                throw new Factum.CommandFailure(
                    what + " has an unknown field '" + name + "'; allowed: " + LINE_FIELDS);
              }
            });
    JsonNode type = line.get("type");
    JsonNode data = line.get("data");
    if (type == null || !type.isTextual() || data == null) {
      throw new Factum.CommandFailure(what + " needs a 'type' string and 'data'");
    }
    String contentType = line.path("contentType").asText(EventData.JSON);
    byte[] bytes;
    if (contentType.equals(EventData.JSON)) {
      bytes = compact(data);
    } else {
      try {
        bytes = Base64.getDecoder().decode(data.asText());
      } catch (IllegalArgumentException e) {
        throw new Factum.CommandFailure(what + ": binary 'data' is not valid base64");
      }
    }
    JsonNode metadata = line.get("metadata");
    Set<String> tags = new LinkedHashSet<>();
    for (JsonNode tag : line.path("tags")) {
      if (!tag.isTextual()) {
        throw new Factum.CommandFailure(what + ": 'tags' must be an array of strings");
      }
      tags.add(tag.asText());
    }
    JsonNode id = line.get("id");
    JsonNode subject = line.get("subject");
    if (subject != null && !subject.isNull() && !subject.isTextual()) {
      throw new Factum.CommandFailure(what + ": 'subject' must be a string");
    }
    return new EventData(
        id == null || id.isNull() ? null : uuid(id.asText(), what + ": 'id'"),
        type.asText(),
        contentType,
        bytes,
        metadata == null || metadata.isNull() ? null : compact(metadata),
        tags,
        subject == null || subject.isNull() ? null : subject.asText());
  }

  private static final Set<String> LINE_FIELDS =
      Set.of("id", "type", "contentType", "data", "metadata", "tags", "subject");

  private static UUID uuid(String text, String what) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new Factum.CommandFailure(what + " is not a UUID: " + text);
    }
  }

  /** A value as compact JSON, numbers exactly as written (the mapper keeps them exact). */
  private static byte[] compact(JsonNode value) {
    try {
      return WireJson.mapper().writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode parse(String json, String what) {
    try {
      return WireJson.mapper().readTree(json);
    } catch (IOException e) {
      throw new Args.UsageException(what + " is not valid JSON: " + json);
    }
  }
}
