package dev.factum.cli;

import dev.factum.api.scavenge.ScavengeStatus;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbStorage;
import dev.factum.wire.ScavengeJson;
import dev.factum.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code factum scavenge}: removes from disk what no read can see any more (docs/LIFECYCLE.md,
 * "Scavenging"), on a running server ({@code --url}: {@code POST /admin/scavenge}, admin key) or on
 * a stopped RocksDB data directory ({@code --data}). Prints the status as JSON; with {@code --wait}
 * (always with {@code --data}) polls until the run ends. Exit code 0 when started (or, waiting,
 * done), 1 when the run failed.
 */
final class ScavengeCommand implements Factum.Command {
  private static final Duration POLL = Duration.ofMillis(500);

  @Override
  public String summary() {
    return "remove what retention, deletes and tombstones hide, and reclaim the disk";
  }

  @Override
  public String usage() {
    return """
        Usage: factum scavenge [--url URL] [--api-key KEY] [--cacert PEM] [--rate N] [--wait]
               factum scavenge --status [--url URL] [--api-key KEY] [--cacert PEM]
               factum scavenge --data DIR [--rate N]

        Starts scavenging the store of the server at URL (default $FACTUM_URL or
        http://127.0.0.1:7117; an admin key's store: the root store, or a tenant admin's tenant):
        events below a stream's first visible revision (maxCount, maxAge, truncateBefore, a soft
        delete) and every event of a tombstoned stream are removed, their positions stay taken,
        and the space is given back. Runs in the background at most N events a second (default
        50000); reads and appends go on. --wait polls until the run ends; --status only prints the
        current or last run. --data runs it on a stopped RocksDB data directory and waits.
        Prints the status as JSON.
        Exit code 0: started, or (waiting) done; 1: the run failed.""";
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args =
        new Args(
            argv, 1, Set.of("url", "api-key", "cacert", "rate", "data"), Set.of("wait", "status"));
    if (!args.positional().isEmpty()) {
      throw new Args.UsageException("unexpected argument '" + args.positional().getFirst() + "'");
    }
    long rate = rate(args.get("rate"));
    if (args.get("data") != null) {
      if (args.get("url") != null || args.flag("status")) {
        throw new Args.UsageException(
            "--data scavenges a stopped data directory: drop --url/--status");
      }
      Path data = Path.of(args.get("data"));
      if (!Files.isDirectory(data)) {
        throw new Args.UsageException(data + " is not a data directory");
      }
      try (FactumStore store = FactumStore.open(RocksDbStorage.open(data))) {
        store.startScavenge(rate);
        return finish(waitFor(store::scavengeStatus), out);
      }
    }
    try (Remote remote = new Remote(args)) {
      if (args.flag("status")) {
        print(remote.call(client -> client.scavengeStatus()), out);
        return 0;
      }
      ScavengeStatus started = remote.call(client -> client.startScavenge(rate));
      if (!args.flag("wait")) {
        print(started, out);
        return 0;
      }
      return finish(waitFor(() -> remote.call(client -> client.scavengeStatus())), out);
    }
  }

  private static long rate(String text) {
    if (text == null) {
      return 0;
    }
    try {
      long rate = Long.parseLong(text);
      if (rate > 0) {
        return rate;
      }
    } catch (NumberFormatException e) {
      // the usage error below
    }
    throw new Args.UsageException("--rate must be a whole number of events a second, 1 or more");
  }

  private static ScavengeStatus waitFor(Supplier<ScavengeStatus> status)
      throws InterruptedException {
    ScavengeStatus now = status.get();
    while (now.isRunning()) {
      Thread.sleep(POLL.toMillis());
      now = status.get();
    }
    return now;
  }

  private static int finish(ScavengeStatus status, PrintStream out) throws IOException {
    print(status, out);
    return status.state() == ScavengeStatus.State.FAILED ? 1 : 0;
  }

  private static void print(ScavengeStatus status, PrintStream out) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (var json = WireJson.mapper().getFactory().createGenerator(bytes)) {
      json.writeStartObject();
      ScavengeJson.write(json, status);
      json.writeEndObject();
    }
    out.println(bytes.toString(StandardCharsets.UTF_8));
  }
}
