package dev.factum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * {@code factum export}: writes the global log as NDJSON (one event per line, in position order).
 * With {@code --out FILE} and {@code --resume}, an interrupted export continues after the last
 * complete line of the file: a partial last line is cut first, so the file never holds half an
 * event and never repeats one.
 */
final class ExportCommand implements Factum.Command {
  @Override
  public String summary() {
    return "write the global log as NDJSON";
  }

  @Override
  public String usage() {
    return """
        Usage: factum export [--out FILE [--resume]] [--from POSITION] [--url URL]

        Writes every event of the global log, in position order, one JSON object per line,
        to FILE (or standard output). Progress goes to standard error.

          --out FILE        write to FILE instead of standard output
          --resume          continue an interrupted export into FILE after its last event
          --from POSITION   start at this position (default 0)
          --url URL       server address (env FACTUM_URL, default http://127.0.0.1:7117)""";
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args = new Args(argv, 1, Set.of("out", "from", "url"), Set.of("resume"));
    if (!args.positional().isEmpty()) {
      throw new Args.UsageException("unexpected argument '" + args.positional().getFirst() + "'");
    }
    long from = args.number("from", 0, 0, Long.MAX_VALUE - 1);
    Path file = args.get("out") == null ? null : Path.of(args.get("out"));
    if (args.flag("resume")) {
      if (file == null) {
        throw new Args.UsageException("--resume needs --out FILE");
      }
      from = resumePosition(file, from);
    } else if (file != null && Files.exists(file) && Files.size(file) > 0) {
      throw new Args.UsageException(file + " exists; pass --resume to continue it, or remove it");
    }
    Http http = new Http(args);
    long head = http.get("/").get("headPosition").asLong();
    Progress progress = new Progress(err, "exported");
    long written = 0;
    try (Writer writer =
        file == null
            ? new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8))
            : Files.newBufferedWriter(
                file,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
      long next = from;
      while (next <= head) {
        JsonNode page = http.get("/all?from=" + next + "&limit=1000");
        JsonNode events = page.get("events");
        if (events.isEmpty()) {
          break;
        }
        for (JsonNode event : events) {
          writer.write(Http.JSON.writeValueAsString(event));
          writer.write('\n');
          written++;
          next = event.get("position").asLong() + 1;
        }
        writer.flush();
        progress.update(next, head + 1, "position " + next);
      }
      progress.finish(next, head + 1, "position " + next);
    }
    err.println("factum export: wrote " + written + " events");
    return 0;
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
      return Http.JSON.readTree(line).get("position").asLong() + 1;
    }
  }
}
