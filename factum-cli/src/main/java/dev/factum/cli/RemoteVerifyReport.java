package dev.factum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.ChainAnchor;
import dev.factum.api.ChainHead;
import dev.factum.engine.spi.ChainCheck;
import dev.factum.engine.spi.VerifyReport;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON verify report a server sends ({@code GET /admin/verify}, the {@code VerifyReport}
 * schema of the API document) back into the {@link VerifyReport} the offline check produces, so
 * {@code factum verify --url} prints exactly what {@code factum verify --data} prints.
 *
 * <p>What must stay true: nothing the server reported is lost or softened; a field the schema
 * requires that is missing or of the wrong type is a {@link Factum.CommandFailure}, never a report
 * read as clean.
 */
final class RemoteVerifyReport {
  private RemoteVerifyReport() {}

  static VerifyReport parse(byte[] body) throws IOException {
    JsonNode json = WireJson.mapper().readTree(body);
    List<String> problems = new ArrayList<>();
    JsonNode listed = json.path("problems");
    if (!listed.isArray()) {
      throw malformed("problems");
    }
    listed.forEach(problem -> problems.add(problem.asText()));
    JsonNode chain = json.path("chain");
    return new VerifyReport(
        count(json, "events"),
        count(json, "streams"),
        count(json, "indexEntries"),
        count(json, "problemCount"),
        problems,
        chain.isMissingNode() || chain.isNull() ? null : chain(chain));
  }

  private static ChainCheck chain(JsonNode chain) {
    JsonNode hash = chain.path("hash");
    if (!hash.isTextual() || !chain.path("intact").isBoolean()) {
      throw malformed("chain");
    }
    ChainHead head =
        new ChainHead(chain.path("position").asLong(), hash.asText(), count(chain, "chainedFrom"));
    long firstBreak = chain.path("intact").asBoolean() ? -1 : count(chain, "firstBreak");
    JsonNode checked = chain.path("anchorChecked");
    return new ChainCheck(
        head, firstBreak, checked.isTextual() ? ChainAnchor.parse(checked.asText()) : null);
  }

  private static long count(JsonNode json, String field) {
    JsonNode value = json.path(field);
    if (!value.canConvertToLong() || value.asLong() < 0) {
      throw malformed(field);
    }
    return value.asLong();
  }

  private static Factum.CommandFailure malformed(String field) {
    return new Factum.CommandFailure(
        "the server's verify report has no valid '" + field + "' (is it a Factum server?)");
  }
}
