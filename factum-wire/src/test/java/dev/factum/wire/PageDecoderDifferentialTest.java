package dev.factum.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.Direction;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fast path of {@link PageDecoder} against the tree path, on random bodies: pages and single
 * events as the server writes them, with their members in any order, unicode and escapes, binary
 * data, tags, subjects, unknown members and nested data; then odd-but-legal variants (escaped
 * names, tags that are not strings, numbers where strings go) and broken ones (flipped bytes, cuts,
 * duplicate keys, bad UTF-8, lone surrogates, a byte order mark, trailing content).
 *
 * <p>For every body: whenever the fast path vouches, the tree path accepts and gives an equal
 * result; and the public readers give what the tree path gives, an equal page or a refusal of the
 * same exception class. A body as the server writes it must be vouched for, so the fast path is
 * really the one taken. A failure prints the case's seed and the body; {@code
 * -Dfactum.decoder.seed=N -Dfactum.decoder.cases=1} replays that case.
 */
class PageDecoderDifferentialTest {
  private static final String[] TEXTS = {
    "order", "a-b_c", "é", "日本", "😀", "\u007f", "tab\there", "q\"uote", "back\\slash", "sl/ash", ""
  };

  @Test
  void fastPathAgreesWithTheTreePath() {
    run(Long.getLong("factum.decoder.seed", 18L), Integer.getInteger("factum.decoder.cases", 400));
  }

  @Tag("slow")
  @Test
  void fastPathAgreesWithTheTreePathOnManyBodies() {
    run(Long.getLong("factum.decoder.seed", 1818L), 100_000);
  }

  private static void run(long seed, int cases) {
    int vouched = 0;
    int refused = 0;
    for (int i = 0; i < cases; i++) {
      long caseSeed = seed + i;
      SplittableRandom random = new SplittableRandom(caseSeed);
      Body body = new Body(random, random.nextInt(4) == 0);
      boolean page = random.nextInt(4) != 0;
      String clean = page ? body.page() : body.event(0);
      byte[] bytes = clean.getBytes(StandardCharsets.UTF_8);
      String as = "seed " + caseSeed + ": " + clean;
      Outcome tree = tree(bytes, page);
      Object fast = page ? PageDecoder.fast(bytes) : PageDecoder.fastEvent(bytes);
      if (!body.odd) {
        assertThat(tree.refusal).as(as).isNull();
        assertThat(fast).as("the fast path vouches for " + as).isNotNull();
      }
      check(bytes, page, tree, fast, as);
      vouched += fast != null ? 1 : 0;
      for (int m = 0; m < 3; m++) {
        byte[] mutated = mutate(random, bytes);
        String mutatedAs =
            "seed " + caseSeed + " mutation " + m + ": " + HexFormat.of().formatHex(mutated);
        Outcome mutatedTree = tree(mutated, page);
        refused += mutatedTree.refusal != null ? 1 : 0;
        check(
            mutated,
            page,
            mutatedTree,
            page ? PageDecoder.fast(mutated) : PageDecoder.fastEvent(mutated),
            mutatedAs);
      }
    }
    if (cases >= 100) { // else a replay of a few cases: the proportions say nothing
      assertThat(vouched).as("bodies the fast path vouched for").isGreaterThan(cases / 2);
      assertThat(refused).as("mutations the tree path refused").isGreaterThan(cases);
    }
  }

  private static void check(byte[] bytes, boolean page, Outcome tree, Object fast, String as) {
    if (fast != null) {
      assertThat(tree.refusal).as("vouched for what the tree path refuses, " + as).isNull();
      Object expected = page ? ReadPageJson.treePage(tree.node) : tree.event;
      assertThat(fast).as(as).isEqualTo(expected);
    }
    if (page) {
      for (Direction direction : Direction.values()) {
        Outcome decoded = outcome(() -> ReadPageJson.readStream(bytes, 3, direction));
        Outcome expected =
            tree.refusal != null
                ? tree
                : outcome(() -> ReadPageJson.readStream(tree.node, 3, direction));
        assertThat(decoded.refusal).as(as).isEqualTo(expected.refusal);
        assertThat(decoded.page).as(as).isEqualTo(expected.page);
      }
    } else {
      Outcome decoded = outcome(() -> RecordedEventJson.read(bytes));
      assertThat(decoded.refusal).as(as).isEqualTo(tree.refusal);
      assertThat(decoded.event).as(as).isEqualTo(tree.event);
    }
  }

  /** What the tree path makes of the bytes: the tree and what its reader reads, or a refusal. */
  private record Outcome(Class<?> refusal, JsonNode node, ReadPage page, RecordedEvent event) {}

  @FunctionalInterface
  private interface Read {
    Object read() throws ExactJson.Malformed;
  }

