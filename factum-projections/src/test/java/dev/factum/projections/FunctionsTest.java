package dev.factum.projections;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.InvalidArgumentException;
import org.junit.jupiter.api.Test;

/** Every function of Serialized's {@code Functions} on real JSON, and the refusals of bad ones. */
class FunctionsTest {
  private static final String META =
      "{\"aggregateId\":\"a-1\",\"aggregateType\":\"order\",\"eventId\":\"e\",\"eventType\":\"T\","
          + "\"createdAt\":5,\"sequenceNumber\":9}";

  /** Applies one function (its JSON) to a state for an event; returns state and reference. */
  private static Functions.State run(String function, String state, String event) throws Exception {
    ObjectNode node = (ObjectNode) DefinitionJson.JSON.readTree(function);
    JsonNode raw = node.get("rawData");
    ProjectionFunction parsed =
        ProjectionFunction.of(
            node.path("function").asText(),
            text(node, "targetSelector"),
            text(node, "targetFilter"),
            text(node, "eventSelector"),
            text(node, "eventFilter"),
            raw);
    Functions.State result =
        new Functions.State((ObjectNode) DefinitionJson.JSON.readTree(state), "old");
    Functions.apply(
        parsed.compile(),
        result,
        DefinitionJson.JSON.readTree(event),
        (ObjectNode) DefinitionJson.JSON.readTree(META));
    return result;
  }

