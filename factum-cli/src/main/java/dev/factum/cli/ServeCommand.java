package dev.factum.cli;

import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code factum serve}: opens the RocksDB store and serves the HTTP API until stopped. On SIGTERM
 * or Ctrl-C it shuts down gracefully: open feeds end, requests under way finish, the store closes.
 */
final class ServeCommand implements Factum.Command {
  @Override
  public String summary() {
    return "run the server (embedded RocksDB in ./data by default)";
  }

  @Override
  public String usage() {
    return """
        Usage: factum serve [--data DIR] [--host HOST] [--port PORT] [--config FILE]

        Runs the Factum HTTP server over an embedded RocksDB store.

          --data DIR      data directory, created if missing        (env FACTUM_DATA, default ./data)
          --host HOST     address to bind                           (env FACTUM_HOST, default 127.0.0.1)
          --port PORT     port to bind, 0 for any free one          (env FACTUM_PORT, default 7117)
          --config FILE   properties file with data=, host=, port=  (env FACTUM_CONFIG)

        Flags win over environment variables, which win over the file.
        Prints 'factum: listening on http://HOST:PORT' once it accepts requests.""";
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args = new Args(argv, 1, Set.of("data", "host", "port", "config"), Set.of());
    if (!args.positional().isEmpty()) {
      throw new Args.UsageException("unexpected argument '" + args.positional().getFirst() + "'");
    }
    ServeSettings settings = ServeSettings.resolve(args, System.getenv());
    FactumStore store = RocksDbEventStore.open(settings.data());
    FactumServer server;
    try {
      server =
          FactumServer.start(
              store, ServerConfig.DEFAULT.withHost(settings.host()).withPort(settings.port()));
    } catch (java.io.IOException e) {
      store.close();
      throw new Factum.CommandFailure(
          "cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  store.close();
                  out.println("factum: stopped cleanly");
                  out.flush();
                  stopped.countDown();
                  // A graceful stop is a success: exit 0 rather than the JVM's 128+signal.
                  Runtime.getRuntime().halt(0);
                },
                "factum-shutdown"));
    out.println(
        "factum: serving "
            + settings.data().toAbsolutePath().normalize()
            + " (head position "
            + store.headPosition()
            + ")");
    out.println("factum: listening on " + server.uri());
    out.flush();
    stopped.await();
    return 0;
  }
}
