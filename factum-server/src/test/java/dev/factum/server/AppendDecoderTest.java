package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.wire.AppendDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The append body's one-pass reader ({@link AppendDecoder}) against the tree path ({@link
 * WireFormat#parseAppendTree}): whenever the fast path answers, the tree path answers the same,
 * without an error; on the bodies a client sends it does answer (else it would be no fast path);
 * and it leaves every doubtful body, refusals included, to the tree path. Random mutations of the
 * fixed bodies (a byte replaced by a JSON-significant one, deleted, or a span repeated) search for
 * a body it vouches for wrongly; the seed is printed on failure.
 */
class AppendDecoderTest {
  private static final String ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

  private static final List<String> SENT =
      List.of(
          "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"Opened\",\"data\":{\"a\":1}}]}",
          "{\"events\":[{\"id\":\""
              + ID
              + "\",\"type\":\"T\",\"contentType\":\"application/json\",\"data\":{\"n\":[1,2.5,-3e2,true,null,\"x\\u00e9\\n\"]},"
              + "\"metadata\":{\"by\":\"\u00e9l\u00e8ve\"},\"tags\":[\"t1\",\"t2\",\"t1\"],\"subject\":\"s-1\"},"
              + "{\"type\":\"U\",\"data\":\"text\",\"metadata\":null,\"tags\":null,\"subject\":null,\"id\":null}],"
              + "\"expectedRevision\":41}",
          " { \"expectedRevision\" : \"no_stream\" , \"events\" : [ { \"type\" : \"A\" , \"data\" : [ ] } , { \"data\" : 7 , \"type\" : \"B\" } ] } ",
          "{\"expectedRevision\":\"exists\",\"events\":[{\"type\":\"T\\u0041\",\"data\":{\"deep\":{\"er\":{\"est\":[[[]]]}}}}]}",
          "{\"expectedRevision\":0,\"events\":[{\"type\":\"T\",\"data\":null,\"tags\":[]}]}");

  private static final byte[] ALPHABET =
      "{}[]\":,\\ 0-1.eE\u00e9nultrfa".getBytes(StandardCharsets.UTF_8);

  private static final List<String> LEFT_TO_THE_TREE =
      List.of(
          "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{}}],\"condition\":{\"failIfEventsMatch\":{\"items\":[]}}}",
          "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"contentType\":\"application/octet-stream\",\"data\":\"AAE=\"}]}",
          "{\"expectedRevision\":\"any\",\"expectedRevision\":1,\"events\":[{\"type\":\"T\",\"data\":{}}]}",
          "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{\"a\":1,\"a\":2}}]}",
          "\uFEFF{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{}}]}",
          "{\"expectedRevision\":\"1\",\"events\":[{\"type\":\"T\",\"data\":{}}]}",
          "{\"expectedRevision\":-1,\"events\":[{\"type\":\"T\",\"data\":{}}]}",
          "{\"expectedRevision\":1.0,\"events\":[{\"type\":\"T\",\"data\":{}}]}",
          "{\"expectedRevision\":\"any\",\"events\":[]}",
          "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},\"extra\":1}]}",
          "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},\"metadata\":[]}]}",
          "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},\"id\":\"6F1C2A3B-4D5E-4F60-8A7B-9C0D1E2F3A4\"}]}",
          "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},\"tags\":[1]}]}",
          "{\"expectedRevision\":\"any\",\"events\":[{\"data\":{}}]}",
          "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{}}]} x",
          "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{\"s\":\"\u0001\"}}]}");

  private static final List<String> GROUP_SENT =
      List.of(
          "{\"consumer\":\"c-1\",\"positions\":[12,0,7],\"stream\":\"out-1\",\"expectedRevision\":\"any\",\"events\":[{\"type\":\"Done\",\"data\":{\"for\":12},\"id\":\""
              + ID
              + "\"}]}",
          " {\"stream\" : \"o\\u00e9\", \"expectedRevision\":3, \"events\":[{\"type\":\"D\",\"data\":[1]},{\"type\":\"E\",\"data\":{},\"tags\":[\"x\"]}], \"positions\":[999999999999], \"consumer\":\"worker \u00e9\"} ");

  private final WireFormat wire = new WireFormat();

