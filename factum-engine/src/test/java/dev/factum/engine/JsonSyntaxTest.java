package dev.factum.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class JsonSyntaxTest {

  private static boolean valid(String json) {
    return JsonSyntax.isValue(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void acceptsEveryKindOfValue() {
    for (String json :
        new String[] {
          "{}",
          "[]",
          "0",
          "-0",
          "1.5e-7",
          "-12.50E+3",
          "\"\"",
          "\"a\\\"b\\\\c\\/\\n\\u00e9\"",
          "true",
          "false",
          "null",
          " {\"a\": [1, {\"b\": null}], \"c\": \"✓\"} ",
          "[[[[[]]]]]",
          "{\"big\":123456789012345678901234567890}"
        }) {
      assertThat(valid(json)).as(json).isTrue();
    }
  }

  @Test
  void refusesAnythingElse() {
    for (String json :
        new String[] {
          "",
          " ",
          "{",
          "}",
          "[1,]",
          "{\"a\":1,}",
          "{a:1}",
          "'x'",
          "01",
          "1.",
          ".5",
          "+1",
          "1e",
          "--1",
          "tru",
          "nul",
          "\"unterminated",
          "\"bad \\x escape\"",
          "\"\\u12G4\"",
          "\"raw\ttab\"",
          "{} {}",
          "[1] x",
          "not json {",
          "{\"a\" 1}",
          "NaN",
          "Infinity"
        }) {
      assertThat(valid(json)).as(json).isFalse();
    }
    assertThat(valid("[".repeat(JsonSyntax.MAX_DEPTH + 2))).isFalse();
    assertThat(JsonSyntax.isObject("[1,2]".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(JsonSyntax.isObject(" {\"a\":1}".getBytes(StandardCharsets.UTF_8))).isTrue();
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.recursive(
        () ->
            Arbitraries.oneOf(
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.doubles().filter(Double::isFinite).map(String::valueOf),
                Arbitraries.strings().ofMaxLength(8).map(JsonSyntaxTest::quote),
                Arbitraries.of("true", "false", "null")),
        inner ->
            Arbitraries.oneOf(
                inner.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"),
                inner.list().ofMaxSize(4).map(JsonSyntaxTest::object)),
        4);
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static String object(List<String> values) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < values.size(); i++) {
      out.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(values.get(i));
    }
    return out.append('}').toString();
  }

  @Property(tries = 300)
  void generatedJsonIsValidAndAnyTruncationIsNot(@ForAll("values") String json) {
    assertThat(valid(json)).as(json).isTrue();
    if (json.length() > 1
        && (json.startsWith("{") || json.startsWith("[") || json.startsWith("\""))) {
      assertThat(valid(json.substring(0, json.length() - 1))).as(json).isFalse();
    }
  }

  @Test
  void stringsMustBeValidUnicode() {
    for (String json :
        new String[] {
          "\"\\ud83d\\ude00\"", "\"😀 ✓ é\"", "\"\\uFFFF\\u0000\"", "{\"\\udbff\\udfff\":1}"
        }) {
      assertThat(valid(json)).as(json).isTrue();
    }
    for (String json :
        new String[] {
          "\"\\ud800\"",
          "\"\\udc00\"",
          "\"\\ud800x\"",
          "\"\\ud800\\u0041\"",
          "\"\\ud800\\ud800\"",
          "\"\\ude00\\ud83d\"",
          "{\"\\ud800\":1}",
          "{\"s\":[\"\\udfff\"]}"
        }) {
      assertThat(valid(json)).as(json).isFalse();
    }
    for (byte[] bad :
        new byte[][] {
          {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}, // an encoded surrogate
          {'"', (byte) 0xC0, (byte) 0xAF, '"'}, // overlong '/'
          {'"', (byte) 0xE0, (byte) 0x80, (byte) 0xAF, '"'}, // overlong
          {'"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'}, // above U+10FFFF
          {'"', (byte) 0xC3, '"'}, // cut short
          {'"', (byte) 0x80, '"'}, // a lone continuation byte
          {'"', (byte) 0xFF, '"'}
        }) {
      assertThat(JsonSyntax.isValue(bad)).isFalse();
    }
  }

  /** Inside a string, raw bytes are accepted exactly when the JDK's strict decoder accepts them. */
  @Property(tries = 1000)
  void rawStringBytesAgreeWithTheStrictDecoder(@ForAll byte[] content) {
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    json.write('"');
    for (byte b : content) {
      if ((b & 0xFF) >= 0x20 && b != '"' && b != '\\') {
        json.write(b);
      }
    }
    json.write('"');
    byte[] bytes = json.toByteArray();
    boolean decodes;
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      decodes = true;
    } catch (CharacterCodingException e) {
      decodes = false;
    }
    assertThat(JsonSyntax.isValue(bytes)).isEqualTo(decodes);
  }

  @Property(tries = 500)
  void randomBytesNeverThrow(@ForAll byte[] bytes) {
    JsonSyntax.isValue(bytes);
  }
}
