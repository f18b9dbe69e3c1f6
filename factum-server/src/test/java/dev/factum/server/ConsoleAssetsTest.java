package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console's files as the server serves them (the browser tests are in
 * factum-console-tests): every file is listed and served with its content type, the strict CSP and
 * an ETag; no file holds inline script or style or an API that parses HTML; {@code GET /} sends a
 * browser to {@code /console} with no key, and keeps answering JSON (or 401) to everyone else.
 */
class ConsoleAssetsTest {
  private static final Path SOURCES = Path.of("src/main/resources/console");

  /** What the console's own files must never contain (outside {@code //} comments). */
  private static final List<Pattern> FORBIDDEN_JS =
      List.of(
          Pattern.compile("innerHTML"),
          Pattern.compile("outerHTML"),
          Pattern.compile("insertAdjacentHTML"),
          Pattern.compile("document\\.write"),
          Pattern.compile("\\beval\\s*\\("),
          Pattern.compile("new\\s+Function"),
          Pattern.compile("createContextualFragment"),
          Pattern.compile("DOMParser"),
          Pattern.compile("javascript:"),
          Pattern.compile("setAttribute\\(\\s*['\"]on"));

  private static final List<Pattern> FORBIDDEN_HTML =
      List.of(
          Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE),
          Pattern.compile("<style", Pattern.CASE_INSENSITIVE),
          Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE),
          Pattern.compile("\\sstyle\\s*=", Pattern.CASE_INSENSITIVE),
          Pattern.compile("javascript:", Pattern.CASE_INSENSITIVE));

  @TempDir Path directory;

  @Test
  void everyFileIsListedAndNoneHoldsInlineScriptOrHtmlParsing() throws IOException {
    Set<String> files = new TreeSet<>();
    try (Stream<Path> listing = Files.list(SOURCES)) {
      listing.forEach(file -> files.add(file.getFileName().toString()));
    }
    assertThat(files).isEqualTo(new TreeSet<>(ConsoleResource.OWN));
    List<String> findings = new ArrayList<>();
    for (String name : files) {
      List<Pattern> forbidden =
          name.endsWith(".js") ? FORBIDDEN_JS : name.endsWith(".html") ? FORBIDDEN_HTML : List.of();
      List<String> lines = Files.readAllLines(SOURCES.resolve(name));
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.trim().startsWith("//")) {
          continue;
        }
        for (Pattern pattern : forbidden) {
          if (pattern.matcher(line).find()) {
            findings.add(name + ":" + (i + 1) + " " + pattern + ": " + line.trim());
          }
        }
      }
    }
    assertThat(findings).isEmpty();
    // the scan itself finds what it must refuse
    assertThat(FORBIDDEN_HTML.getFirst().matcher("<script>alert(1)</script>").find()).isTrue();
    assertThat(FORBIDDEN_HTML.getFirst().matcher("<script type=module src=/a.js>").find())
        .isFalse();
    assertThat(FORBIDDEN_HTML.get(2).matcher("<img src=x onerror=alert(1)>").find()).isTrue();
  }

  @Test
  void everyAssetIsServedWithItsTypeTheStrictPolicyAndAnEtag() throws Exception {
    try (TestServer server = new TestServer(directory)) {
      List<String> names = new ArrayList<>(ConsoleResource.OWN);
      names.add("uPlot.esm.js");
      names.add("uPlot.min.css");
      for (String name : names) {
        TestServer.Reply reply = server.get("/console/" + name);
        assertThat(reply.status()).as(name).isEqualTo(200);
        String type =
            name.endsWith(".js")
                ? "text/javascript; charset=utf-8"
                : name.endsWith(".css")
                    ? "text/css; charset=utf-8"
                    : name.endsWith(".svg") ? "image/svg+xml" : "text/html; charset=utf-8";
        assertThat(reply.contentType()).as(name).isEqualTo(type);
        checkHeaders(reply);
        String etag = reply.raw().headers().firstValue("ETag").orElseThrow();
        assertThat(etag).as("weak: the gzip and plain forms share it").startsWith("W/\"");
        TestServer.Reply again =
            server.send(
                HttpRequest.newBuilder(server.uri("/console/" + name))
                    .header("If-None-Match", etag)
                    .build());
        assertThat(again.status()).as(name).isEqualTo(304);
        assertThat(again.body()).isEmpty();
      }
      TestServer.Reply page = server.get("/console");
      assertThat(page.contentType()).isEqualTo("text/html; charset=utf-8");
      assertThat(page.body()).contains("<script type=\"module\" src=\"/console/app.js\">");
      checkHeaders(page);
      assertThat(server.get("/console/uPlot.esm.js").body())
          .contains("export { uPlot as default }");

      TestServer.Reply missing = server.get("/console/nothing.js");
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.json().get("code").asText()).isEqualTo("not-found");
      assertThat(server.get("/console/a/b.js").status()).isEqualTo(404);
    }
  }

  private static void checkHeaders(TestServer.Reply reply) {
    assertThat(reply.raw().headers().firstValue("Content-Security-Policy"))
        .contains(ConsoleResource.CSP);
    assertThat(ConsoleResource.CSP)
        .contains("default-src 'self'")
        .contains("script-src 'self'")
        .contains("style-src 'self'")
        .contains("frame-ancestors 'none'")
        .doesNotContain("unsafe");
    assertThat(reply.raw().headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(reply.raw().headers().firstValue("Cache-Control")).contains("no-cache");
  }

  @Test
  void theRootSendsABrowserToTheConsoleWithoutAKeyAndAnswersJsonOtherwise() throws Exception {
    ServerConfig auth = ServerConfig.DEFAULT.withAuth(AuthSettings.on(directory.resolve("k")));
    try (TestServer server = new TestServer(directory.resolve("data"), auth)) {
      TestServer.Reply browser =
          server.send(
              HttpRequest.newBuilder(server.uri("/"))
                  .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                  .build());
      assertThat(browser.status()).isEqualTo(302);
      assertThat(browser.raw().headers().firstValue("Location")).contains("/console");
      assertThat(browser.body()).isEmpty();

      TestServer.Reply client = server.get("/"); // no Accept: an API client, no key
      assertThat(client.status()).isEqualTo(401);
      assertThat(client.json().get("code").asText()).isEqualTo("unauthorized");
      assertThat(server.get("/console").status()).as("the page needs no key").isEqualTo(200);
      String key = Files.readString(directory.resolve("k")).trim();
      TestServer.Reply json =
          server.send(
              HttpRequest.newBuilder(server.uri("/"))
                  .header("Accept", "application/json")
                  .header("Authorization", "Bearer " + key)
                  .build());
      assertThat(json.status()).isEqualTo(200);
      assertThat(json.json().get("api").asText()).isEqualTo("v1");
    }
  }
}