  private static Outcome outcome(Read read) {
    try {
      Object value = read.read();
      return value instanceof ReadPage page
          ? new Outcome(null, null, page, null)
          : new Outcome(null, null, null, (RecordedEvent) value);
    } catch (ExactJson.Malformed | RuntimeException e) {
      return new Outcome(e.getClass(), null, null, null);
    }
  }

  private static Outcome tree(byte[] bytes, boolean page) {
    try {
      var node = ExactJson.read(WireJson.factory(), bytes, true);
      if (page) {
        ReadPageJson.treePage(node);
        return new Outcome(null, node, null, null);
      }
      return new Outcome(null, node, null, RecordedEventJson.read(node));
    } catch (ExactJson.Malformed | RuntimeException e) {
      return new Outcome(e.getClass(), null, null, null);
    }
  }

  private static byte[] mutate(SplittableRandom random, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    return switch (random.nextInt(9)) {
      case 0 -> {
        byte[] flipped = bytes.clone();
        byte[] interesting = {'"', '\\', '{', '}', '[', ']', ',', ':', ' ', 0, '0', 'e', '-'};
        int at = random.nextInt(flipped.length);
        flipped[at] =
            random.nextBoolean()
                ? interesting[random.nextInt(interesting.length)]
                : (byte) random.nextInt(256);
        yield flipped;
      }
      case 1 -> Arrays.copyOf(bytes, random.nextInt(bytes.length));
      case 2 -> {
        // a member twice: the same name again, somewhere in the body
        String[] names = {
          "\"type\":",
          "\"data\":",
          "\"events\":",
          "\"endOfRead\":",
          "\"k1\":",
          "\"k2\":",
          "\"extra\":",
          "\"headPosition\":",
          "\"tags\":"
        };
        String name = names[random.nextInt(names.length)];
        int at = text.indexOf(name);
        yield (at < 0 ? text : text.substring(0, at) + name + "1," + text.substring(at))
            .getBytes(StandardCharsets.UTF_8);
      }
      case 3 -> insertInString(random, bytes, new byte[] {(byte) 0xC0, (byte) 0x80});
      case 4 -> insertInString(random, bytes, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
      case 5 -> insertInString(random, bytes, "\\ud83d".getBytes(StandardCharsets.US_ASCII));
      case 6 -> ("\uFEFF" + text).getBytes(StandardCharsets.UTF_8);
      case 7 -> (text + (random.nextBoolean() ? " {}" : " x")).getBytes(StandardCharsets.UTF_8);
      default -> {
        byte[] cut = bytes.clone();
        int at = random.nextInt(cut.length);
        cut[at] = (byte) (cut[at] ^ (1 << random.nextInt(8)));
        yield cut;
      }
    };
  }

  /** {@code insert} just after a random quote (so, often, inside a string). */
  private static byte[] insertInString(SplittableRandom random, byte[] bytes, byte[] insert) {
    List<Integer> quotes = new ArrayList<>();
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '"') {
        quotes.add(i);
      }
    }
    int at = quotes.isEmpty() ? 0 : quotes.get(random.nextInt(quotes.size())) + 1;
    byte[] out = new byte[bytes.length + insert.length];
    System.arraycopy(bytes, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(bytes, at, out, at + insert.length, bytes.length - at);
    return out;
  }

  /**
   * A random body in the server's shape ({@code odd}: with legal variants the fast path may leave
   * to the tree path).
   */
  private static final class Body {
    private final SplittableRandom random;
    private final boolean odd;

    Body(SplittableRandom random, boolean odd) {
      this.random = random;
      this.odd = odd;
    }

    String page() {
      List<String> members = new ArrayList<>();
      List<String> events = new ArrayList<>();
      int count = random.nextInt(6);
      for (int i = 0; i < count; i++) {
        events.add(event(i));
      }
      members.add("\"events\":" + space() + "[" + String.join("," + space(), events) + "]");
      members.add(
          "\"next\":"
              + (random.nextBoolean()
                  ? "null"
                  : "\"/v1/streams/s?from="
                      + random.nextInt(1000)
                      + "&direction=forward&limit=5\""));
      members.add("\"endOfRead\":" + random.nextBoolean());
      members.add("\"headPosition\":" + random.nextInt(1000));
      if (random.nextBoolean()) {
        members.add("\"firstRevision\":" + random.nextInt(1000));
      }
      if (random.nextInt(4) == 0) {
        members.add("\"unknown\":" + value(0));
      }
      if (odd && random.nextInt(3) == 0) {
        members.add(
            switch (random.nextInt(3)) {
              case 0 -> "\"firstRevision\":1.5";
              case 1 -> "\"\\u0078\":1";
              default -> "\"next\":7";
            });
        dedupe(members);
      }
      return object(members);
    }

