package dev.factum.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/**
 * Event content is checked but not built into a tree: a kept member ({@code data}, {@code
 * metadata}) is in the tree only as its kind, its content only as its raw bytes, and every error
 * inside it is still found, with the same kind and place as elsewhere.
 */
class ExactJsonTest {
  private static final JsonFactory JSON = WireJson.factory();

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void keptMembersAreTheirKindInTheTreeAndTheirExactBytesAsRaw() throws Exception {
    String data = "{\"a\": [1, 2.0, {\"b\": \"c\"}], \"n\": -0}";
    JsonNode event =
        ExactJson.read(
            JSON,
            utf8(
                "{\"type\":\"T\",\"data\":"
                    + data
                    + ",\"metadata\":{\"m\":[1]},\"tags\":[\"x\"],\"bin\":\"AAEC\"}"),
            true);

    assertThat(event.get("data").isObject()).isTrue();
    assertThat(event.get("data").isEmpty()).isTrue(); // not built
    assertThat(event.get("metadata").isObject()).isTrue();
    assertThat(event.get("metadata").isEmpty()).isTrue();
    ExactJson.RawObject raw = (ExactJson.RawObject) event;
    assertThat(new String(raw.raw("data"), StandardCharsets.UTF_8)).isEqualTo(data);
    assertThat(new String(raw.raw("metadata"), StandardCharsets.UTF_8)).isEqualTo("{\"m\":[1]}");
    // Everything else is a tree as before.
    assertThat(event.get("type").textValue()).isEqualTo("T");
    assertThat(event.get("tags").get(0).textValue()).isEqualTo("x");
  }

  @Test
  void aKeptStringOrScalarKeepsItsValue() throws Exception {
    JsonNode binary = ExactJson.read(JSON, utf8("{\"data\":\"AAEC\",\"metadata\":null}"), true);
    assertThat(binary.get("data").textValue()).isEqualTo("AAEC"); // base64 data is read from it
    assertThat(binary.get("metadata").isNull()).isTrue();
  }

  @Test
  void errorsInsideKeptMembersAreFoundWithTheirPlace() {
    assertThatThrownBy(
            () -> ExactJson.read(JSON, utf8("{\"data\":{\"a\":[1,{\"b\":\"\\ud800\"}]}}"), true))
        .asInstanceOf(InstanceOfAssertFactories.type(ExactJson.Malformed.class))
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(ExactJson.Malformed.Kind.SURROGATE);
              assertThat(e.path()).isEqualTo("data/a/1/b");
            });
    assertThatThrownBy(() -> ExactJson.read(JSON, utf8("{\"data\":{\"k\":1,\"k\":2}}"), true))
        .asInstanceOf(InstanceOfAssertFactories.type(ExactJson.Malformed.class))
        .extracting(ExactJson.Malformed::kind)
        .isEqualTo(ExactJson.Malformed.Kind.SYNTAX);
    assertThatThrownBy(() -> ExactJson.read(JSON, utf8("{\"metadata\":{\"k\":[1,}}"), true))
        .isInstanceOf(ExactJson.Malformed.class);
  }

  @Test
  void validateChecksAWholeValueAsReadDoes() throws Exception {
    ExactJson.validate(JSON, utf8("{\"a\":[1,\"x\",{\"b\":null}],\"c\":1e2}"), true);
    ExactJson.validate(JSON, utf8("\"just a string\""), true);
    assertThatThrownBy(() -> ExactJson.validate(JSON, utf8("{\"a\":1} {}"), true))
        .asInstanceOf(InstanceOfAssertFactories.type(ExactJson.Malformed.class))
        .extracting(ExactJson.Malformed::kind)
        .isEqualTo(ExactJson.Malformed.Kind.TRAILING);
    assertThatThrownBy(() -> ExactJson.validate(JSON, utf8("[\"\\udc00\"]"), true))
        .asInstanceOf(InstanceOfAssertFactories.type(ExactJson.Malformed.class))
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(ExactJson.Malformed.Kind.SURROGATE);
              assertThat(e.path()).isEqualTo("0");
            });
    assertThatThrownBy(() -> ExactJson.validate(JSON, utf8("{\"k\":1,\"k\":2}"), true))
        .isInstanceOf(ExactJson.Malformed.class);
    assertThatThrownBy(() -> ExactJson.validate(JSON, new byte[0], true))
        .asInstanceOf(InstanceOfAssertFactories.type(ExactJson.Malformed.class))
        .extracting(ExactJson.Malformed::kind)
        .isEqualTo(ExactJson.Malformed.Kind.EMPTY);
  }
}
