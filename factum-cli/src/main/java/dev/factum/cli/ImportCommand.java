package dev.factum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code factum import}: appends the events of an NDJSON export to a server, keeping each event's
 * stream, revision, id, type, data, metadata and tags.
 *
 * <p>Each batch (consecutive events of one stream) is appended with the exact expected revision of
 * the event before it, so a stream can only be rebuilt as it was. Resumable: after each batch the
 * checkpoint file records how many lines are done. If the import is killed between a commit and its
 * checkpoint, the rerun regroups the same lines into the same batch, which the server recognises by
 * event ids as an exact retry and does not write again. Deletions are not part of an export (they
 * write no events).
 */
final class ImportCommand implements Factum.Command {
  private static final int BATCH = 500;

  @Override
  public String summary() {
    return "append the events of an NDJSON export";
  }

  @Override
  public String usage() {
    return """
        Usage: factum import FILE [--checkpoint FILE] [--url URL]

        Appends the events of FILE (as written by 'factum export') to the server, stream by
        stream with exact expected revisions, keeping event ids. Progress goes to standard error.

          --checkpoint FILE   where progress is kept (default FILE.checkpoint); rerun to resume
          --url URL       server address (env FACTUM_URL, default http://127.0.0.1:7117)""";
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args = new Args(argv, 1, Set.of("checkpoint", "url"), Set.of());
    if (args.positional().size() != 1) {
      throw new Args.UsageException("give exactly one FILE");
    }
    Path file = Path.of(args.positional().getFirst());
    if (!Files.isRegularFile(file)) {
      throw new Args.UsageException(file + " does not exist");
    }
    Path checkpoint = Path.of(args.get("checkpoint", file + ".checkpoint"));
    long done = readCheckpoint(checkpoint);
    long total;
    try (var lines = Files.lines(file)) {
      total = lines.count();
    }
    Http http = new Http(args);
    Progress progress = new Progress(err, "imported");
    long lineNumber = 0;
    List<JsonNode> batch = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (lineNumber <= done || line.isBlank()) {
          continue;
        }
        JsonNode event = parse(line, lineNumber);
        if (!batch.isEmpty()
            && (batch.size() == BATCH
                || !batch.getFirst().get("stream").equals(event.get("stream")))) {
          send(http, batch);
          done = lineNumber - 1;
          writeCheckpoint(checkpoint, done);
          progress.update(done, total, "line " + done);
          batch.clear();
        }
        batch.add(event);
      }
    }
    if (!batch.isEmpty()) {
      send(http, batch);
    }
    done = lineNumber;
    writeCheckpoint(checkpoint, done);
    progress.finish(done, total, "line " + done);
    err.println("factum import: done, " + done + " lines");
    return 0;
  }

  private static long readCheckpoint(Path checkpoint) throws IOException {
    if (!Files.exists(checkpoint)) {
      return 0;
    }
    String text = Files.readString(checkpoint).trim();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new Factum.CommandFailure(
          "checkpoint " + checkpoint + " is damaged ('" + text + "'); remove it to start over");
    }
  }

  /** Written to a temporary file and renamed over the old one, so a crash never leaves half. */
  private static void writeCheckpoint(Path checkpoint, long done) throws IOException {
    Path temporary = checkpoint.resolveSibling(checkpoint.getFileName() + ".tmp");
    Files.writeString(temporary, Long.toString(done));
    Files.move(
        temporary,
        checkpoint,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static JsonNode parse(String line, long number) {
    try {
      JsonNode event = Http.JSON.readTree(line);
      for (String field : List.of("stream", "type", "revision", "id")) {
        if (event == null || !event.hasNonNull(field)) {
          throw new Factum.CommandFailure("line " + number + " has no '" + field + "'");
        }
      }
      return event;
    } catch (IOException e) {
      throw new Factum.CommandFailure("line " + number + " is not JSON");
    }
  }

  private static void send(Http http, List<JsonNode> batch)
      throws IOException, InterruptedException {
    JsonNode first = batch.getFirst();
    long revision = first.get("revision").asLong();
    ObjectNode body = Http.JSON.createObjectNode();
    if (revision == 0) {
      body.put("expectedRevision", "no_stream");
    } else {
      body.put("expectedRevision", revision - 1);
    }
    ArrayNode events = body.putArray("events");
    for (JsonNode event : batch) {
      ObjectNode copy = events.addObject();
      for (String field : List.of("id", "type", "data", "metadata", "tags", "contentType")) {
        if (event.has(field)) {
          copy.set(field, event.get(field));
        }
      }
    }
    http.post(
        "/streams/" + Http.segment(first.get("stream").asText()),
        Http.JSON.writeValueAsBytes(body));
  }
}