    String event(int index) {
      List<String> members = new ArrayList<>();
      UUID id = new UUID(random.nextLong(), random.nextLong());
      String idText =
          random.nextInt(5) == 0 ? id.toString().toUpperCase(Locale.ROOT) : id.toString();
      members.add("\"id\":\"" + idText + "\"");
      members.add("\"stream\":" + string());
      members.add("\"type\":" + string());
      members.add("\"revision\":" + (random.nextInt(10) == 0 ? "-0" : index));
      members.add("\"position\":" + random.nextLong(0, 1L << 50));
      Instant at =
          Instant.ofEpochSecond(random.nextLong(0, 4_000_000_000L), random.nextInt(1_000_000_000));
      members.add("\"timestamp\":\"" + at + "\"");
      boolean binary = random.nextInt(4) == 0;
      if (binary) {
        byte[] data = new byte[random.nextInt(12)];
        random.nextBytes(data);
        members.add("\"contentType\":\"application/octet-stream\"");
        members.add("\"data\":\"" + Base64.getEncoder().encodeToString(data) + "\"");
      } else {
        members.add("\"contentType\":\"application/json\"");
        members.add("\"data\":" + space() + value(0));
      }
      if (random.nextBoolean()) {
        members.add("\"metadata\":" + (random.nextInt(3) == 0 ? "null" : value(1)));
      }
      if (random.nextBoolean()) {
        List<String> tags = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          tags.add(string());
        }
        members.add("\"tags\":[" + String.join(",", tags) + "]");
      }
      if (random.nextInt(3) == 0) {
        members.add("\"subject\":" + (random.nextInt(4) == 0 ? "null" : string()));
        if (random.nextBoolean()) {
          members.add("\"redacted\":" + random.nextBoolean());
        }
      }
      if (random.nextInt(3) == 0) {
        members.add("\"extra\":" + value(0));
      }
      if (odd && random.nextInt(2) == 0) {
        members.add(
            switch (random.nextInt(6)) {
              case 0 -> "\"tags\":[1,true,\"t\"]";
              case 1 -> "\"\\u0074ype\":\"T\"";
              case 2 -> "\"data\":{}";
              case 3 -> "\"timestamp\":\"2026-12-01T20:21:47+01:00\"";
              case 4 -> "\"revision\":12345678901234567890";
              default -> "\"id\":\"1-2-3-4-5\"";
            });
        dedupe(members);
      }
      return object(members);
    }

    /** Keeps the last of the members with the same name (the odd one just added). */
    private static void dedupe(List<String> members) {
      String last = members.removeLast();
      String name = last.substring(0, last.indexOf("\":") + 2);
      members.removeIf(m -> m.startsWith(name));
      members.add(last);
    }

    private String object(List<String> members) {
      Collections.shuffle(members, new Random(random.nextLong()));
      return "{" + space() + String.join("," + space(), members) + space() + "}";
    }

    private String space() {
      return switch (random.nextInt(8)) {
        case 0 -> " ";
        case 1 -> "\n  ";
        case 2 -> "\t\r\n";
        default -> "";
      };
    }

    private String string() {
      StringBuilder text = new StringBuilder("\"");
      for (int i = random.nextInt(4); i >= 0; i--) {
        switch (random.nextInt(8)) {
          case 0 -> text.append("\\n");
          case 1 -> text.append("\\u00e9");
          case 2 -> text.append("\\ud83d\\ude00");
          case 3 -> text.append("\\/");
          default -> {
            String piece = TEXTS[random.nextInt(TEXTS.length)];
            text.append(piece.replace("\\", "\\\\").replace("\"", "\\\"").replace("\t", "\\t"));
          }
        }
      }
      return text.append('"').toString();
    }

    /** A random JSON value, nested up to a few levels. */
    private String value(int depth) {
      int kind = random.nextInt(depth > 3 ? 4 : 7);
      return switch (kind) {
        case 0 -> string();
        case 1 ->
            switch (random.nextInt(7)) {
              case 0 -> "-0";
              case 1 -> "1e2";
              case 2 -> "1.50E-3";
              case 3 -> "123456789012345678901234567890";
              case 4 -> "-1.0";
              default -> Integer.toString(random.nextInt(-1000, 1000));
            };
        case 2 -> random.nextBoolean() ? "true" : "false";
        case 3 -> "null";
        case 4, 5 -> {
          List<String> members = new ArrayList<>();
          for (int i = random.nextInt(4); i > 0; i--) {
            members.add("\"k" + i + "\":" + space() + value(depth + 1));
          }
          if (random.nextInt(6) == 0) {
            members.add("\"é\":1");
          }
          yield "{" + String.join("," + space(), members) + "}";
        }
        default -> {
          List<String> elements = new ArrayList<>();
          for (int i = random.nextInt(4); i > 0; i--) {
            elements.add(value(depth + 1));
          }
          yield "[" + space() + String.join(",", elements) + "]";
        }
      };
    }
  }
}
