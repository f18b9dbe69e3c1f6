package dev.factum.cli;

import dev.factum.api.FactumException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.TenantStorage;
import dev.factum.kafka.KafkaSinks;
import dev.factum.kafka.SinkDefinition;
import dev.factum.server.AuthSettings;
import dev.factum.server.FactumServer;
import dev.factum.server.HttpTransport;
import dev.factum.server.ScavengeSchedule;
import dev.factum.server.ServerConfig;
import dev.factum.server.TenantTargets;
import dev.factum.server.TlsConfig;
import dev.factum.storage.postgres.PostgresEventStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.webhooks.Webhooks;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code factum serve}: opens the store (embedded RocksDB, or PostgreSQL shared with other servers)
 * and serves the HTTP API until stopped, with tenants in the same storage (a directory each under
 * DATA/tenants, or a schema each in the database). On SIGTERM or Ctrl-C it shuts down gracefully:
 * open feeds end, requests under way finish, the store closes.
 */
final class ServeCommand implements Factum.Command {
  @Override
  public String summary() {
    return "run the server (embedded RocksDB in ./data by default, or PostgreSQL)";
  }

  @Override
  public String usage() {
    return """
        Usage: factum serve [--data DIR] [--host HOST] [--port PORT] [--config FILE]
                            [--storage rocksdb|postgres] [--pg-url URL] [--pg-user USER]
                            [--pg-password PASSWORD] [--pg-pool-size N] [--group-lease-ms N]
                            [--tls-cert PEM --tls-key PEM] [--insecure]
                            [--auth] [--admin-key-file FILE] [--backup-dir DIR]
                            [--master-key-file FILE]
                            [--sinks FILE [--prune-sinks]] [--http-server factum|jdk]
                            [--scavenge-every DURATION [--scavenge-rate N]]

        Runs the Factum HTTP server over an embedded RocksDB store (the default), or over a
        PostgreSQL database that any number of Factum servers may share.

          --data DIR        data directory, created if missing      (env FACTUM_DATA, default ./data)
          --host HOST       address to bind                         (env FACTUM_HOST, default 127.0.0.1)
          --port PORT       port to bind, 0 for any free one        (env FACTUM_PORT, default 7117)
          --storage KIND    rocksdb or postgres                     (env FACTUM_STORAGE, default rocksdb)
          --pg-url URL      jdbc:postgresql://HOST:PORT/DATABASE    (env FACTUM_PG_URL)
          --pg-user USER    PostgreSQL role                         (env FACTUM_PG_USER, default postgres)
          --pg-password PW  its password (prefer the env variable)  (env FACTUM_PG_PASSWORD)
          --pg-pool-size N  reader connections                      (env FACTUM_PG_POOL_SIZE, default 16)
          --group-lease-ms N  with PostgreSQL: how long a consumer-group partition's lease lasts
                            unrenewed; a dead server's share moves after about this long
                            (env FACTUM_GROUP_LEASE_MS, default 10000, 100 to 600000)
          --tls-cert PEM    serve HTTPS with this certificate chain (env FACTUM_TLS_CERT)
          --tls-key PEM     and its unencrypted PKCS#8 private key  (env FACTUM_TLS_KEY)
          --insecure        allow plain HTTP on an address other than loopback (refused otherwise)
          --auth            require API keys (always on when HOST is not a loopback address)
          --admin-key-file F  where the first admin key is written (mode 0600) when auth is on
                            and the store has none yet (default DIR/admin.key)
          --backup-dir DIR  lets admins back the running store up with POST /admin/backup
                            (factum backup --url), into DIR/root and DIR/tenants/<tenant>
                            (env FACTUM_BACKUP_DIR; RocksDB only; default: no backups over HTTP)
          --master-key-file F  the master key (base64 of 32 random bytes) that data subjects'
                            keys are encrypted under; events may then name a subject, and
                            DELETE /admin/subjects/S (factum forget S) shreds it
                            (env FACTUM_MASTER_KEY_FILE, or FACTUM_MASTER_KEY as base64;
                            a wrong one, or none for a store that has one, stops the start)
          --sinks FILE      Kafka sinks and webhooks to declare before serving:
                            {"sinks": [..], "webhooks": [..], "tenants": {"T": {"sinks": [..],
                            "webhooks": [..]}}}, each as 'factum sinks create' and
                            'factum webhooks create' take it (a webhook's secret in its
                            "secretFile", made if missing); missing ones are created, differing
                            ones changed to match (docs/KAFKA.md); a bad file, or a tenant that
                            does not exist, stops the start with nothing applied
          --prune-sinks     also delete the sinks and webhooks FILE does not name (kept otherwise;
                            per store, only of the kinds FILE lists for it: "webhooks": [] prunes
                            every webhook; tenants FILE does not name are left alone)
          --http-server S   which HTTP/1.1 server carries the API: factum (Factum's own, a
                            virtual thread per connection) or jdk (the JDK's); same wire
                            (env FACTUM_HTTP_SERVER, default factum)
          --scavenge-every D  start a scavenging run (factum scavenge) on the store and on
                            every tenant's store this server has open, every D (90s, 15m,
                            6h, 1d or ISO-8601 PT6H), where none is running; with servers
                            sharing PostgreSQL, one at a time holds the schedule
                            (env FACTUM_SCAVENGE_EVERY; default: no automatic runs)
          --scavenge-rate N  events a second a scheduled run removes at most
                            (env FACTUM_SCAVENGE_RATE; default 50000)
          --config FILE     properties file: data=, host=, port=, storage=, pg.url=, pg.user=,
                            pg.password=, pg.pool-size=, group.lease-ms=, tls.cert=, tls.key=
                            (env FACTUM_CONFIG)

        Flags win over environment variables, which win over the file. With PostgreSQL the
        database must exist; Factum creates and migrates its tables at start-up.
        A HOST other than loopback needs TLS (TLSv1.3 and 1.2, AEAD suites only) or --insecure.
        Prints 'factum: listening on http(s)://HOST:PORT' once it accepts requests.""";
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args =
        new Args(
            argv,
            1,
            Set.of(
                "data",
                "host",
                "port",
                "config",
                "storage",
                "pg-url",
                "pg-user",
                "pg-password",
                "pg-pool-size",
                "group-lease-ms",
                "tls-cert",
                "tls-key",
                "admin-key-file",
                "backup-dir",
                "master-key-file",
                "sinks",
                "http-server",
                "scavenge-every",
                "scavenge-rate"),
            Set.of("insecure", "auth", "prune-sinks"));
    if (!args.positional().isEmpty()) {
      throw new Args.UsageException("unexpected argument '" + args.positional().getFirst() + "'");
    }
    String sinksFile = args.get("sinks", null);
    if (sinksFile == null && args.flag("prune-sinks")) {
      throw new Args.UsageException("--prune-sinks needs --sinks FILE");
    }
    // The file is checked whole before the port, the data directory or the database is touched.
    DefinitionsFile declaredFile;
    try {
      declaredFile = sinksFile == null ? null : DefinitionsFile.read(Path.of(sinksFile));
    } catch (InvalidArgumentException e) {
      throw new Factum.CommandFailure("--sinks " + e.getMessage());
    }
    ServeSettings settings = ServeSettings.resolve(args, System.getenv());
    ServerConfig config = serverConfig(settings);
    String httpServer = args.get("http-server", System.getenv("FACTUM_HTTP_SERVER"));
    if (httpServer != null && !httpServer.isBlank()) {
      try {
        config = config.withTransport(HttpTransport.byId(httpServer.trim()));
      } catch (InvalidArgumentException e) {
        throw new Args.UsageException("--http-server " + e.getMessage());
      }
    }
    try {
      config =
          config.withScavenging(
              ScavengeSchedule.parse(
                  args.get("scavenge-every", System.getenv("FACTUM_SCAVENGE_EVERY")),
                  args.get("scavenge-rate", System.getenv("FACTUM_SCAVENGE_RATE"))));
    } catch (InvalidArgumentException e) {
      throw new Args.UsageException(e.getMessage());
    }
    String backupDir = args.get("backup-dir", System.getenv("FACTUM_BACKUP_DIR"));
    if (backupDir != null) {
      if (settings.postgres() != null) {
        throw new Args.UsageException(
            "--backup-dir is for RocksDB stores; back PostgreSQL up with pg_dump"
                + " (docs/OPERATIONS.md, Backup and restore)");
      }
      config = config.withBackupRoot(Path.of(backupDir));
    }
    // The port first: a taken port must not leave a new data directory (or an opened database)
    // behind. Then the store, whose own checks name a directory in use or one that is not
    // writable.
    FactumServer.Binding binding;
    try {
      binding =
          FactumServer.bind(
              config.withAuth(
                  new AuthSettings(
                      args.flag("auth"),
                      Path.of(
                          args.get(
                              "admin-key-file",
                              settings.data().resolve("admin.key").toString())))));
    } catch (IOException e) {
      throw new Factum.CommandFailure(listenFailure(settings, e));
    }
    FactumStore store;
    TenantStorage tenants;
    String serving;
    try {
      if (settings.postgres() != null) {
        store = PostgresEventStore.open(settings.postgres(), settings.options());
        tenants = PostgresEventStore.tenants(settings.postgres(), settings.options());
        serving = "PostgreSQL " + settings.postgres();
      } else {
        store = RocksDbEventStore.open(settings.data(), settings.options());
        tenants = RocksDbEventStore.tenants(settings.data(), settings.options());
        serving = settings.data().toAbsolutePath().normalize().toString();
      }
    } catch (FactumException e) {
      binding.close();
      throw new Factum.CommandFailure(e.getMessage());
    }
    if (declaredFile != null) {
      try {
        declare(declaredFile, store, tenants, args.flag("prune-sinks"), out);
      } catch (FactumException | IOException e) {
        store.close();
        binding.close();
        throw new Factum.CommandFailure("--sinks " + sinksFile + ": " + e.getMessage());
      }
    }
    FactumServer server;
    try {
      server = binding.serve(store, tenants);
    } catch (FactumException e) {
      store.close();
      throw new Factum.CommandFailure(e.getMessage());
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
    out.println("factum: serving " + serving + " (head position " + store.headPosition() + ")");
    if (config.tlsEnabled()) {
      out.println(
          "factum: TLS with the certificate of "
              + config.tls().subject()
              + " (expires "
              + config.tls().notAfter()
              + ")");
    } else if (settings.insecure()) {
      out.println("factum: --insecure: plain HTTP, readable by anyone on the network");
    }
    out.println(
        server.authEnabled()
            ? "factum: auth on: every request but /health, /metrics and /openapi.json needs an API key"
            : "factum: open mode (no auth, loopback only): every request acts as admin");
    if (config.scavenging().enabled()) {
      out.println(
          "factum: scavenging every "
              + config.scavenging().every()
              + " (GET /admin/scavenge shows the schedule)");
    }
    out.println("factum: listening on " + server.uri());
    out.flush();
    stopped.await();
    return 0;
  }

  /**
   * The server's settings, before the port is bound: plain HTTP on an exposed address is a usage
   * error (the flags decide it, exit 2); a TLS file that cannot be used is a start-up error (exit
   * 1) that leaves no data directory behind.
   */
  private static ServerConfig serverConfig(ServeSettings settings) {
    if (settings.tlsCert() == null) {
      try {
        return ServerConfig.DEFAULT
            .withListener(settings.host(), null, settings.insecure())
            .withPort(settings.port());
      } catch (InvalidArgumentException e) {
        throw new Args.UsageException(e.getMessage());
      }
    }
    TlsConfig tls = TlsConfig.fromPem(settings.tlsCert(), settings.tlsKey());
    return ServerConfig.DEFAULT
        .withListener(settings.host(), tls, settings.insecure())
        .withPort(settings.port());
  }

  /**
   * Applies a definitions file before the server serves. Its tenants are resolved and their sinks
   * scoped to them first (an unknown tenant, or a transactional id outside a tenant's prefix, stops
   * the start with nothing applied); then the webhooks' missing secret files are written, and the
   * root store's sinks and webhooks declared, then each tenant's in its store (with {@code prune},
   * each kind a store's part of the file lists pruned in that store).
   */
  private static void declare(
      DefinitionsFile file,
      FactumStore store,
      TenantStorage tenantStorage,
      boolean prune,
      PrintStream out)
      throws IOException {
    TenantTargets targets;
    Map<String, List<SinkDefinition>> tenantSinks = new LinkedHashMap<>();
    try {
      targets = TenantTargets.resolve(store, tenantStorage, file.tenants().keySet());
      for (Map.Entry<String, DefinitionsFile.Part> tenant : file.tenants().entrySet()) {
        List<SinkDefinition> scoped = new ArrayList<>();
        List<SinkDefinition> sinks = tenant.getValue().sinks();
        for (int i = 0; i < sinks.size(); i++) {
          try {
            scoped.add(targets.scopedSink(tenant.getKey(), sinks.get(i)));
          } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException(
                "tenants." + tenant.getKey() + ".sinks[" + i + "]: " + e.getMessage(), e);
          }
        }
        tenantSinks.put(tenant.getKey(), scoped);
      }
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException("tenants: " + e.getMessage(), e);
    }
    List<String> said = new ArrayList<>();
    DefinitionsFile.Part root = file.root();
    List<Webhooks.Declaration> webhooks = DefinitionsFile.writeMissingSecrets(root, said);
    Map<String, List<Webhooks.Declaration>> tenantWebhooks = new LinkedHashMap<>();
    for (Map.Entry<String, DefinitionsFile.Part> tenant : file.tenants().entrySet()) {
      tenantWebhooks.put(
          tenant.getKey(), DefinitionsFile.writeMissingSecrets(tenant.getValue(), said));
    }
    KafkaSinks.Declared sinks = KafkaSinks.declare(store, root.sinks(), prune && root.listsSinks());
    Webhooks.Declared hooks = Webhooks.declare(store, webhooks, prune && root.listsWebhooks());
    for (String line : said) {
      out.println("factum: " + line);
    }
    say(
        out,
        "sinks of " + file.file(),
        sinks.created(),
        sinks.updated(),
        sinks.unchanged(),
        sinks.deleted());
    say(
        out,
        "webhooks of " + file.file(),
        hooks.created(),
        hooks.updated(),
        hooks.unchanged(),
        hooks.deleted());
    for (Map.Entry<String, DefinitionsFile.Part> tenant : file.tenants().entrySet()) {
      DefinitionsFile.Part part = tenant.getValue();
      TenantTargets.Declared declared =
          targets.declare(
              tenant.getKey(),
              tenantSinks.get(tenant.getKey()),
              prune && part.listsSinks(),
              tenantWebhooks.get(tenant.getKey()),
              prune && part.listsWebhooks());
      String of = " of tenant " + tenant.getKey() + " in " + file.file();
      KafkaSinks.Declared s = declared.sinks();
      Webhooks.Declared w = declared.webhooks();
      say(out, "sinks" + of, s.created(), s.updated(), s.unchanged(), s.deleted());
      say(out, "webhooks" + of, w.created(), w.updated(), w.unchanged(), w.deleted());
    }
  }

  private static void say(
      PrintStream out,
      String what,
      List<String> created,
      List<String> updated,
      List<String> unchanged,
      List<String> deleted) {
    out.println(
        "factum: "
            + what
            + ": created "
            + created
            + ", updated "
            + updated
            + ", unchanged "
            + unchanged
            + ", deleted "
            + deleted);
  }

  private static String listenFailure(ServeSettings settings, IOException e) {
    String where = settings.host() + ":" + settings.port();
    if (e instanceof BindException) {
      return "cannot listen on "
          + where
          + ": the port is in use (another server?) or the address is not this machine's;"
          + " choose another with --port";
    }
    return "cannot listen on " + where + ": " + e.getMessage();
  }
}
