package dev.factum.cli;

import dev.factum.api.FactumException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.client.FactumClient;
import dev.factum.client.JsonApi;
import dev.factum.client.RequestNotSentException;
import dev.factum.client.RetryPolicy;
import dev.factum.client.ServerProblemException;
import dev.factum.client.UntrustedServerException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.net.ssl.SSLHandshakeException;

/**
 * The commands' view of a running server: a {@link FactumClient} for {@code --url}, and the one
 * place where what the client throws becomes the CLI's message. A problem the server answered
 * prints as {@code code (status): detail}; a server that cannot be reached prints how to point the
 * command at one; a TLS handshake that fails names {@code --cacert}. Exit code 1 every time. An
 * {@code https://} server is trusted through the JDK's CAs, or those of {@code --cacert PEM} (env
 * {@code FACTUM_CACERT}); the host name is checked either way.
 *
 * <p>What must stay true: a command never retries on its own (no retry policy: the operator sees
 * the first failure and decides), and nothing here is touched before a command runs, so {@code
 * --help} never loads the HTTP client.
 */
final class Remote implements AutoCloseable {
  static final String DEFAULT_URL = "http://127.0.0.1:7117";

  /** The options every command that talks to a server takes (see {@link #HELP}). */
  static final Set<String> OPTIONS = Set.of("url", "cacert", "api-key");

  /** The help lines of {@link #OPTIONS}, for the end of a command's usage. */
  static final String HELP =
      "  --url URL       server address (env FACTUM_URL, default "
          + DEFAULT_URL
          + ")\n"
          + "  --cacert PEM    CA certificate(s) to trust for an https:// URL (env FACTUM_CACERT)\n"
          + "  --api-key KEY   API key for a server with auth on (env FACTUM_API_KEY)";

  private final URI base;
  private final FactumClient client;

  Remote(Args args) {
    String url = args.get("url", System.getenv().getOrDefault("FACTUM_URL", DEFAULT_URL));
    FactumClient.Builder builder;
    try {
      URI parsed = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      builder =
          FactumClient.builder(parsed)
              .retryPolicy(RetryPolicy.NONE)
              .connectTimeout(Duration.ofSeconds(5));
      this.base = parsed;
    } catch (IllegalArgumentException | InvalidArgumentException e) {
      throw new Args.UsageException("--url must be like " + DEFAULT_URL + ", was '" + url + "'");
    }
    String key = args.get("api-key", System.getenv("FACTUM_API_KEY"));
    if (key != null) {
      try {
        builder.apiKey(key);
      } catch (InvalidArgumentException e) {
        throw new Args.UsageException("--api-key must be printable ASCII without spaces");
      }
    }
    String cacert = args.get("cacert", System.getenv("FACTUM_CACERT"));
    if (!"http".equalsIgnoreCase(base.getScheme()) && cacert != null && !cacert.isBlank()) {
      try {
        builder.trustCertificates(Path.of(cacert));
      } catch (InvalidArgumentException e) {
        throw new Args.UsageException("--cacert: " + e.getMessage());
      }
    }
    this.client = builder.build();
  }

  /** Runs one call of the client, turning its failure into the CLI's message. */
  <T> T call(Function<FactumClient, T> call) {
    try {
      return call.apply(client);
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
    SSLHandshakeException handshake = handshake(e);
    if (handshake != null
        && (e instanceof UntrustedServerException || e instanceof RequestNotSentException)) {
      return new Factum.CommandFailure(
          "TLS handshake with "
              + base
              + " failed: "
              + handshake.getMessage()
              + " (is the server's CA given with --cacert, and does its certificate name this"
              + " host?)");
    }
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

  private static SSLHandshakeException handshake(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLHandshakeException found) {
        return found;
      }
    }
    return null;
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
