package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The error table of {@code docs/HTTP.md}, the OpenAPI document's list of problem codes, and the
 * code's own mapping ({@link Problems#allCodes()}: every {@code ErrorCode} with its status, and the
 * HTTP layer's codes) name the same codes with the same statuses; and every {@link HttpProblem} the
 * server's sources create uses a code and status from that list.
 */
class HttpGuideTest {
  private static final Pattern ROW = Pattern.compile("^\\| `([a-z-]+)` \\| (\\d{3}) \\|.*$");
  private static final Pattern CREATED =
      Pattern.compile("new HttpProblem\\(\\s*(\\d{3}),\\s*\"([a-z-]+)\"");

  private static Set<String> codesWithStatus() {
    Set<String> codes = new LinkedHashSet<>();
    for (Problems.Code code : Problems.allCodes()) {
      codes.add(code.code() + " " + code.status());
    }
    return codes;
  }

  @Test
  void theGuidesErrorTableIsTheCodesMapping() throws IOException {
    String guide = Files.readString(Path.of("..", "docs", "HTTP.md"), StandardCharsets.UTF_8);
    String table =
        guide.substring(
            guide.indexOf("<!-- error-codes:start -->"), guide.indexOf("<!-- error-codes:end -->"));
    Set<String> documented = new LinkedHashSet<>();
    for (String line : table.split("\n")) {
      Matcher row = ROW.matcher(line);
      if (row.matches()) {
        documented.add(row.group(1) + " " + row.group(2));
      }
    }
    assertThat(documented).containsExactlyInAnyOrderElementsOf(codesWithStatus());
  }

  @Test
  void theOpenApiDocumentListsEveryCode() throws IOException {
    JsonNode document;
    try (InputStream in = ServiceResource.class.getResourceAsStream("openapi.json")) {
      document = TestServer.JSON.readTree(in);
    }
    Set<String> listed = new LinkedHashSet<>();
    for (JsonNode code : document.at("/components/schemas/Problem/properties/code/enum")) {
      listed.add(code.asText());
    }
    Set<String> codes = new LinkedHashSet<>();
    for (Problems.Code code : Problems.allCodes()) {
      codes.add(code.code());
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(codes);
  }

  @Test
  void everyHttpProblemTheServerCreatesIsInTheList() throws IOException {
    Set<String> created = new LinkedHashSet<>();
    try (Stream<Path> sources = Files.walk(Path.of("src", "main", "java"))) {
      for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher matcher = CREATED.matcher(Files.readString(source, StandardCharsets.UTF_8));
        while (matcher.find()) {
          created.add(matcher.group(2) + " " + matcher.group(1));
        }
      }
    }
    assertThat(created).isNotEmpty().isSubsetOf(codesWithStatus());
  }
}
