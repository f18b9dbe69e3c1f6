package dev.factum.cli;

import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.StreamMetadata;
import dev.factum.api.VersionedStreamMetadata;
import dev.factum.wire.StreamMetadataJson;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;

/**
 * {@code factum metadata get|set STREAM}: a stream's metadata (its retention and custom JSON) over
 * the server's {@code /streams/{stream}/metadata}. {@code set} replaces the whole metadata: a
 * setting not given is cleared, so what is printed afterwards is exactly what reads apply.
 */
final class MetadataCommand implements Factum.Command {
  @Override
  public String summary() {
    return "get or set a stream's metadata: maxCount, maxAge, truncateBefore, custom JSON";
  }

  @Override
  public String usage() {
    return """
        Usage: factum metadata get STREAM [--url URL]
               factum metadata set STREAM --expected-revision REV [--max-count N]
                      [--max-age SECONDS] [--truncate-before REV] [--custom JSON] [--url URL]

        get prints the metadata of STREAM as JSON: its metadataRevision (-1: never set) and its
        settings. set replaces them all (a setting not given is cleared) and prints the new
        metadataRevision. Reads of the stream then see only revisions at or after the largest of
        truncateBefore, lastRevision + 1 - maxCount and the first one younger than maxAge;
        revisions keep their numbers, and the global log is not filtered (docs/LIFECYCLE.md).

          --expected-revision REV  required for set: the metadata revision it replaces, or any,
                                   exists, no_stream (never set); a conflict exits 1
          --max-count N            keep at most the newest N events visible (N >= 1)
          --max-age SECONDS        hide events committed more than SECONDS ago (>= 1)
          --truncate-before REV    hide revisions below REV
          --custom JSON            the application's own JSON object (at most 16 KiB)
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
                "expected-revision",
                "max-count",
                "max-age",
                "truncate-before",
                "custom",
                "url",
                "cacert",
                "api-key"),
            Set.of());
    if (args.positional().size() != 2) {
      throw new Args.UsageException("give get or set, and exactly one STREAM");
    }
    String action = args.positional().getFirst();
    String stream = args.positional().get(1);
    switch (action) {
      case "get" -> {
        for (String option :
            Set.of("expected-revision", "max-count", "max-age", "truncate-before", "custom")) {
          if (args.get(option) != null) {
            throw new Args.UsageException("--" + option + " is for set, not get");
          }
        }
        try (Remote remote = new Remote(args)) {
          VersionedStreamMetadata metadata = remote.call(client -> client.streamMetadata(stream));
          out.println(JsonText.object(json -> StreamMetadataJson.write(json, metadata)));
        }
      }
      case "set" -> {
        StreamMetadata metadata = settings(args);
        String expected = args.get("expected-revision");
        if (expected == null) {
          throw new Args.UsageException(
              "--expected-revision is required: a metadata revision, any, exists or no_stream");
        }
        ExpectedRevision revision = parse(() -> ExpectedRevision.parse(expected));
        try (Remote remote = new Remote(args)) {
          long written =
              remote.call(client -> client.setStreamMetadata(stream, revision, metadata));
          out.println(
              JsonText.object(json -> StreamMetadataJson.writeSetResult(json, stream, written)));
        }
      }
      default -> throw new Args.UsageException("unknown action '" + action + "': get or set");
    }
    return 0;
  }

  private static StreamMetadata settings(Args args) {
    Long maxCount = number(args, "max-count");
    Long maxAge = number(args, "max-age");
    Long truncateBefore = number(args, "truncate-before");
    return parse(
        () ->
            new StreamMetadata(
                maxCount,
                maxAge == null ? null : Duration.ofSeconds(maxAge),
                truncateBefore,
                args.get("custom")));
  }

  private static Long number(Args args, String option) {
    String text = args.get(option);
    if (text == null) {
      return null;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new Args.UsageException("--" + option + " must be a whole number, was '" + text + "'");
    }
  }

  private interface Parse<T> {
    T get();
  }

  /** A value refused by the API's own checks is bad usage here (exit 2), before any request. */
  private static <T> T parse(Parse<T> parse) {
    try {
      return parse.get();
    } catch (InvalidArgumentException e) {
      throw new Args.UsageException(e.getMessage());
    }
  }
}
