package dev.factum.cli;

import dev.factum.api.FactumException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.client.FactumClient;
import dev.factum.client.JsonApi;
import dev.factum.client.RequestNotSentException;
import dev.factum.client.RetryPolicy;
import dev.factum.client.ServerProblemException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The commands' view of a running server: a {@link FactumClient} for {@code --url}, and the one
 * place where what the client throws becomes the CLI's message. A problem the server answered
 * prints as {@code code (status): detail}; a server that cannot be reached prints how to point the
 * command at one. Exit code 1 either way.
 *
 * <p>What must stay true: a command never retries on its own (no retry policy: the operator sees
 * the first failure and decides), and nothing here is touched before a command runs, so {@code
 * --help} never loads the HTTP client.
 */
final class Remote implements AutoCloseable {
  static final String DEFAULT_URL = "http://127.0.0.1:7117";

  private final URI base;
  private final FactumClient client;

  Remote(Args args) {
    String url = args.get("url", System.getenv().getOrDefault("FACTUM_URL", DEFAULT_URL));
    try {
      URI parsed = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      this.client =
          FactumClient.builder(parsed)
              .retryPolicy(RetryPolicy.NONE)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      this.base = parsed;
    } catch (IllegalArgumentException | InvalidArgumentException e) {
      throw new Args.UsageException("--url must be like " + DEFAULT_URL + ", was '" + url + "'");
    }
  }

  /** Runs one call of the client, turning its failure into the CLI's message. */
  <T> T call(Function<FactumClient, T> call) {
    try {
      return call.apply(client);
    } catch (RequestNotSentException e) {
      throw unreachable();
    } catch (FactumException e) {
      throw failure(e);
    }
  }

  /** As {@link #call}, on the client's JSON-as-it-is side. */
  <T> T json(Function<JsonApi, T> call) {
    return call(client -> call.apply(client.json()));
  }

  /** The CLI's message for a failure of the client: the server's problem, or the client's. */
  Factum.CommandFailure failure(FactumException e) {
    if (e instanceof RequestNotSentException) {
      return unreachable();
    }
    Optional<ServerProblemException> problem = ServerProblemException.of(e);
    if (problem.isPresent()) {
      ServerProblemException p = problem.get();
      return new Factum.CommandFailure(p.code() + " (" + p.status() + "): " + p.detail());
    }
    return new Factum.CommandFailure(e.getMessage());
  }

  private Factum.CommandFailure unreachable() {
    return new Factum.CommandFailure(
        "cannot reach a Factum server at " + base + " (is 'factum serve' running? set --url)");
  }

  @Override
  public void close() {
    client.close();
  }
}
