package dev.factum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.client.FactumClient;
import dev.factum.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;

/**
 * {@code factum export}: writes the global log as NDJSON (one event per line, in position order),
 * deletion events ({@code $deletions}) included, so an import replays deletes at the same point.
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>Whole lines only: a page's lines are checked first and then written in one write, so a
 *       failure never leaves half an event, and a kill can at most tear the last line, which {@code
 *       --resume} cuts before continuing after the last whole line (no event repeated or missing).
 *   <li>Values are never changed: each line is the event's JSON exactly as the server sent it
 *       (bytes, not characters: standard output gets UTF-8 whatever the platform's charset), and an
 *       event that cannot be one faithful line is an error naming it ({@link ExportLines}).
 * </ul>
 *
 * (The duplicated event and torn line of issue 19 came from writing characters through a
 * BufferedWriter: an encoding failure left its buffer full, and closing it wrote the buffer again.)
 */
final class ExportCommand implements Factum.Command {
  @Override
  public String summary() {
    return "write the global log as NDJSON";
  }

  @Override
  public String usage() {
    return """
        Usage: factum export [--out FILE [--resume]] [--from POSITION] [--page-size N] [--url URL]

        Writes every event of the global log, in position order, one JSON object per line,
        to FILE (or standard output), exactly as the server sends it (UTF-8). Deletion events
        ($deletions) are included. Progress goes to standard error.

          --out FILE        write to FILE instead of standard output
          --resume          continue an interrupted export into FILE after its last whole line
          --from POSITION   start at this position (default 0)
          --page-size N     events per request, 1 to 1000 (default 1000)
        """
        + Remote.HELP;
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args =
        new Args(
            argv,
            1,
            Set.of("out", "from", "page-size", "url", "cacert", "api-key"),
            Set.of("resume"));
    if (!args.positional().isEmpty()) {
      throw new Args.UsageException("unexpected argument '" + args.positional().getFirst() + "'");
    }
    long from = args.number("from", 0, 0, Long.MAX_VALUE - 1);
    long pageSize = args.number("page-size", 1000, 1, 1000);
    Path file = args.get("out") == null ? null : Path.of(args.get("out"));
    if (args.flag("resume")) {
      if (file == null) {
        throw new Args.UsageException("--resume needs --out FILE");
      }
      from = resumePosition(file, from);
    } else if (file != null && Files.exists(file) && Files.size(file) > 0) {
      throw new Args.UsageException(file + " exists; pass --resume to continue it, or remove it");
    }
    int limit = (int) pageSize;
    try (Remote remote = new Remote(args)) {
      long head = remote.call(FactumClient::headPosition);
      Progress progress = new Progress(err, "exported");
      long written = 0;
      try (Sink sink = file == null ? new Sink(out) : new Sink(file)) {
        long next = from;
        while (next <= head) {
          long at = next;
          List<ExportLines.Line> lines =
              ExportLines.of(
                  remote.json(
                      json -> json.readAll(at, Direction.FORWARD, limit, LogFilter.none())));
          if (lines.isEmpty()) {
            break;
          }
          ByteArrayOutputStream chunk = new ByteArrayOutputStream();
          for (ExportLines.Line line : lines) {
            if (line.position() != next) {
              throw new Factum.CommandFailure(
                  "the server sent position " + line.position() + " where " + next + " was due");
            }
            chunk.write(line.bytes());
            chunk.write('\n');
            next++;
          }
          sink.write(chunk.toByteArray());
          written += lines.size();
          progress.update(next, head + 1, "position " + next);
        }
        progress.finish(next, head + 1, "position " + next);
      }
      err.println("factum export: wrote " + written + " events");
    }
    return 0;
  }

  /** Standard output or a file opened for appending; each write is a run of whole lines. */
  private static final class Sink implements AutoCloseable {
    private final PrintStream out;
    private final FileChannel channel;

    Sink(PrintStream out) {
      this.out = out;
      this.channel = null;
    }

    Sink(Path file) throws IOException {
      this.out = null;
      this.channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    void write(byte[] lines) throws IOException {
      if (channel == null) {
        out.write(lines);
        out.flush();
        if (out.checkError()) {
          throw new Factum.CommandFailure("standard output could not be written");
        }
        return;
      }
      ByteBuffer buffer = ByteBuffer.wrap(lines);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }

    @Override
    public void close() throws IOException {
      if (channel != null) {
        try (channel) {
          channel.force(true);
        }
      }
    }
  }

  /** Cuts a partial last line and returns the position after the last complete event. */
  private static long resumePosition(Path file, long fallback) throws IOException {
    if (!Files.exists(file) || Files.size(file) == 0) {
      return fallback;
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long end = raf.length();
      long cut = end;
      while (cut > 0) {
        raf.seek(cut - 1);
        if (raf.read() == '\n') {
          break;
        }
        cut--;
      }
      raf.setLength(cut);
      if (cut == 0) {
        return fallback;
      }
      long start = cut - 1;
      while (start > 0) {
        raf.seek(start - 1);
        if (raf.read() == '\n') {
          break;
        }
        start--;
      }
      byte[] line = new byte[(int) (cut - 1 - start)];
      raf.seek(start);
      raf.readFully(line);
      JsonNode last;
      try {
        last = WireJson.mapper().readTree(line);
      } catch (IOException notJson) {
        last = null;
      }
      if (last == null || !last.path("position").canConvertToLong()) {
        throw new Factum.CommandFailure(
            file + "'s last line is not an exported event; it was not written by factum export");
      }
      return last.get("position").asLong() + 1;
    }
  }
}