  private static String text(ObjectNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).asText() : null;
  }

  private static String data(String function, String state, String event) throws Exception {
    return run(function, state, event).data.toString();
  }

  @Test
  void setUnsetFromEventRawAndMetadata() throws Exception {
    assertThat(
            data(
                "{\"function\":\"set\",\"targetSelector\":\"$.projection.a.b\",\"eventSelector\":\"$.event.x\"}",
                "{}",
                "{\"x\":{\"y\":1}}"))
        .isEqualTo("{\"a\":{\"b\":{\"y\":1}}}");
    assertThat(
            data(
                "{\"function\":\"set\",\"targetSelector\":\"$.projection.s\",\"rawData\":\"OPEN\"}",
                "{\"s\":\"X\"}",
                "{}"))
        .isEqualTo("{\"s\":\"OPEN\"}");
    assertThat(
            data(
                "{\"function\":\"set\",\"targetSelector\":\"$.projection.id\",\"eventSelector\":\"$.metadata.aggregateId\"}",
                "{}",
                "{}"))
        .isEqualTo("{\"id\":\"a-1\"}");
    assertThat(
            data(
                "{\"function\":\"set\",\"targetSelector\":\"$.projection.s\",\"eventSelector\":\"$.event.missing\"}",
                "{\"s\":1}",
                "{}"))
        .as("a missing value changes nothing")
        .isEqualTo("{\"s\":1}");
    assertThat(
            data(
                "{\"function\":\"unset\",\"targetSelector\":\"$.projection.s\"}",
                "{\"s\":1,\"t\":2}",
                "{}"))
        .isEqualTo("{\"t\":2}");
  }

  @Test
  void arithmetic() throws Exception {
    assertThat(data("{\"function\":\"inc\",\"targetSelector\":\"$.projection.n\"}", "{}", "{}"))
        .isEqualTo("{\"n\":1}");
    assertThat(
            data(
                "{\"function\":\"inc\",\"targetSelector\":\"$.projection.n\"}", "{\"n\":41}", "{}"))
        .isEqualTo("{\"n\":42}");
    assertThat(
            data("{\"function\":\"dec\",\"targetSelector\":\"$.projection.n\"}", "{\"n\":0}", "{}"))
        .isEqualTo("{\"n\":-1}");
    assertThat(
            data(
                "{\"function\":\"add\",\"targetSelector\":\"$.projection.n\",\"eventSelector\":\"$.event.v\"}",
                "{\"n\":1.5}",
                "{\"v\":2}"))
        .isEqualTo("{\"n\":3.5}");
    assertThat(
            data(
                "{\"function\":\"subtract\",\"targetSelector\":\"$.projection.n\",\"rawData\":3}",
                "{\"n\":10}",
                "{}"))
        .isEqualTo("{\"n\":7}");
    assertThat(
            data(
                "{\"function\":\"add\",\"targetSelector\":\"$.projection.n\",\"eventSelector\":\"$.event.v\"}",
                "{\"n\":1}",
                "{\"v\":\"two\"}"))
        .as("a non-number changes nothing")
        .isEqualTo("{\"n\":1}");
    assertThat(
            data(
                "{\"function\":\"inc\",\"targetSelector\":\"$.projection.n\"}",
                "{\"n\":\"text\"}",
                "{}"))
        .isEqualTo("{\"n\":\"text\"}");
  }

  @Test
  void arrays() throws Exception {
    assertThat(
            data(
                "{\"function\":\"push\",\"targetSelector\":\"$.projection.l\",\"eventSelector\":\"$.event.v\"}",
                "{}",
                "{\"v\":1}"))
        .isEqualTo("{\"l\":[1]}");
    assertThat(
            data(
                "{\"function\":\"push\",\"targetSelector\":\"$.projection.l\",\"eventSelector\":\"$.event.v\"}",
                "{\"l\":[0]}",
                "{\"v\":1}"))
        .isEqualTo("{\"l\":[0,1]}");
    assertThat(
            data(
                "{\"function\":\"append\",\"targetSelector\":\"$.projection.l\",\"rawData\":2}",
                "{\"l\":[1]}",
                "{}"))
        .isEqualTo("{\"l\":[1,2]}");
    assertThat(
            data(
                "{\"function\":\"append\",\"targetSelector\":\"$.projection.s\",\"rawData\":\"b\"}",
                "{\"s\":\"a\"}",
                "{}"))
        .isEqualTo("{\"s\":\"ab\"}");
    assertThat(
            data(
                "{\"function\":\"prepend\",\"targetSelector\":\"$.projection.l\",\"rawData\":0}",
                "{\"l\":[1]}",
                "{}"))
        .isEqualTo("{\"l\":[0,1]}");
    assertThat(
            data(
                "{\"function\":\"prepend\",\"targetSelector\":\"$.projection.s\",\"rawData\":\"a\"}",
                "{\"s\":\"b\"}",
                "{}"))
        .isEqualTo("{\"s\":\"ab\"}");
    assertThat(
            data(
                "{\"function\":\"addtoset\",\"targetSelector\":\"$.projection.l\",\"rawData\":1}",
                "{\"l\":[1]}",
                "{}"))
        .isEqualTo("{\"l\":[1]}");
    assertThat(
            data(
                "{\"function\":\"addtoset\",\"targetSelector\":\"$.projection.l\",\"rawData\":2}",
                "{\"l\":[1]}",
                "{}"))
        .isEqualTo("{\"l\":[1,2]}");
    assertThat(
            data(
                "{\"function\":\"remove\",\"targetSelector\":\"$.projection.l\",\"eventSelector\":\"$.event.v\"}",
                "{\"l\":[1,2,1]}",
                "{\"v\":1}"))
        .isEqualTo("{\"l\":[2]}");
    assertThat(
            data(
                "{\"function\":\"remove\",\"targetSelector\":\"$.projection.items[?]\",\"targetFilter\":\"[?(@.id == $.event.id)]\"}",
                "{\"items\":[{\"id\":\"a\"},{\"id\":\"b\"}]}",
                "{\"id\":\"a\"}"))
        .isEqualTo("{\"items\":[{\"id\":\"b\"}]}");
    assertThat(
            data(
                "{\"function\":\"set\",\"targetSelector\":\"$.projection.items[?]\",\"targetFilter\":\"[?(@.n > 1)]\",\"rawData\":0}",
                "{\"items\":[{\"n\":1},{\"n\":2}]}",
                "{}"))
        .isEqualTo("{\"items\":[{\"n\":1},0]}");
    assertThat(
            data(
                "{\"function\":\"merge\",\"targetSelector\":\"$.projection.items[?]\",\"targetFilter\":\"[?(@.id == 'b')]\",\"eventSelector\":\"$.event\"}",
                "{\"items\":[{\"id\":\"a\"},{\"id\":\"b\"}]}",
                "{\"done\":true}"))
        .isEqualTo("{\"items\":[{\"id\":\"a\"},{\"id\":\"b\",\"done\":true}]}");
  }

  @Test
  void clearMergeAndReferences() throws Exception {
    assertThat(data("{\"function\":\"clear\"}", "{\"a\":1}", "{}")).isEqualTo("{}");
    assertThat(
            data(
                "{\"function\":\"clear\",\"targetSelector\":\"$.projection.l\"}",
                "{\"l\":[1],\"k\":2}",
                "{}"))
        .isEqualTo("{\"l\":[],\"k\":2}");
    assertThat(
            data(
                "{\"function\":\"clear\",\"targetSelector\":\"$.projection.o\"}",
                "{\"o\":{\"x\":1}}",
                "{}"))
        .isEqualTo("{\"o\":{}}");
    assertThat(
            data(
                "{\"function\":\"merge\"}",
                "{\"a\":{\"x\":1},\"b\":1}",
                "{\"a\":{\"y\":2},\"c\":3}"))
        .isEqualTo("{\"a\":{\"x\":1,\"y\":2},\"b\":1,\"c\":3}");
    assertThat(
            data(
                "{\"function\":\"merge\",\"targetSelector\":\"$.projection.o\",\"rawData\":{\"k\":1}}",
                "{}",
                "{}"))
        .isEqualTo("{\"o\":{\"k\":1}}");
    assertThat(
            run(
                    "{\"function\":\"setref\",\"eventSelector\":\"$.event.r\"}",
                    "{}",
                    "{\"r\":\"ref-1\"}")
                .reference)
        .isEqualTo("ref-1");
    assertThat(
            run("{\"function\":\"setref\",\"eventSelector\":\"$.event.r\"}", "{}", "{\"r\":12}")
                .reference)
        .isEqualTo("12");
    assertThat(run("{\"function\":\"clearref\"}", "{}", "{}").reference).isNull();
    assertThat(run("{\"function\":\"delete\"}", "{}", "{}").deleted).isTrue();
  }

  @Test
  void eventFiltersDecideWhetherAFunctionApplies() throws Exception {
    String inc =
        "{\"function\":\"inc\",\"targetSelector\":\"$.projection.big\",\"eventFilter\":\"[?(@.amount >= 100)]\"}";
    assertThat(data(inc, "{}", "{\"amount\":100}")).isEqualTo("{\"big\":1}");
    assertThat(data(inc, "{}", "{\"amount\":99}")).isEqualTo("{}");
    assertThat(data(inc, "{}", "{\"amount\":\"lots\"}")).as("not comparable").isEqualTo("{}");
    String flag =
        "{\"function\":\"inc\",\"targetSelector\":\"$.projection.n\",\"eventFilter\":\"[?(@.vip)]\"}";
    assertThat(data(flag, "{}", "{\"vip\":true}")).isEqualTo("{\"n\":1}");
    assertThat(data(flag, "{}", "{\"vip\":false}")).isEqualTo("{}");
    String ne =
        "{\"function\":\"inc\",\"targetSelector\":\"$.projection.n\",\"eventFilter\":\"[?(@.s != 'x')]\"}";
    assertThat(data(ne, "{}", "{\"s\":\"y\"}")).isEqualTo("{\"n\":1}");
    assertThat(data(ne, "{}", "{\"s\":\"x\"}")).isEqualTo("{}");
  }

  @Test
  void badFunctionsAreRefusedWhenParsed() {
    String[] bad = {
      "{\"function\":\"frobnicate\",\"targetSelector\":\"$.projection.a\"}",
      "{\"function\":\"inc\"}",
      "{\"function\":\"set\",\"targetSelector\":\"$.projection.a\"}",
      "{\"function\":\"set\",\"targetSelector\":\"$.event.a\",\"rawData\":1}",
      "{\"function\":\"set\",\"targetSelector\":\"projection.a\",\"rawData\":1}",
      "{\"function\":\"set\",\"targetSelector\":\"$.projection.a..b\",\"rawData\":1}",
      "{\"function\":\"set\",\"targetSelector\":\"$.projection.a[0]\",\"rawData\":1}",
      "{\"function\":\"set\",\"targetSelector\":\"$.projection.a\",\"eventSelector\":\"$.metadata.nope\"}",
      "{\"function\":\"set\",\"targetSelector\":\"$.projection.a\",\"eventSelector\":\"$.event.a\",\"rawData\":1}",
      "{\"function\":\"inc\",\"targetSelector\":\"$.projection.a\",\"eventFilter\":\"amount > 1\"}",
      "{\"function\":\"inc\",\"targetSelector\":\"$.projection.a\",\"eventFilter\":\"[?(@.a ~ 1)]\"}",
      "{\"function\":\"inc\",\"targetSelector\":\"$.projection.a\",\"eventFilter\":\"[?(@.a == {)]\"}",
      "{\"function\":\"remove\",\"targetSelector\":\"$.projection.a[?]\"}",
      "{\"function\":\"inc\",\"targetSelector\":\"$.projection.a[?]\",\"targetFilter\":\"[?(@.x)]\"}",
      "{\"function\":\"setref\",\"targetSelector\":\"$.projection.a\",\"rawData\":1}",
      "{\"function\":\"push\",\"targetSelector\":\"$.projection\",\"rawData\":1}",
    };
    for (String function : bad) {
      assertThatThrownBy(() -> run(function, "{}", "{}"))
          .as(function)
          .isInstanceOf(InvalidArgumentException.class);
    }
  }

  @Test
  void definitionsRoundTripAndRefuseMalformedBodies() {
    String good =
        "{\"projectionName\":\"orders\",\"feedName\":\"order\",\"aggregated\":false,"
            + "\"idField\":\"customerId\",\"indexedFields\":[\"status\"],\"handlers\":[{\"eventType\":"
            + "\"Placed\",\"functions\":[{\"function\":\"set\",\"targetSelector\":\"$.projection.status\","
            + "\"rawData\":\"PLACED\"}]}]}";
    ProjectionDefinition parsed = DefinitionJson.parse(good.getBytes(UTF_8));
    assertThat(DefinitionJson.parse(DefinitionJson.write(parsed))).isEqualTo(parsed);
    String[] bad = {
      "not json",
      "[]",
      "{\"projectionName\":\"p\",\"feedName\":\"order\",\"handlers\":[]}",
      "{\"projectionName\":\"p\",\"feedName\":\"order\"}",
      "{\"projectionName\":\"p q\",\"feedName\":\"order\",\"handlers\":[{\"eventType\":\"E\",\"functions\":[{\"function\":\"clear\"}]}]}",
      "{\"projectionName\":\"p\",\"feedName\":\"or-der\",\"handlers\":[{\"eventType\":\"E\",\"functions\":[{\"function\":\"clear\"}]}]}",
      "{\"projectionName\":\"p\",\"feedName\":\"order\",\"extra\":1,\"handlers\":[{\"eventType\":\"E\",\"functions\":[{\"function\":\"clear\"}]}]}",
      "{\"projectionName\":\"p\",\"feedName\":\"order\",\"handlers\":[{\"eventType\":\"E\",\"functionUri\":\"http://x\"}]}",
      "{\"projectionName\":\"p\",\"feedName\":\"order\",\"handlers\":[{\"eventType\":\"E\",\"functions\":[{\"function\":\"nope\"}]}]}",
      "{\"projectionName\":\"p\",\"feedName\":\"order\",\"aggregated\":\"yes\",\"handlers\":[{\"eventType\":\"E\",\"functions\":[{\"function\":\"clear\"}]}]}",
      "{\"projectionName\":\"p\",\"feedName\":\"order\",\"aggregated\":true,\"idField\":\"x\",\"handlers\":[{\"eventType\":\"E\",\"functions\":[{\"function\":\"clear\"}]}]}",
      "{\"projectionName\":\"p\",\"feedName\":\"order\",\"handlers\":[{\"eventType\":\"E\",\"functions\":[{\"function\":\"clear\"}]},{\"eventType\":\"E\",\"functions\":[{\"function\":\"clear\"}]}]}",
    };
    for (String body : bad) {
      assertThatThrownBy(() -> DefinitionJson.parse(body.getBytes(UTF_8)))
          .as(body)
          .isInstanceOf(InvalidArgumentException.class);
    }
  }
}
