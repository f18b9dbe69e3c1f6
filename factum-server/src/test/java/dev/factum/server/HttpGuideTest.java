package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The error table of {@code docs/HTTP.md}, the OpenAPI document's list of problem codes, and the
 * code's own mapping ({@link Problems#allCodes()}: every {@code ErrorCode} with its status, and the
 * HTTP layer's codes) name the same codes with the same statuses; and no source of the reactor
 * spells a code out anywhere but in its one table.
 */
class HttpGuideTest {
  private static final Pattern ROW = Pattern.compile("^\\| `([a-z-]+)` \\| (\\d{3}) \\|.*$");

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

  /**
   * No main source of the reactor spells a problem code as a string literal: each is spelled once,
   * in {@code ErrorCode} (a store's code) or in {@code ProblemCode} (the HTTP layer's), and
   * everything else takes it from there.
   */
  @Test
  void noSourceSpellsAProblemCodeOutsideItsTable() throws IOException {
    Set<String> owners = Set.of("ErrorCode.java", "ProblemCode.java");
    List<String> spelled = new ArrayList<>();
    try (Stream<Path> modules = Files.list(Path.of(".."))) {
      for (Path main : modules.map(m -> m.resolve(Path.of("src", "main", "java"))).toList()) {
        if (!Files.isDirectory(main)) {
          continue;
        }
        try (Stream<Path> sources = Files.walk(main)) {
          for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
            if (owners.contains(source.getFileName().toString())) {
              continue;
            }
            String text = Files.readString(source, StandardCharsets.UTF_8);
            for (Problems.Code code : Problems.allCodes()) {
              if (text.contains("\"" + code.code() + "\"")) {
                spelled.add(code.code() + " in " + source);
              }
            }
          }
        }
      }
    }
    assertThat(spelled).isEmpty();
  }
}
