package dev.factum.cli;

import dev.factum.api.FactumException;
import dev.factum.engine.MasterKey;
import dev.factum.engine.StoreOptions;
import dev.factum.storage.postgres.PostgresConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The settings of {@code factum serve}, gathered from (highest precedence first) command-line
 * flags, environment variables ({@code FACTUM_DATA}, {@code FACTUM_HOST}, {@code FACTUM_PORT},
 * {@code FACTUM_STORAGE}, {@code FACTUM_PG_URL}, {@code FACTUM_PG_USER}, {@code
 * FACTUM_PG_PASSWORD}, {@code FACTUM_PG_POOL_SIZE}, {@code FACTUM_GROUP_LEASE_MS}, {@code
 * FACTUM_TLS_CERT}, {@code FACTUM_TLS_KEY}), a properties file ({@code --config FILE}: the same
 * names in lower case with dots, e.g. {@code data=}, {@code storage=}, {@code pg.url=}), and
 * defaults, then validated in one place with messages that say what to fix.
 *
 * @param postgres where the PostgreSQL storage lives; null for RocksDB (which uses {@code data})
 * @param tlsCert the PEM certificate chain to serve HTTPS with; null (with {@code tlsKey}) for HTTP
 * @param tlsKey its PEM private key
 * @param insecure {@code --insecure}: plain HTTP on an address other than loopback is accepted
 * @param options the store's options ({@code --group-lease-ms}: how long a consumer-group
 *     partition's lease lasts when servers share PostgreSQL)
 */
