package dev.factum.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.engine.spi.RemovedEvent;
import dev.factum.system.ReferenceRecord.Ack;
import dev.factum.system.ReferenceRecord.Append;
import dev.factum.system.ReferenceRecord.Part;
import dev.factum.system.ReferenceRecord.SentEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The kill -9 audit fed hand-made logs: a log that keeps every promise passes, and each kind of
 * broken promise is caught. An audit that cannot fail would prove nothing.
 */
class LogAuditTest {
  private final ReferenceRecord record = new ReferenceRecord(42);
  // acknowledged: own-1 revisions 0-1, positions 0-1
  private final Append a0 = append(false, part("own-1", "no_stream", 2));
  // acknowledged multi-stream: own-1 revision 2 (position 2), hot revision 0 (position 3)
  private final Append a1 = append(true, part("own-1", "1", 1), part("hot", "any", 1));
  // unknown outcome, present in the good log: hot revisions 1-2
  private final Append a2 = append(false, part("hot", "any", 2));
  // unknown outcome, absent from the good log
  private final Append a3 = append(false, part("own-2", "no_stream", 1));
  // rejected (a conflict)
  private final Append a4 = append(false, part("own-1", "2", 1));
  // unknown, expecting own-3 at revision 5
  private final Append a5 = append(false, part("own-3", "5", 1));

  LogAuditTest() {
    a0.acknowledged(List.of(new Ack(0, 0)));
    a1.acknowledged(List.of(new Ack(2, 2), new Ack(0, 3)));
    a2.unknown();
    a3.unknown();
    a4.rejected();
    a5.unknown();
  }

  @Test
  void aLogThatKeepsEveryPromisePasses() throws Exception {
    LogAudit.Result result = LogAudit.audit(log(a0, a1, a2), record, List.of());
    assertThat(result.acknowledged()).isEqualTo(2);
    assertThat(result.unknownPresent()).isEqualTo(1);
    assertThat(result.unknownAbsent()).isEqualTo(2);
    assertThat(result.rejected()).isEqualTo(1);
    assertThat(result.heads()).isEqualTo(Map.of("own-1", 2L, "hot", 2L));
    assertThat(LogAudit.audit(log(a0, a1, a2), record, result.log().subList(0, 3)).log())
        .isEqualTo(result.log());
  }

  @Test
  void aLostAcknowledgedAppendIsCaught() {
    assertFails(log(a2), "acknowledged append 0");
  }

  @Test
  void anAppendAtAnotherPlaceThanAcknowledgedIsCaught() {
    assertFails(log(a2, a0, a1), "acknowledged at revision 0 position 0, found at 0, 2");
  }

  @Test
  void halfAnAppendIsCaught() {
    List<JsonNode> log = log(a0, a1, a2);
    log.removeLast();
    assertFails(log, "partly present: 1 of 2");
  }

  @Test
  void halfAMultiStreamAppendIsCaught() {
    List<JsonNode> log = log(a0, a1);
    log.remove(2); // a1's own-1 part
    renumber(log);
    assertFails(log, "partly present: 1 of 2");
  }

  @Test
  void aRejectedAppendThatWasWrittenIsCaught() {
    assertFails(log(a0, a1, a2, a4), "rejected append 4");
  }

  @Test
  void anExactExpectedRevisionNotHonouredIsCaught() {
    assertFails(log(a0, a1, a2, a5), "expected 5 but landed at revision 0");
  }

  @Test
  void aRevisionGapIsCaught() {
    List<JsonNode> log = log(a0, a1, a2);
    ((ObjectNode) log.get(5)).put("revision", 3);
    assertFails(log, "revision 3 of hot where 2 was due");
  }

  @Test
  void aPositionGapOrRepeatIsCaught() {
    List<JsonNode> gap = log(a0, a1, a2);
    ((ObjectNode) gap.get(5)).put("position", 6);
    assertFails(gap, "position 6 where 5 was due");
    List<JsonNode> repeat = log(a0, a1, a2);
    ((ObjectNode) repeat.get(5)).put("position", 4);
    assertFails(repeat, "position 4 where 5 was due");
  }

  @Test
  void anEventNeverSentIsCaught() {
    List<JsonNode> log = log(a0, a1, a2);
    ((ObjectNode) log.get(1)).put("id", new UUID(42, 999L << 12).toString());
    assertFails(log, "which was never sent");
    List<JsonNode> foreign = log(a0, a1, a2);
    ((ObjectNode) foreign.get(1)).put("id", UUID.randomUUID().toString());
    assertFails(foreign, "which was never sent");
  }

  @Test
  void changedDataOrAnEventInTheWrongStreamIsCaught() {
    List<JsonNode> data = log(a0, a1, a2);
    ((ObjectNode) data.get(1).get("data")).put("text", "changed");
    assertFails(data, "differs from what was sent");
    List<JsonNode> stream = log(a0, a1, a2);
    ((ObjectNode) stream.get(3)).put("stream", "own-1");
    assertFails(stream, "landed in stream own-1");
  }

