package dev.factum.server;

import dev.factum.wire.ProblemCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The web console's static files: {@code /console} (the page) and {@code /console/{asset}} (its
 * scripts, styles and the uPlot chart library from its WebJar), all loaded once from the jar at
 * start (a jar without one of them fails at start, as for the OpenAPI document).
 *
 * <p>What must stay true: the assets are public and carry no data; every piece of data the console
 * shows comes through the v1 API with the browser's own key (docs/CONSOLE.md), so this class never
 * touches a store. Every answer carries the strict {@link #CSP} (no inline script or style, no
 * framing) and {@code nosniff}; the content type comes from the file's extension, never from its
 * content. Assets are revalidated ({@code no-cache} with a weak ETag of their bytes: weak because
 * gzip and identity share it), so a new server version is picked up at once and an unchanged one
 * costs a 304. {@code GET /} from a browser ({@code Accept: text/html}) is redirected here before
 * any key is asked for; every other client keeps the JSON answer.
 */
final class ConsoleResource implements Resource {
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
          + "frame-ancestors 'none'";

  /** The console's own files, under {@code console/} in the jar (ConsoleAssetsTest: all listed). */
  static final List<String> OWN =
      List.of(
          "index.html",
          "console.css",
          "favicon.svg",
          "app.js",
          "api.js",
          "dom.js",
          "metrics.js",
          "page-overview.js",
          "page-streams.js",
          "page-stream.js",
          "page-live.js",
          "page-append.js",
          "page-consumers.js",
          "page-projections.js",
          "page-sinks.js",
          "page-admin.js");

  private static final String UPLOT = "META-INF/resources/webjars/uplot/";
  private static final List<String> VENDORED = List.of("uPlot.esm.js", "uPlot.min.css");

  private record Asset(String contentType, byte[] body, String etag) {}

  private final Map<String, Asset> assets = new LinkedHashMap<>();

  ConsoleResource() {
    for (String name : OWN) {
      assets.put(name, asset(name, "console/" + name));
    }
    String uplot = UPLOT + uplotVersion() + "/dist/";
    for (String name : VENDORED) {
      assets.put(name, asset(name, uplot + name));
    }
  }

  @Override
  public Set<Route> routes() {
    return Set.of(Route.CONSOLE, Route.CONSOLE_ASSET);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    String name = match.route() == Route.CONSOLE ? "index.html" : request.segments.get(1);
    Asset asset = assets.get(name);
    if (asset == null) {
      throw new HttpProblem(ProblemCode.NOT_FOUND, "no console asset of that name");
    }
    secure(request);
    request.exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    request.exchange.getResponseHeaders().set("ETag", asset.etag());
    if (asset.etag().equals(request.header("If-None-Match"))) {
      request.exchange.sendResponseHeaders(304, -1);
      return 304;
    }
    return Responses.raw(request.exchange, 200, asset.contentType(), asset.body());
  }

  /** Whether {@code route} is a browser's visit to the service root, to be sent to the console. */
  static boolean redirectsToConsole(Route route, Request request) {
    if (route != Route.ROOT) {
      return false;
    }
    String accept = request.header("Accept");
    return accept != null && accept.contains("text/html");
  }

  /** {@code 302} to {@code /console}, with no body and nothing of the store in it. */
  static int redirect(Request request) throws IOException {
    secure(request);
    request.exchange.getResponseHeaders().set("Location", "/console");
    request.exchange.getResponseHeaders().set("Cache-Control", "no-store");
    request.exchange.getResponseHeaders().add("Vary", "Accept");
    request.exchange.sendResponseHeaders(302, -1);
    return 302;
  }

  private static void secure(Request request) {
    request.exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
    request.exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    request.exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
  }

  private static Asset asset(String name, String resource) {
    byte[] body = load(resource);
    return new Asset(contentType(name), body, "W/\"" + sha256(body).substring(0, 32) + "\"");
  }

  static String contentType(String name) {
    String extension = name.substring(name.lastIndexOf('.') + 1);
    return switch (extension) {
      case "html" -> "text/html; charset=utf-8";
      case "js" -> "text/javascript; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "svg" -> "image/svg+xml";
      default -> throw new IllegalArgumentException("no content type for " + name);
    };
  }

  /** The uPlot WebJar's version, from its own Maven properties (so the pom names it once). */
  private static String uplotVersion() {
    Properties properties = new Properties();
    String resource = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
    try {
      properties.load(new ByteArrayInputStream(load(resource)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }

  private static byte[] load(String resource) {
    try (InputStream in = ConsoleResource.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the server jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
