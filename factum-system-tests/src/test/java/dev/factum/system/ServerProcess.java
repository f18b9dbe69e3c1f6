package dev.factum.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code factum serve} running as its own process from the runnable jar, on a free port, over a
 * data directory that outlives it (so a test can stop, kill and restart it). The port is read from
 * the "listening on" line the server prints. Every start names the test JVM's {@link StartupCache}
 * (unless {@code -Dfactum.system.startupCache=false}), which only makes it start sooner.
 */
final class ServerProcess implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The server JVM's options, also those of the {@link StartupCache}'s training run. */
  static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "--enable-native-access=ALL-UNNAMED");

  final Process process;
  final URI uri;
  final Path log;

  private ServerProcess(Process process, URI uri, Path log) {
    this.process = process;
    this.uri = uri;
    this.log = log;
  }

  static ServerProcess start(Path data, Path log, int port) throws Exception {
    return start(log, "--data", data.toString(), "--port", Integer.toString(port));
  }

  /** Starts the server on the storage under test, on a free port. */
  static ServerProcess start(StorageUnderTest storage, Path log) throws Exception {
    List<String> arguments = new ArrayList<>(storage.serveArguments());
    arguments.addAll(List.of("--port", "0"));
    return start(log, arguments.toArray(String[]::new));
  }

  /** {@code factum serve} with these arguments (which must include the storage and port). */
  static ServerProcess start(Path log, String... serveArguments) throws Exception {
    Path jar = Path.of(System.getProperty("factum.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "the server jar is missing: " + jar + " (build factum-cli first)");
    }
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(javaBin));
    command.addAll(JVM_OPTIONS);
    command.addAll(StartupCache.options(javaBin, JVM_OPTIONS, jar));
    command.addAll(List.of("-jar", jar.toString(), "serve"));
    command.addAll(Arrays.asList(serveArguments));
    return launch(command, log);
  }

  /**
   * Runs {@code command} (a server start), copying its output to {@code log}, and returns once it
   * says where it listens; kills it when it does not within 60 s.
   */
  static ServerProcess launch(List<String> command, Path log) throws Exception {
    long launched = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<URI> listening = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  Files.writeString(
                      log,
                      line + "\n",
                      StandardCharsets.UTF_8,
                      StandardOpenOption.CREATE,
                      StandardOpenOption.APPEND);
                  if (line.startsWith("factum: listening on ")) {
                    listening.complete(
                        URI.create(line.substring("factum: listening on ".length()).trim()));
                  }
                }
                listening.completeExceptionally(
                    new IllegalStateException("server exited: " + Files.readString(log)));
              } catch (IOException e) {
                listening.completeExceptionally(e);
              }
            });
    try {
      URI uri = listening.get(60, TimeUnit.SECONDS);
      // One line per start, so that a run's output shows what its server starts cost.
      System.out.printf(
          "server process: listening after %d ms (%s)%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched), log.getFileName());
      return new ServerProcess(process, uri, log);
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
  }

  int port() {
    return uri.getPort();
  }

  /** A response: status and body. */
  record Reply(int status, String body) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  Reply get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        CLIENT.send(
            HttpRequest.newBuilder(uri.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body());
  }

  Reply post(String path, String json) throws IOException, InterruptedException {
    HttpResponse<String> response =
        CLIENT.send(
            HttpRequest.newBuilder(uri.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body());
  }

  /**
   * Every event of a paged read ({@code /all?...} or {@code /streams/s?...}), following the {@code
   * next} links until {@code endOfRead}; empty when the stream does not exist (404). Any other
   * answer than 200 is an {@link IOException}.
   */
  List<JsonNode> readPages(String firstPage) throws IOException, InterruptedException {
    List<JsonNode> events = new ArrayList<>();
    String next = firstPage;
    while (next != null) {
      Reply reply = get(next);
      if (reply.status() == 404 && events.isEmpty()) {
        break;
      }
      if (reply.status() != 200) {
        throw new IOException("GET " + next + " answered " + reply.status() + ": " + reply.body());
      }
      JsonNode page = reply.json();
      page.get("events").forEach(events::add);
      next = page.get("endOfRead").asBoolean() ? null : page.get("next").asText();
    }
    return events;
  }

  /** SIGTERM: the graceful path. Returns the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the server did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown at all. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
