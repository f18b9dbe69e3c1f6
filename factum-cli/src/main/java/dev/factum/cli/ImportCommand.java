package dev.factum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.wire.WireJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code factum import}: replays an NDJSON export into a server through {@code POST /import},
 * keeping each event's id, stream, revision, timestamp, type, data, metadata and tags, and
 * replaying deletion events ({@code $deletions}) as the deletes they record, at the same point.
 * Into an empty store, the whole export gives the same log, positions included.
 *
 * <p>Batches are runs of {@value #BATCH} lines aligned to line numbers (lines 1–500, 501–1000, …),
 * each imported atomically; after each batch the checkpoint file records how many lines are done.
 * If the import is killed between a commit and its checkpoint, the rerun sends the same aligned
 * batch, which the server recognises by event ids as an exact retry and does not write again; and
 * since every batch committed whole, a rerun from any line is wholly a retry or wholly new.
 */
final class ImportCommand implements Factum.Command {
  private static final int BATCH = 500;

  @Override
  public String summary() {
    return "append the events of an NDJSON export, or of a Kafka topic";
  }

  @Override
  public String usage() {
    return """
        Usage: factum import FILE [--checkpoint FILE] [--url URL]
               factum import --from-kafka ...   (below)

        Replays FILE (as written by 'factum export') into the server: every event at exactly its
        revision with its id and timestamp, and every deletion as the delete it records. The
        store's newest event must not be newer than the first imported one (an empty store
        always works). Progress goes to standard error.

          --checkpoint FILE   where progress is kept (default FILE.checkpoint); rerun to resume
          --url URL       server address (env FACTUM_URL, default http://127.0.0.1:7117)
          --cacert PEM    CA certificate(s) to trust for an https:// URL (env FACTUM_CACERT)
          --api-key KEY   API key for a server with auth on (env FACTUM_API_KEY)

        """
        + KafkaImportCommand.USAGE;
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    if (Arrays.asList(argv).contains("--from-kafka")) {
      return KafkaImportCommand.run(argv, out, err);
    }
    Args args = new Args(argv, 1, Set.of("checkpoint", "url", "cacert", "api-key"), Set.of());
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
    try (Remote remote = new Remote(args)) {
      return run(file, checkpoint, done, total, remote, err);
    }
  }

  private static int run(
      Path file, Path checkpoint, long done, long total, Remote remote, PrintStream err)
      throws IOException {
    Progress progress = new Progress(err, "imported");
    long lineNumber = 0;
    List<String> batch = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (lineNumber <= done) {
          continue;
        }
        if (!line.isBlank()) {
          parse(line, lineNumber);
          batch.add(line);
        }
        if (lineNumber % BATCH == 0) {
          send(remote, batch);
          done = lineNumber;
          writeCheckpoint(checkpoint, done);
          progress.update(done, total, "line " + done);
          batch.clear();
        }
      }
    }
    if (!batch.isEmpty()) {
      send(remote, batch);
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
        temporary, checkpoint, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static JsonNode parse(String line, long number) {
    try {
      JsonNode event = WireJson.mapper().readTree(line);
      for (String field : List.of("stream", "type", "revision", "id", "timestamp")) {
        if (event == null || !event.hasNonNull(field)) {
          throw new Factum.CommandFailure("line " + number + " has no '" + field + "'");
        }
      }
      return event;
    } catch (IOException e) {
      throw new Factum.CommandFailure("line " + number + " is not JSON");
    }
  }

  /** The lines go as they are in the file (never parsed and written again, so never changed). */
  private static void send(Remote remote, List<String> batch) {
    if (batch.isEmpty()) {
      return;
    }
    remote.json(json -> json.importEvents(batch));
  }
}
