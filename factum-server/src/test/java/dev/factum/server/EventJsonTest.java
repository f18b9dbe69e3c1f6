package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.factum.api.EventData;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.wire.EventContent;
import dev.factum.wire.ReadPageJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link EventJson} against the Jackson rendering it replaced ({@link ReadPageJson#write} with each
 * event's members from {@link EventContent#writeRecorded} on {@link WireFormat#JSON}'s generator):
 * the same bytes for random pages and single events, with every kind of character in the strings
 * (controls, quotes, backslashes, DEL, two- and three-byte UTF-8, surrogate pairs and lone
 * surrogates), binary data, metadata, tags, subjects, redactions, timestamps of every precision,
 * negative and large numbers, and bodies far larger than the first estimate of their size.
 */
class EventJsonTest {
  private static final String[] PIECES = {
    "order", "a", "-", "_", "/", "&", "=", "é", "ß", "日本", "😀", "\u007f", "\u0000", "\u001f", "\b",
    "\t", "\n", "\f", "\r", "\"", "\\", "\ud800", "\udfff", "\u2028", "\uffff", " ", ""
  };
  private static final String[] DATA = {
    "{}",
    "[]",
    "0",
    "-0",
    "1e2",
    "\"text\"",
    "null",
    "{\"total\":42,\"lines\":[{\"sku\":\"é\"}]}",
    "{\"a\":\n1}",
    " {\"spaced\" : true} "
  };

  @Test
  void pagesAreTheBytesJacksonWrites() throws IOException {
    SplittableRandom random = new SplittableRandom(18);
    for (int round = 0; round < 2_000; round++) {
      List<RecordedEvent> events = new ArrayList<>();
      int count = random.nextInt(round % 50 == 0 ? 300 : 6);
      for (int i = 0; i < count; i++) {
        events.add(event(random));
      }
      long firstRevision = random.nextBoolean() ? ReadPage.NOT_A_STREAM : random.nextLong(0, 99);
      ReadPage page =
          new ReadPage(events, random.nextLong(0, 1000), random.nextBoolean(), firstRevision);
      String next =
          random.nextBoolean()
              ? null
              : "/all?from=" + random.nextInt() + "&limit=10" + text(random);
      long head = random.nextInt(4) == 0 ? -1 : random.nextLong(Long.MAX_VALUE);

      JsonOutput rendered = new EventJson().page(page, next, head);
      byte[] fast = Arrays.copyOf(rendered.bytes(), rendered.length());

      byte[] jackson = jacksonPage(page, next, head);
      assertThat(new String(fast, StandardCharsets.UTF_8))
          .isEqualTo(new String(jackson, StandardCharsets.UTF_8));
      assertThat(fast).isEqualTo(jackson);
    }
  }

  @Test
  void singleEventsAreTheBytesJacksonWrites() throws IOException {
    SplittableRandom random = new SplittableRandom(7);
    EventJson json = new EventJson(); // one renderer for all, as an SSE session keeps one
    for (int round = 0; round < 5_000; round++) {
      RecordedEvent event = event(random);
      assertThat(json.event(event)).isEqualTo(jacksonEvent(event));
    }
  }

  private static RecordedEvent event(SplittableRandom random) {
    boolean binary = random.nextInt(5) == 0;
    byte[] data;
    if (binary) {
      data = new byte[random.nextInt(40)];
      random.nextBytes(data);
    } else {
      data = DATA[random.nextInt(DATA.length)].getBytes(StandardCharsets.UTF_8);
    }
    byte[] metadata =
        random.nextBoolean() ? null : "{\"by\":\"ü\"}".getBytes(StandardCharsets.UTF_8);
    Set<String> tags = new LinkedHashSet<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      tags.add(text(random));
    }
    boolean redacted = random.nextInt(8) == 0;
    String subject = redacted || random.nextInt(4) == 0 ? "subject-" + text(random) : null;
    return new RecordedEvent(
        new UUID(random.nextLong(), random.nextLong()),
        "s" + text(random),
        random.nextInt(4) == 0 ? Long.MAX_VALUE - random.nextInt(3) : random.nextLong(0, 1_000),
        random.nextLong(0, Long.MAX_VALUE),
        timestamp(random),
        "T" + text(random),
        binary ? EventData.BINARY : EventData.JSON,
        redacted ? RecordedEvent.redactedData() : data,
        redacted ? null : metadata,
        tags,
        subject,
        redacted);
  }

  /**
   * Instants of every precision Instant.toString has (none, milli, micro, nano), often repeated.
   */
  private static Instant timestamp(SplittableRandom random) {
    long seconds = 1_700_000_000L + random.nextInt(3);
    int nanos =
        switch (random.nextInt(4)) {
          case 0 -> 0;
          case 1 -> random.nextInt(1000) * 1_000_000;
          case 2 -> random.nextInt(1_000_000) * 1_000;
          default -> random.nextInt(1_000_000_000);
        };
    return Instant.ofEpochSecond(random.nextInt(3) == 0 ? 0 : seconds, nanos);
  }

  private static String text(SplittableRandom random) {
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(6); i > 0; i--) {
      text.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return text.toString();
  }

  private static byte[] jacksonPage(ReadPage page, String next, long head) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = WireFormat.generator(out)) {
      json.writeStartObject();
      ReadPageJson.write(json, page, next, head, EventJsonTest::writeEvent);
      json.writeEndObject();
    }
    return out.toByteArray();
  }

  private static byte[] jacksonEvent(RecordedEvent event) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = WireFormat.generator(out)) {
      writeEvent(json, event);
    }
    return out.toByteArray();
  }

  private static void writeEvent(JsonGenerator json, RecordedEvent event) throws IOException {
    json.writeStartObject();
    EventContent.writeRecorded(json, event, true, EventContent.STORED);
    json.writeEndObject();
  }
}
