package dev.factum.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.Direction;
import dev.factum.api.ReadPage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The page reader from bytes ({@link ReadPageJson#readStream(byte[], long, Direction)}) against the
 * tree path it falls back to ({@link ExactJson#read} then {@link
 * ReadPageJson#readStream(com.fasterxml.jackson.databind.JsonNode, long, Direction)}): the same
 * pages for well-formed bodies, read by the fast path, the same kind of refusal for every broken
 * one. {@code PageDecoderDifferentialTest} does the same on random bodies.
 */
class PageDecoderTest {
  private static String event(long revision, String data, String metadata, String tags) {
    return String.format(
        "{\"id\":\"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\",\"stream\":\"order-1\","
            + "\"type\":\"Placed\",\"revision\":%d,\"position\":%d,"
            + "\"timestamp\":\"2026-12-01T20:21:47.123456Z\","
            + "\"contentType\":\"application/json\",\"data\":%s%s%s}",
        revision,
        revision + 100,
        data,
        metadata == null ? "" : ",\"metadata\":" + metadata,
        tags == null ? "" : ",\"tags\":" + tags);
  }

  private static final List<String> GOOD =
      List.of(
          "{\"events\":[],\"next\":null,\"endOfRead\":true,\"headPosition\":-1}",
          "{\"events\":["
              + event(0, "{ \"a\" : -0, \"b\": 1e2, \"c\": [1.0, \"\\u00e9\"] }", null, null)
              + ","
              + event(1, "[]", "{\"by\":\"x\"}", "[\"t1\",\"t2\"]")
              + ","
              + event(2, "\"text\"", "null", "[]")
              + "],\"next\":\"/v1/streams/order-1?from=3&direction=forward&limit=3\","
              + "\"endOfRead\":false,\"headPosition\":102,\"unknown\":{\"x\":[1]}}",
          // members in another order, binary data, an unknown member inside an event
          "{\"headPosition\":7,\"endOfRead\":true,\"events\":[{\"data\":\"AAEC\","
              + "\"contentType\":\"application/octet-stream\",\"extra\":[true],"
              + "\"timestamp\":\"2026-01-02T03:04:05Z\",\"position\":7,\"revision\":0,"
              + "\"type\":\"Blob\",\"stream\":\"b\",\"id\":\"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c\"}]}");

  private static final List<String> BROKEN =
      List.of(
          "",
          "[]",
          "{\"events\":[]}",
          "{\"endOfRead\":true}",
          "{\"events\":{},\"endOfRead\":true}",
          "{\"events\":[],\"endOfRead\":\"yes\"}",
          "{\"events\":[],\"endOfRead\":true} trailing",
          "{\"events\":[],\"endOfRead\":true,\"endOfRead\":false}",
          "{\"events\":[],\"endOfRead\":true,\"next\":\"/v1/streams/s?limit=3\"}",
          "{\"events\":[1],\"endOfRead\":true}",
          "{\"events\":[" + event(0, "{\"a\":\"\\ud800\"}", null, null) + "],\"endOfRead\":true}",
          "{\"events\":[" + event(0, "{\"a\":1,\"a\":2}", null, null) + "],\"endOfRead\":true}",
          "{\"events\":[" + event(0, "{\"a\":", null, null) + "],\"endOfRead\":true}",
          "{\"events\":[{\"contentType\":\"application/json\"}],\"endOfRead\":true}",
          "{\"events\":["
              + event(0, "1", null, null).replace("\"revision\":0", "\"revision\":1.5")
              + "],\"endOfRead\":true}",
          "{\"events\":["
              + event(0, "1", null, null).replace("2026-12-01T20", "2026-13-01T20")
              + "],\"endOfRead\":true}",
          "{\"events\":["
              + event(0, "1", null, null).replace("0190a1b2-", "nope-")
              + "],\"endOfRead\":true}");

  @Test
  void decodesEveryPageAsTheTreePathDoes() throws Exception {
    for (String body : GOOD) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      assertThat(PageDecoder.fast(bytes)).as("the fast path reads " + body).isNotNull();
      for (Direction direction : Direction.values()) {
        ReadPage tree =
            ReadPageJson.readStream(ExactJson.read(WireJson.factory(), bytes, true), 5, direction);
        assertThat(ReadPageJson.readStream(bytes, 5, direction)).as(body).isEqualTo(tree);
        ReadPage log =
            ReadPageJson.readLog(ExactJson.read(WireJson.factory(), bytes, true), 5, direction);
        assertThat(ReadPageJson.readLog(bytes, 5, direction)).as(body).isEqualTo(log);
      }
    }
  }

  @Test
  void decodesASingleEventAsTheTreePathDoes() throws Exception {
    List<String> events =
        List.of(
            event(0, "{ \"a\" : -0, \"b\": [1.0, \"\\u00e9\"] }", null, null),
            event(1, "[]", "{\"by\":\"x\"}", "[\"t1\",\"t2\"]"),
            event(2, "\"text\"", "null", "[]"));
    for (String event : events) {
      byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
      assertThat(PageDecoder.fastEvent(bytes)).as("the fast path reads " + event).isNotNull();
      assertThat(RecordedEventJson.read(bytes))
          .as(event)
          .isEqualTo(RecordedEventJson.read(ExactJson.read(WireJson.factory(), bytes, true)));
    }
    for (String broken :
        List.of(
            "[]",
            event(0, "{\"a\":1,\"a\":2}", null, null),
            event(0, "1", null, null) + " trailing",
            event(0, "1", null, null).replace("\"revision\":0", "\"revision\":\"0\""))) {
      byte[] bytes = broken.getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> RecordedEventJson.read(bytes))
          .as(broken)
          .isInstanceOfAny(ExactJson.Malformed.class, WireDecodingException.class);
    }
  }

  /**
   * A forgotten subject's event must reach the client as redacted, whichever path decodes it: the
   * streaming reader once dropped both members, so a client showed the marker as ordinary data.
   */
  @Test
  void readsSubjectAndRedactedAsTheTreePathDoes() throws Exception {
    String about = event(0, "[1]", null, null).replace("}", ",\"subject\":\"alice\"}");
    String forgotten =
        event(1, "{\"redacted\":true}", null, null)
            .replace("\"data\"", "\"subject\":\"bob\",\"redacted\":true,\"data\"");
    String body = "{\"events\":[" + about + "," + forgotten + "],\"endOfRead\":true}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    assertThat(PageDecoder.fast(bytes)).isNotNull();
    ReadPage page = ReadPageJson.readStream(bytes, 0, Direction.FORWARD);
    assertThat(page)
        .isEqualTo(
            ReadPageJson.readStream(
                ExactJson.read(WireJson.factory(), bytes, true), 0, Direction.FORWARD));
    assertThat(page.events().get(0).subject()).isEqualTo("alice");
    assertThat(page.events().get(0).redacted()).isFalse();
    assertThat(page.events().get(1).subject()).isEqualTo("bob");
    assertThat(page.events().get(1).redacted()).isTrue();
    for (String mistyped :
        List.of(
            about.replace("\"alice\"", "12"),
            forgotten.replace("\"redacted\":true,", "\"redacted\":\"yes\","))) {
      byte[] broken =
          ("{\"events\":[" + mistyped + "],\"endOfRead\":true}").getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> ReadPageJson.readStream(broken, 0, Direction.FORWARD))
          .as(mistyped)
          .isInstanceOf(WireDecodingException.class);
      assertThatThrownBy(
              () ->
                  ReadPageJson.readStream(
                      ExactJson.read(WireJson.factory(), broken, true), 0, Direction.FORWARD))
          .as(mistyped)
          .isInstanceOf(WireDecodingException.class);
    }
  }

  /**
   * Legal bodies beyond what the fast path reads (its limits, escaped names, tags that are not
   * strings, binary data that is not a string) are read by the tree path, with its result.
   */
  @Test
  void leavesOddButLegalBodiesToTheTreePath() throws Exception {
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i < JsonBytes.MAX_NAMES + 1; i++) {
      many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    many.append('}');
    String deep = "[".repeat(JsonBytes.MAX_DEPTH) + "]".repeat(JsonBytes.MAX_DEPTH);
    String binary = GOOD.get(2);
    List<String> odd =
        List.of(
            event(0, many.toString(), null, null),
            event(0, deep, null, null),
            event(0, "1" + "0".repeat(JsonBytes.MAX_NUMBER), null, null),
            event(0, "{\"\\u0061\":1}", null, null),
            event(0, "1", null, "[\"t\",7,true]"),
            event(0, "1", null, null)
                .replace("\"revision\":0", "\"revision\":1234567890123456789"));
    for (String event : odd) {
      String body = "{\"events\":[" + event + "],\"endOfRead\":true}";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      assertThat(PageDecoder.fast(bytes)).as(body).isNull();
      assertThat(ReadPageJson.readStream(bytes, 0, Direction.FORWARD))
          .as(body)
          .isEqualTo(
              ReadPageJson.readStream(
                  ExactJson.read(WireJson.factory(), bytes, true), 0, Direction.FORWARD));
    }
    // base64 read from a value that is not a string: what the tree path makes of it, not an error
    byte[] notString =
        binary.replace("\"data\":\"AAEC\"", "\"data\":true").getBytes(StandardCharsets.UTF_8);
    assertThat(PageDecoder.fast(notString)).isNull();
    assertThat(ReadPageJson.readLog(notString, 0, Direction.FORWARD))
        .isEqualTo(
            ReadPageJson.readLog(
                ExactJson.read(WireJson.factory(), notString, true), 0, Direction.FORWARD));
  }

  @Test
  void keepsEventContentByteForByte() throws Exception {
    ReadPage page =
        ReadPageJson.readStream(GOOD.get(1).getBytes(StandardCharsets.UTF_8), 0, Direction.FORWARD);
    assertThat(new String(page.events().get(0).data(), StandardCharsets.UTF_8))
        .isEqualTo("{ \"a\" : -0, \"b\": 1e2, \"c\": [1.0, \"\\u00e9\"] }");
    assertThat(page.events().get(1).metadata()).asString().isEqualTo("{\"by\":\"x\"}");
    assertThat(page.events().get(1).tags()).containsExactlyInAnyOrder("t1", "t2");
    assertThat(page.events().get(2).metadata()).isNull();
    assertThat(page.next()).isEqualTo(3);
    ReadPage binary =
        ReadPageJson.readLog(GOOD.get(2).getBytes(StandardCharsets.UTF_8), 0, Direction.FORWARD);
    assertThat(binary.events().getFirst().data()).containsExactly(0, 1, 2);
  }

  @Test
  void refusesWhatTheTreePathRefuses() {
    for (String body : BROKEN) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      Class<? extends Throwable> expected = treeFailure(bytes);
      assertThat(expected).as("the tree path refuses " + body).isNotNull();
      assertThatThrownBy(() -> ReadPageJson.readStream(bytes, 0, Direction.FORWARD))
          .as(body)
          .isInstanceOf(expected);
    }
  }

  private static Class<? extends Throwable> treeFailure(byte[] bytes) {
    try {
      ReadPageJson.readStream(
          ExactJson.read(WireJson.factory(), bytes, true), 0, Direction.FORWARD);
      return null;
    } catch (ExactJson.Malformed | WireDecodingException e) {
      return e.getClass();
    }
  }

  @Test
  void refusesInvalidUtf8AndAByteOrderMark() {
    byte[] overlong =
        "{\"events\":[],\"endOfRead\":true,\"x\":\"\u0000\"}".getBytes(StandardCharsets.UTF_8);
    overlong[overlong.length - 3] = (byte) 0xC0; // an overlong encoding
    assertThatThrownBy(() -> ReadPageJson.readStream(overlong, 0, Direction.FORWARD))
        .isInstanceOfSatisfying(
            ExactJson.Malformed.class,
            e -> assertThat(e.kind()).isEqualTo(ExactJson.Malformed.Kind.NOT_UTF8));
    byte[] bom = "\uFEFF{\"events\":[],\"endOfRead\":true}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ReadPageJson.readStream(bom, 0, Direction.FORWARD))
        .isInstanceOfSatisfying(
            ExactJson.Malformed.class,
            e -> assertThat(e.kind()).isEqualTo(ExactJson.Malformed.Kind.BYTE_ORDER_MARK));
  }
}