  @Test
  void anEarlierLogThatChangedIsCaught() throws Exception {
    List<UUID> before = LogAudit.audit(log(a0, a1, a2), record, List.of()).log();
    List<UUID> changed = new ArrayList<>(before);
    changed.set(1, before.get(0));
    assertThatThrownBy(() -> LogAudit.audit(log(a0, a1, a2), record, changed))
        .hasMessageContaining("no longer a prefix");
  }

  @Test
  void aGapIsAcceptedOnlyWhereTheStorageReportsARemoval() throws Exception {
    // position 1 (own-1 revision 1 of a0) and the tail, position 5 (hot revision 2 of a2), removed
    List<JsonNode> scavenged = log(a0, a1, a2);
    scavenged.remove(5);
    scavenged.remove(1);
    RemovedEvent first =
        new RemovedEvent(
            1, "own-1", 1, a0.parts.getFirst().events().get(1).id(), RemovedEvent.Reason.RETENTION);
    RemovedEvent tail =
        new RemovedEvent(
            5, "hot", 2, a2.parts.getFirst().events().get(1).id(), RemovedEvent.Reason.RETENTION);
    Map<Long, RemovedEvent> stubs = Map.of(1L, first, 5L, tail);
    LogAudit.Result result = LogAudit.audit(scavenged, record, List.of(), stubs::get);
    assertThat(result.acknowledged()).isEqualTo(2);
    assertThat(result.unknownPresent()).isEqualTo(1);
    assertThat(result.heads()).isEqualTo(Map.of("own-1", 2L, "hot", 2L));
    assertThat(result.log()).isEqualTo(LogAudit.audit(log(a0, a1, a2), record, List.of()).log());

    // A truly missing position, where the storage reports no removal, is still caught.
    assertThatThrownBy(() -> LogAudit.audit(scavenged, record, List.of(), Map.of(5L, tail)::get))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "position 2 where 1 was due (and the storage reports no removal at 1)");
    assertThatThrownBy(() -> LogAudit.audit(scavenged, record, List.of()))
        .hasMessageContaining("no removal at 1");
    // A missing tail without a removal: the unknown append a2 is then partly present.
    assertThatThrownBy(() -> LogAudit.audit(scavenged, record, List.of(), Map.of(1L, first)::get))
        .hasMessageContaining("partly present");
    // A removal that names another stream or revision than the sent event's is no excuse.
    RemovedEvent wrongStream =
        new RemovedEvent(1, "hot", 1, first.id(), RemovedEvent.Reason.RETENTION);
    assertThatThrownBy(
            () ->
                LogAudit.audit(
                    scavenged, record, List.of(), Map.of(1L, wrongStream, 5L, tail)::get))
        .hasMessageContaining("landed in stream hot");
    RemovedEvent wrongRevision =
        new RemovedEvent(1, "own-1", 4, first.id(), RemovedEvent.Reason.RETENTION);
    assertThatThrownBy(
            () ->
                LogAudit.audit(
                    scavenged, record, List.of(), Map.of(1L, wrongRevision, 5L, tail)::get))
        .hasMessageContaining("revision 4 of own-1 where 1 was due");
  }

  private void assertFails(List<JsonNode> log, String message) {
    assertThatThrownBy(() -> LogAudit.audit(log, record, List.of()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(message);
  }

  private Append append(boolean multi, PartSpec... specs) {
    long number = record.nextNumber();
    List<Part> parts = new ArrayList<>();
    int index = 0;
    for (PartSpec spec : specs) {
      List<SentEvent> events = new ArrayList<>();
      for (int e = 0; e < spec.count(); e++, index++) {
        events.add(
            new SentEvent(
                record.eventId(number, index),
                "T",
                "{\"a\":" + number + ",\"text\":\"é€😀 " + index + "\"}"));
      }
      parts.add(new Part(spec.stream(), spec.expected(), events));
    }
    return record.enter(number, parts, multi);
  }

  private record PartSpec(String stream, String expected, int count) {}

  private static PartSpec part(String stream, String expected, int count) {
    return new PartSpec(stream, expected, count);
  }

  /** The appends' events in order, at consecutive positions and per-stream revisions. */
  private static List<JsonNode> log(Append... appends) {
    List<JsonNode> log = new ArrayList<>();
    Map<String, Long> heads = new HashMap<>();
    for (Append append : appends) {
      for (Part part : append.parts) {
        for (SentEvent sent : part.events()) {
          ObjectNode event = ServerProcess.JSON.createObjectNode();
          long revision = heads.merge(part.stream(), 0L, (old, zero) -> old + 1);
          event.put("id", sent.id().toString());
          event.put("stream", part.stream());
          event.put("type", sent.type());
          event.put("revision", revision);
          event.put("position", log.size());
          try {
            event.set("data", ServerProcess.JSON.readTree(sent.data()));
          } catch (IOException e) {
            throw new AssertionError(e);
          }
          log.add(event);
        }
      }
    }
    return log;
  }

  private static void renumber(List<JsonNode> log) {
    Map<String, Long> heads = new HashMap<>();
    for (int p = 0; p < log.size(); p++) {
      ObjectNode event = (ObjectNode) log.get(p);
      event.put("position", p);
      event.put("revision", heads.merge(event.get("stream").asText(), 0L, (old, zero) -> old + 1));
    }
  }
}
