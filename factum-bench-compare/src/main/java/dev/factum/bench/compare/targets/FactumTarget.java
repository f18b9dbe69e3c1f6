package dev.factum.bench.compare.targets;

import dev.factum.api.Direction;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.ReadPage;
import dev.factum.api.WrongExpectedRevisionException;
import dev.factum.bench.http.HttpRig;
import dev.factum.bench.load.BenchTarget;
import dev.factum.bench.load.LoadedStore;
import dev.factum.bench.load.LogCatchUp;
import dev.factum.client.FactumClient;
import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.HttpTransport;
import dev.factum.server.ServerConfig;
import java.io.IOException;
import java.util.List;

/**
 * Factum as a system of the comparison: a {@link FactumStore} on some storage, used in-process
 * (embedded) or through {@link FactumServer} on 127.0.0.1 with the Java client {@link
 * FactumClient}, which is what an application would use. Every operation goes through the public
 * {@link EventStore} interface, so embedded and remote run exactly the same calls.
 *
 * <p>What must stay true: appends wait for the store's acknowledgement (durable: fsync'd), loads
 * page until the end of the stream, the catch-up checks that positions arrive 0, 1, 2, … ({@link
 * LogCatchUp#readAll}); and a session closes the server before the client (see {@link HttpRig} for
 * why) and then the store, whose data the {@link Storage} drops.
 */
public final class FactumTarget implements BenchTarget {
  private static final int PAGE = 1_000;

  /** Where Factum keeps its data: opens a fresh, empty store per session. */
  interface Storage extends AutoCloseable {
    /** One line for the report: storage and its durability setting. */
    String describe();

    /** A fresh, empty store named after {@code label}. */
    FactumStore open(String label) throws Exception;

    /** Drops the data of the store opened for {@code label}, after it was closed. */
    void drop(String label) throws IOException;

    @Override
    void close() throws IOException;
  }

  private final String name;
  private final Storage storage;
  private final HttpTransport overHttp;

  /** Over HTTP on {@code overHttp}'s server, or embedded when it is null. */
  public FactumTarget(String name, Storage storage, HttpTransport overHttp) {
    this.name = name;
    this.storage = storage;
    this.overHttp = overHttp;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String setup() {
    return storage.describe()
        + (overHttp != null
            ? "; FactumServer ("
                + overHttp.id()
                + " HTTP server) on 127.0.0.1 in the benchmark's JVM, used through"
                + " FactumClient (its own pooled HTTP/1.1 keep-alive connections)"
            : "; in-process (embedded) calls");
  }

  @Override
  public boolean supports(Capability capability) {
    return true;
  }

  @Override
  public Session open(String label) throws Exception {
    FactumStore store = storage.open(label);
    if (overHttp == null) {
      return new FactumSession(store, store, null, label);
    }
    try {
      FactumServer server =
          FactumServer.start(store, ServerConfig.DEFAULT.withPort(0).withTransport(overHttp));
      return new FactumSession(store, FactumClient.connect(server.uri()), server, label);
    } catch (Exception | Error e) {
      store.close();
      storage.drop(label);
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    storage.close();
  }

  private final class FactumSession implements Session {
    private final FactumStore store;
    private final EventStore client;
    private final FactumServer server;
    private final String label;

    FactumSession(FactumStore store, EventStore client, FactumServer server, String label) {
      this.store = store;
      this.client = client;
      this.server = server;
      this.label = label;
    }

    @Override
    public Writer writer() {
      return new Writer() {
        @Override
        public void append(String entity, List<byte[]> bodies) {
          client.append(entity, ExpectedRevision.any(), LoadedStore.json(bodies));
        }

        @Override
        public Outcome appendExpecting(String entity, long expected, byte[] body) {
          ExpectedRevision revision =
              expected < 0 ? ExpectedRevision.noStream() : ExpectedRevision.exact(expected);
          try {
            return new Outcome(
                true,
                client.append(entity, revision, LoadedStore.json(List.of(body))).lastRevision());
          } catch (WrongExpectedRevisionException e) {
            return new Outcome(false, e.actualRevision());
          }
        }
      };
    }

    @Override
    public Reader reader() {
      return entity -> {
        int events = 0;
        long from = 0;
        while (true) {
          ReadPage page = client.readStream(entity, from, Direction.FORWARD, PAGE);
          events += page.events().size();
          if (page.endOfRead()) {
            return events;
          }
          from = page.next();
        }
      };
    }

    @Override
    public long catchUp() {
      return LogCatchUp.readAll(client).events();
    }

    @Override
    public void close() throws IOException {
      try {
        if (server != null) {
          server.close();
          client.close();
        }
      } finally {
        store.close();
        storage.drop(label);
      }
    }
  }
}