  @Test
  void anAckAppendIsReadInOnePassAsTheTreeReadsIt() {
    for (String body : GROUP_SENT) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      assertThat(AppendDecoder.fastGroupAppend(bytes)).as(body).isNotNull();
      assertSameGroupAppendAsTree(bytes, body);
      assertThat(AppendDecoder.fast(bytes)).as("a stream append has no consumer").isNull();
    }
    for (String body :
        List.of(
            "{\"consumer\":\"c\",\"positions\":[],\"stream\":\"o\",\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{}}]}",
            "{\"consumer\":\"c\",\"positions\":[-1],\"stream\":\"o\",\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{}}]}",
            "{\"consumer\":\"c\",\"positions\":[1.5],\"stream\":\"o\",\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{}}]}",
            "{\"consumer\":1,\"positions\":[1],\"stream\":\"o\",\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{}}]}",
            "{\"positions\":[1],\"stream\":\"o\",\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{}}]}")) {
      assertThat(AppendDecoder.fastGroupAppend(body.getBytes(StandardCharsets.UTF_8)))
          .as(body)
          .isNull();
    }
    long seed = Long.getLong("factum.append.seed", System.nanoTime());
    Random random = new Random(seed);
    int vouched = 0;
    for (int round = 0; round < 10_000; round++) {
      byte[] body =
          GROUP_SENT.get(random.nextInt(GROUP_SENT.size())).getBytes(StandardCharsets.UTF_8);
      body = mutate(body, random, ALPHABET);
      if (AppendDecoder.fastGroupAppend(body) != null) {
        vouched++;
        assertSameGroupAppendAsTree(
            body, "seed " + seed + ", body " + new String(body, StandardCharsets.UTF_8));
      }
    }
    assertThat(vouched).as("some mutations still vouched for (seed " + seed + ")").isPositive();
  }

  private void assertSameGroupAppendAsTree(byte[] body, String what) {
    AppendDecoder.GroupAppend fast = AppendDecoder.fastGroupAppend(body);
    WireFormat.GroupAppend tree;
    try {
      tree = wire.parseGroupAppendTree(body);
    } catch (RuntimeException refused) {
      throw new AssertionError("the tree path refused what the fast path read: " + what, refused);
    }
    assertThat(fast.consumer()).as(what).isEqualTo(tree.consumer());
    assertThat(fast.positions()).as(what).isEqualTo(tree.positions());
    assertThat(
            new AppendRequest(
                fast.stream(), fast.append().expected(), fast.append().events(), null))
        .as(what)
        .isEqualTo(tree.append());
  }

  @Test
  void whatAClientSendsIsReadInOnePassAsTheTreeReadsIt() {
    for (String body : SENT) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      assertThat(AppendDecoder.fast(bytes)).as(body).isNotNull();
      assertSameAsTree(bytes, body);
    }
    AppendDecoder.Append second = AppendDecoder.fast(SENT.get(1).getBytes(StandardCharsets.UTF_8));
    assertThat(second.expected()).isEqualTo(ExpectedRevision.exact(41));
    EventData first = second.events().getFirst();
    assertThat(first.id()).isEqualTo(UUID.fromString(ID));
    assertThat(first.tags()).isEqualTo(Set.of("t1", "t2"));
    assertThat(new String(first.data(), StandardCharsets.UTF_8))
        .isEqualTo("{\"n\":[1,2.5,-3e2,true,null,\"x\\u00e9\\n\"]}");
    assertThat(second.events().get(1).data())
        .isEqualTo("\"text\"".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aDoubtfulBodyIsLeftToTheTreePath() {
    for (String body : LEFT_TO_THE_TREE) {
      assertThat(AppendDecoder.fast(body.getBytes(StandardCharsets.UTF_8))).as(body).isNull();
    }
  }

  @Test
  void noMutatedBodyIsVouchedForOtherwiseThanTheTreeReadsIt() {
    long seed = Long.getLong("factum.append.seed", System.nanoTime());
    Random random = new Random(seed);
    int vouched = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] body = SENT.get(random.nextInt(SENT.size())).getBytes(StandardCharsets.UTF_8);
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits && body.length > 1; e++) {
        body = mutate(body, random, ALPHABET);
      }
      if (AppendDecoder.fast(body) != null) {
        vouched++;
        assertSameAsTree(
            body, "seed " + seed + ", body " + new String(body, StandardCharsets.UTF_8));
      }
    }
    assertThat(vouched).as("some mutations still vouched for (seed " + seed + ")").isPositive();
  }

  private void assertSameAsTree(byte[] body, String what) {
    AppendDecoder.Append fast = AppendDecoder.fast(body);
    AppendRequest tree;
    try {
      tree = wire.parseAppendTree("s-1", body);
    } catch (RuntimeException refused) {
      throw new AssertionError("the tree path refused what the fast path read: " + what, refused);
    }
    assertThat(new AppendRequest("s-1", fast.expected(), fast.events(), null))
        .as(what)
        .isEqualTo(tree);
  }

  private static byte[] mutate(byte[] body, Random random, byte[] alphabet) {
    int at = random.nextInt(body.length);
    switch (random.nextInt(3)) {
      case 0 -> {
        byte[] out = body.clone();
        out[at] = alphabet[random.nextInt(alphabet.length)];
        return out;
      }
      case 1 -> {
        byte[] out = new byte[body.length - 1];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(body, at + 1, out, at, body.length - at - 1);
        return out;
      }
      default -> {
        int length = Math.min(1 + random.nextInt(12), body.length - at);
        byte[] out = new byte[body.length + length];
        System.arraycopy(body, 0, out, 0, at + length);
        System.arraycopy(body, at, out, at + length, body.length - at);
        return out;
      }
    }
  }
}
