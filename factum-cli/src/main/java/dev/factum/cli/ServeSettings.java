package dev.factum.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The settings of {@code factum serve}, gathered from (highest precedence first) command-line
 * flags, environment variables ({@code FACTUM_DATA}, {@code FACTUM_HOST}, {@code FACTUM_PORT}), a
 * properties file ({@code --config FILE}: {@code data=}, {@code host=}, {@code port=}), and
 * defaults, then validated in one place with messages that say what to fix.
 */
record ServeSettings(Path data, String host, int port) {
  static final Set<String> KEYS = Set.of("data", "host", "port");

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
    if (Files.exists(dataPath) && !Files.isDirectory(dataPath)) {
      throw new Args.UsageException("data path " + dataPath + " exists and is not a directory");
    }
    return new ServeSettings(dataPath, host, portNumber);
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
