package dev.factum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

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
          --file FILE      one event per line: {"type":..,"data":..,"id"?,"metadata"?,"tags"?}
          --expected REV   expected revision: any, no_stream, exists or a number (default any)
          --fail-if-events-match QUERY
                           DCB condition: fail (exit 1, append-condition-failed) if an event
                           matching QUERY ({"items":[{"types":[..],"tags":[..]}]}) exists
          --after N        ... at a position greater than N (default: at any position)
          --url URL       server address (env FACTUM_URL, default http://127.0.0.1:7117)
          --cacert PEM    CA certificate(s) to trust for an https:// URL (env FACTUM_CACERT)
          --api-key KEY   API key for a server with auth on (env FACTUM_API_KEY)""";
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
    ArrayNode events = Http.JSON.createArrayNode();
    if (args.get("file") != null) {
      if (args.get("type") != null || args.get("data") != null || args.get("tag") != null) {
        throw new Args.UsageException(
            "use either --file (tags in its lines) or --type/--data/--tag");
      }
      for (String line : Files.readAllLines(Path.of(args.get("file")))) {
        if (!line.isBlank()) {
          events.add(parse(line, "a line of " + args.get("file")));
        }
      }
    } else {
      if (args.get("type") == null || args.get("data") == null) {
        throw new Args.UsageException("--type and --data are required (or --file)");
      }
      ObjectNode event = events.addObject();
      event.put("type", args.get("type"));
      event.set("data", parse(args.get("data"), "--data"));
      if (args.get("metadata") != null) {
        event.set("metadata", parse(args.get("metadata"), "--metadata"));
      }
      if (args.get("id") != null) {
        event.put("id", args.get("id"));
      }
      if (!args.all("tag").isEmpty()) {
        ArrayNode tags = event.putArray("tags");
        args.all("tag").forEach(tags::add);
      }
    }
    ObjectNode body = Http.JSON.createObjectNode();
    String expected = args.get("expected", "any");
    if (expected.chars().allMatch(Character::isDigit) && !expected.isEmpty()) {
      body.put("expectedRevision", Long.parseLong(expected));
    } else {
      body.put("expectedRevision", expected);
    }
    body.set("events", events);
    ObjectNode condition = DcbArgs.condition(args);
    if (condition != null) {
      body.set("condition", condition);
    }
    JsonNode result =
        new Http(args)
            .post(
                "/streams/" + Http.segment(args.positional().getFirst()),
                Http.JSON.writeValueAsBytes(body));
    out.println(Http.JSON.writeValueAsString(result));
    return 0;
  }

  private static JsonNode parse(String json, String what) {
    try {
      return Http.JSON.readTree(json);
    } catch (IOException e) {
      throw new Args.UsageException(what + " is not valid JSON: " + json);
    }
  }
}
