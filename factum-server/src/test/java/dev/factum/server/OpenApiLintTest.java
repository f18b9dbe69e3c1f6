package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The API document passes {@code @redocly/cli lint} with its recommended rules: no errors. The
 * linter is the one pinned in {@code tools/openapi-lint} (package-lock.json), installed by {@code
 * bin/test} with {@code npm ci}; its findings are printed, warnings included.
 */
class OpenApiLintTest {
  private static final Path TOOL = Path.of("..", "tools", "openapi-lint");
  private static final Path DOCUMENT =
      Path.of("src", "main", "resources", "dev", "factum", "server", "openapi.json");

  @Test
  void redoclyFindsNoErrorInTheDocument() throws Exception {
    Path redocly = TOOL.resolve(Path.of("node_modules", ".bin", "redocly"));
    assertThat(Files.isExecutable(redocly))
        .as(
            "the pinned linter is missing: run bin/test, or (cd tools/openapi-lint && npm ci); it"
                + " needs Node.js 20.19+")
        .isTrue();
    ProcessBuilder builder =
        new ProcessBuilder(
                redocly.toString(), "lint", DOCUMENT.toAbsolutePath().toString(), "--format=json")
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("REDOCLY_TELEMETRY", "off");
    builder.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("redocly finishes").isTrue();
    JsonNode report = TestServer.JSON.readTree(output.substring(Math.max(0, output.indexOf('{'))));
    List<String> errors = new ArrayList<>();
    for (JsonNode problem : report.path("problems")) {
      String line =
          problem.path("severity").asText()
              + " "
              + problem.path("ruleId").asText()
              + " at "
              + problem.path("location").path(0).path("pointer").asText()
              + ": "
              + problem.path("message").asText();
      System.out.println("redocly: " + line);
      if (problem.path("severity").asText().equals("error")) {
        errors.add(line);
      }
    }
    assertThat(report.path("totals").path("errors").isInt()).as(output).isTrue();
    assertThat(errors).as("redocly lint errors").isEmpty();
    assertThat(report.path("totals").path("errors").asInt()).isZero();
  }
}
