package dev.factum.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A class-data cache for the server processes of one test JVM: trained once, on first use, by a
 * server of its own, then named on the command line of every server the tests start.
 *
 * <p>Design note: the system tests start the server jar dozens of times, and each start spends most
 * of its time loading and linking the same classes. On JDK 25 and later the cache is an AOT cache
 * ({@code -XX:AOTMode=record}, then {@code -XX:AOTMode=create}, to train; {@code -XX:AOTCache} to
 * use); on JDK 21 to 24 a dynamic CDS archive ({@code -XX:ArchiveClassesAtExit}, {@code
 * -XX:SharedArchiveFile}). The training JVM writes its record as it exits, so training ends with
 * SIGTERM (the server's shutdown hook halts the JVM, which still writes it), never SIGKILL. What
 * must stay true:
 *
 * <ul>
 *   <li>The cache only changes how fast a server starts, never what it does: it holds classes of
 *       the very jar the tests start (trained afresh per test JVM, so a rebuilt jar never meets a
 *       stale cache), and a JVM that cannot map it starts without it.
 *   <li>A training that fails (the server does not start, the file is not written) gives a plain
 *       start, with the reason on standard error; it never fails a test.
 *   <li>{@code -Dfactum.system.startupCache=false} turns it off: plain starts, as a user's.
 * </ul>
 */
final class StartupCache {
  static final String SWITCH = "factum.system.startupCache";
  private static final Duration TRAINING_LIMIT = Duration.ofSeconds(120);

  private static List<String> options; // null until the first server start decides

  private StartupCache() {}

  /**
   * The JVM options that make a server started with {@code jvmOptions} and {@code jar} use the
   * cache; trains it on the first call; empty when off or when training failed.
   */
  static synchronized List<String> options(String javaBin, List<String> jvmOptions, Path jar) {
    if (options == null) {
      options = decide(javaBin, jvmOptions, jar);
    }
    return options;
  }

  private static List<String> decide(String javaBin, List<String> jvmOptions, Path jar) {
    if (!enabled()) {
      return List.of();
    }
    return trainOrNothing(
        javaBin,
        jvmOptions,
        jar,
        Path.of(System.getProperty("factum.system.startupCacheDir", "target/startup-cache")));
  }

  /** Whether the cache is on ({@code -Dfactum.system.startupCache}, true unless false). */
  static boolean enabled() {
    return Boolean.parseBoolean(System.getProperty(SWITCH, "true"));
  }

  /** Whether this JDK's cache is an AOT cache (JDK 25+) rather than a dynamic CDS archive. */
  static boolean aot() {
    return Runtime.version().feature() >= 25;
  }

  /**
   * Trains a cache in {@code directory} and returns the options that use it; on any failure, says
   * why on standard error and returns no options (a plain start).
   */
  static List<String> trainOrNothing(
      String javaBin, List<String> jvmOptions, Path jar, Path directory) {
    boolean aot = aot();
    Path cache =
        directory.resolve("server-" + ProcessHandle.current().pid() + (aot ? ".aot" : ".jsa"));
    long started = System.nanoTime();
    try {
      Files.createDirectories(directory);
      deleteEarlierCaches(directory);
      train(javaBin, jvmOptions, jar, aot, cache, directory);
      if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
        throw new IOException("the training exited without writing " + cache);
      }
    } catch (Exception e) {
      System.err.printf("startup cache: training failed, servers start without a cache (%s)%n", e);
      return List.of();
    }
    System.out.printf(
        "startup cache: %s trained in %d ms%n",
        cache, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return List.of((aot ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + cache);
  }

  /**
   * Starts a server that records on a scratch store, makes it serve appends and the reads the tests
   * use most, and stops it with SIGTERM so that the JVM writes what it recorded; on JDK 25 a second
   * JVM then assembles the AOT cache from that record. (The one-step {@code -XX:AOTCacheOutput}
   * does not do here: the server's shutdown hook halts the JVM, which then leaves the assembly to a
   * child process nobody waits for.)
   */
  private static void train(
      String javaBin, List<String> jvmOptions, Path jar, boolean aot, Path cache, Path directory)
      throws Exception {
    Path data = Files.createTempDirectory(directory, "training-data-");
    Path record = aot ? directory.resolve(cache.getFileName() + ".config") : cache;
    List<String> recording =
        aot
            ? List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + record)
            : List.of("-XX:ArchiveClassesAtExit=" + cache);
    Path log = directory.resolve("training.log");
    Files.deleteIfExists(log);
    try (ServerProcess server =
        ServerProcess.launch(
            java(
                javaBin,
                jvmOptions,
                recording,
                List.of("-jar", jar.toString(), "serve", "--data", data.toString(), "--port", "0")),
            log)) {
      exercise(server.uri);
      server.process.destroy();
      awaitSuccess(server.process, "the training server", log);
    } finally {
      deleteTree(data);
    }
    if (aot) {
      try {
        Process assembly =
            new ProcessBuilder(
                    java(
                        javaBin,
                        jvmOptions,
                        List.of(
                            "-XX:AOTMode=create",
                            "-XX:AOTConfiguration=" + record,
                            "-XX:AOTCache=" + cache),
                        List.of("-jar", jar.toString())))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        awaitSuccess(assembly, "the AOT cache assembly", log);
      } finally {
        Files.deleteIfExists(record);
      }
    }
  }

  private static List<String> java(
      String javaBin, List<String> jvmOptions, List<String> cacheOptions, List<String> rest) {
    List<String> command = new ArrayList<>(List.of(javaBin));
    command.addAll(jvmOptions);
    command.addAll(cacheOptions);
    command.addAll(rest);
    return command;
  }

  private static void awaitSuccess(Process process, String what, Path log)
      throws IOException, InterruptedException {
    if (!process.waitFor(TRAINING_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(what + " did not exit within " + TRAINING_LIMIT + ", see " + log);
    }
    if (process.exitValue() != 0) {
      throw new IOException(what + " exited with " + process.exitValue() + ", see " + log);
    }
  }

  private static void exercise(URI uri) throws IOException, InterruptedException {
    String append =
        "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"Trained\",\"data\":{\"n\":1}}]}";
    for (int i = 0; i < 4; i++) {
      send(
          HttpRequest.newBuilder(uri.resolve("/streams/training-" + i % 4))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(append)));
      send(HttpRequest.newBuilder(uri.resolve("/streams/training-" + i % 4)).GET());
      send(HttpRequest.newBuilder(uri.resolve("/all?limit=100")).GET());
    }
  }

  private static void send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response =
        ServerProcess.CLIENT.send(
            request.timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (response.statusCode() >= 300) {
      throw new IOException("the training server answered " + response.statusCode());
    }
  }

  /** Caches of earlier test JVMs are of an earlier jar: 35 MB each, of no use. */
  private static void deleteEarlierCaches(Path directory) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "server-*")) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