record ServeSettings(
    Path data,
    String host,
    int port,
    PostgresConfig postgres,
    Path tlsCert,
    Path tlsKey,
    boolean insecure,
    StoreOptions options) {
  static final Set<String> KEYS =
      Set.of(
          "data",
          "host",
          "port",
          "storage",
          "pg.url",
          "pg.user",
          "pg.password",
          "pg.pool-size",
          "group.lease-ms",
          "tls.cert",
          "tls.key");

  static ServeSettings resolve(Args args, Map<String, String> env) {
    Properties file = new Properties();
    String config = args.get("config", env.get("FACTUM_CONFIG"));
    if (config != null) {
      Path path = Path.of(config);
      if (!Files.isRegularFile(path)) {
        throw new Args.UsageException("config file " + path + " does not exist");
      }
      try (Reader reader = Files.newBufferedReader(path)) {
        file.load(reader);
      } catch (IOException e) {
        throw new Args.UsageException("cannot read config file " + path + ": " + e.getMessage());
      }
      for (String key : file.stringPropertyNames()) {
        if (!KEYS.contains(key)) {
          throw new Args.UsageException(
              "unknown setting '" + key + "' in " + path + "; known: " + KEYS);
        }
      }
    }
    String data =
        pick(args.get("data"), env.get("FACTUM_DATA"), file.getProperty("data"), "./data");
    String host =
        pick(args.get("host"), env.get("FACTUM_HOST"), file.getProperty("host"), "127.0.0.1");
    String port = pick(args.get("port"), env.get("FACTUM_PORT"), file.getProperty("port"), "7117");
    int portNumber;
    try {
      portNumber = Integer.parseInt(port.trim());
    } catch (NumberFormatException e) {
      throw new Args.UsageException("port must be a number from 0 to 65535, was '" + port + "'");
    }
    if (portNumber < 0 || portNumber > 65_535) {
      throw new Args.UsageException("port must be from 0 to 65535, was " + portNumber);
    }
    if (host.isBlank()) {
      throw new Args.UsageException("host must not be empty");
    }
    Path dataPath = Path.of(data);
    String storage =
        pick(
            args.get("storage"), env.get("FACTUM_STORAGE"), file.getProperty("storage"), "rocksdb");
    PostgresConfig postgres =
        switch (storage) {
          case "rocksdb" -> {
            if (Files.exists(dataPath) && !Files.isDirectory(dataPath)) {
              throw new Args.UsageException(
                  "data path " + dataPath + " exists and is not a directory");
            }
            yield null;
          }
          case "postgres" -> postgres(args, env, file);
          default ->
              throw new Args.UsageException(
                  "storage must be 'rocksdb' or 'postgres', was '" + storage + "'");
        };
    String tlsCert =
        pick(args.get("tls-cert"), env.get("FACTUM_TLS_CERT"), file.getProperty("tls.cert"), "");
    String tlsKey =
        pick(args.get("tls-key"), env.get("FACTUM_TLS_KEY"), file.getProperty("tls.key"), "");
    if (tlsCert.isBlank() != tlsKey.isBlank()) {
      throw new Args.UsageException(
          "TLS needs both --tls-cert and --tls-key (or FACTUM_TLS_CERT and FACTUM_TLS_KEY)");
    }
    String lease =
        pick(
            args.get("group-lease-ms"),
            env.get("FACTUM_GROUP_LEASE_MS"),
            file.getProperty("group.lease-ms"),
            String.valueOf(StoreOptions.DEFAULT.groupLease().toMillis()));
    StoreOptions options;
    try {
      options =
          StoreOptions.DEFAULT.withGroupLease(Duration.ofMillis(Long.parseLong(lease.trim())));
    } catch (NumberFormatException | FactumException e) {
      throw new Args.UsageException(
          "group lease must be 100 to 600000 milliseconds, was '" + lease + "'");
    }
    options = options.withMasterKey(masterKey(args, env));
    return new ServeSettings(
        dataPath,
        host,
        portNumber,
        postgres,
        tlsCert.isBlank() ? null : Path.of(tlsCert),
        tlsKey.isBlank() ? null : Path.of(tlsKey),
        args.flag("insecure"),
        options);
  }

  /**
   * The master key for crypto-shredding: {@code --master-key-file}, else {@code
   * FACTUM_MASTER_KEY_FILE}, else {@code FACTUM_MASTER_KEY} (base64); none when none is given.
   */
  private static MasterKey masterKey(Args args, Map<String, String> env) {
    String file = pick(args.get("master-key-file"), env.get("FACTUM_MASTER_KEY_FILE"), null, "");
    try {
      if (!file.isBlank()) {
        return MasterKey.fromFile(Path.of(file));
      }
      String text = env.get("FACTUM_MASTER_KEY");
      return text == null || text.isBlank() ? null : MasterKey.fromBase64(text);
    } catch (IOException e) {
      throw new Args.UsageException(
          "cannot read the master key file " + file + ": " + e.getMessage());
    } catch (FactumException e) {
      throw new Args.UsageException(e.getMessage());
    }
  }

  private static PostgresConfig postgres(Args args, Map<String, String> env, Properties file) {
    String url = pick(args.get("pg-url"), env.get("FACTUM_PG_URL"), file.getProperty("pg.url"), "");
    if (url.isBlank()) {
      throw new Args.UsageException(
          "--storage postgres needs --pg-url jdbc:postgresql://HOST:PORT/DATABASE (or"
              + " FACTUM_PG_URL)");
    }
    String user =
        pick(
            args.get("pg-user"),
            env.get("FACTUM_PG_USER"),
            file.getProperty("pg.user"),
            "postgres");
    String password =
        pick(
            args.get("pg-password"),
            env.get("FACTUM_PG_PASSWORD"),
            file.getProperty("pg.password"),
            "");
    String poolSize =
        pick(
            args.get("pg-pool-size"),
            env.get("FACTUM_PG_POOL_SIZE"),
            file.getProperty("pg.pool-size"),
            String.valueOf(PostgresConfig.DEFAULT_POOL_SIZE));
    int pool;
    try {
      pool = Integer.parseInt(poolSize.trim());
    } catch (NumberFormatException e) {
      throw new Args.UsageException("pg pool size must be a number, was '" + poolSize + "'");
    }
    try {
      return PostgresConfig.of(url.trim(), user, password).withPoolSize(pool);
    } catch (FactumException e) {
      throw new Args.UsageException(e.getMessage());
    }
  }

  private static String pick(String flag, String env, String file, String fallback) {
    if (flag != null) {
      return flag;
    }
    if (env != null && !env.isBlank()) {
      return env;
    }
    return file != null ? file : fallback;
  }
}
