package dev.factum.tck;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.api.ExpectedRevision.exact;
import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.FactumException;
import dev.factum.api.IdempotencyConflictException;
import dev.factum.api.ImportResult;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamDeletion;
import dev.factum.api.StreamState;
import dev.factum.api.WrongExpectedRevisionException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code importEvents}: a faithful copy of a store. Exporting the whole log of a store that holds
 * every kind of stream state and importing it into a fresh store gives the same log (ids, streams,
 * revisions, positions, timestamps, content), the same stream heads and the same stream reads.
 */
public abstract class ImportTck extends TckSupport {

  /** Every kind of stream state, in one store. */
  private void writeEveryKindOfState() {
    store.append("live-1", noStream(), events(3));
    store.append(
        "meta-1",
        noStream(),
        List.of(full("Tagged", "{\"a\":1}", "{\"by\":\"me\"}", "t1", "t2"), binary()));
    store.appendAll(
        List.of(
            AppendRequest.of("multi-1", noStream(), event(1)),
            AppendRequest.of("multi-2", noStream(), event(2), event(3))));
    store.append("soft-1", noStream(), events(2));
    store.delete("soft-1", exact(1));
    store.append("recreated-1", noStream(), events(2));
    store.delete("recreated-1", any());
    store.append("recreated-1", noStream(), events(2));
    store.append("tomb-1", noStream(), events(1));
    store.tombstone("tomb-1", exact(0));
    store.append("softtomb-1", noStream(), events(1));
    store.delete("softtomb-1", any());
    store.tombstone("softtomb-1", any());
    store.tombstone("reserved-1", noStream());
    store.append("live-1", exact(2), events(1));
  }

  private static EventData binary() {
    return new EventData(
        UUID.randomUUID(),
        "Blob",
        EventData.BINARY,
        new byte[] {0, 1, (byte) 0xff},
        null,
        Set.of());
  }

  private static final List<String> STREAMS =
      List.of(
          "live-1",
          "meta-1",
          "multi-1",
          "multi-2",
          "soft-1",
          "recreated-1",
          "tomb-1",
          "softtomb-1",
          "reserved-1",
          "ghost-1",
          StreamDeletion.STREAM);

  /** The whole observable state: the log, and per stream its state and what a read returns. */
  private Map<String, Object> wholeState() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("head", store.headPosition());
    state.put("log", describeFully(readWholeLog(LogFilter.none())));
    for (String stream : STREAMS) {
      state.put(stream + " state", store.streamState(stream));
      Object read;
      try {
        read = describeFully(readWholeStream(stream));
      } catch (FactumException refused) {
        read = refused.code();
      }
      state.put(stream + " read", read);
    }
    state.put("category multi", positions(readWholeLog(LogFilter.categories("multi"))));
    state.put("category soft", positions(readWholeLog(LogFilter.categories("soft"))));
    state.put("tag t2", positions(readWholeLog(LogFilter.tags("t2"))));
    return state;
  }

  /** Everything an event holds, arrays included, so two logs compare field by field. */
  private static List<String> describeFully(List<RecordedEvent> events) {
    List<String> out = new ArrayList<>();
    for (RecordedEvent e : events) {
      out.add(
          String.join(
              "|",
              e.id().toString(),
              e.stream(),
              Long.toString(e.revision()),
              Long.toString(e.position()),
              e.timestamp().toString(),
              e.type(),
              e.contentType(),
              HexFormat.of().formatHex(e.data()),
              e.metadata() == null ? "-" : new String(e.metadata(), StandardCharsets.UTF_8),
              new TreeSet<>(e.tags()).toString()));
    }
    return out;
  }

  /** Closes the store and its data, and opens an empty one of the same storage. */
  private void freshStore() throws Exception {
    store.close();
    fixture.close();
    fixture = createFixture();
    store = fixture.open(options());
  }

  @Test
  void anExportImportedIntoAFreshStoreIsTheSameStore() throws Exception {
    writeEveryKindOfState();
    Map<String, Object> source = wholeState();
    List<RecordedEvent> exported = readWholeLog(LogFilter.none());
    assertThat(exported.stream().filter(e -> e.deletion().isPresent())).hasSize(6);
    freshStore();
    // In pieces, as factum import sends them.
    for (int from = 0; from < exported.size(); from += 4) {
      store.importEvents(exported.subList(from, Math.min(exported.size(), from + 4)));
    }
    assertThat(wholeState()).isEqualTo(source);
    reopen();
    assertThat(wholeState()).isEqualTo(source);
    // The copy behaves like the original: numbering continues, tombstones hold.
    assertThat(store.append("recreated-1", exact(3), events(1)).firstRevision()).isEqualTo(4);
    assertThat(store.append("soft-1", noStream(), events(1)).firstRevision()).isEqualTo(2);
    assertThatThrownBy(() -> store.append("tomb-1", any(), events(1)))
        .isInstanceOf(StreamDeletedException.class);
  }

  @Test
  void aRepeatedImportIsAnExactRetryAndAPartialOneIsRefused() throws Exception {
    writeEveryKindOfState();
    List<RecordedEvent> exported = readWholeLog(LogFilter.none());
    freshStore();
    ImportResult first = store.importEvents(exported.subList(0, 10));
    assertThat(first).isEqualTo(new ImportResult(10, 0, 9));
    assertThat(store.importEvents(exported.subList(0, 10))).isEqualTo(first);
    assertThatThrownBy(() -> store.importEvents(exported.subList(5, 15)))
        .isInstanceOf(IdempotencyConflictException.class);
    assertThat(store.headPosition()).isEqualTo(9);
  }

  @Test
  void importedTimestampsAreKeptAndNeverGoBackwards() {
    Instant t0 = Instant.parse("2020-01-01T00:00:00.000001Z");
    store.importEvents(List.of(imported("a-1", 0, t0), imported("a-1", 1, t0.plusSeconds(1))));
    assertThat(readWholeStream("a-1"))
        .extracting(RecordedEvent::timestamp)
        .containsExactly(t0, t0.plusSeconds(1));
    long head = store.headPosition();
    assertThatThrownBy(() -> store.importEvents(List.of(imported("b-1", 0, t0))))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("older than");
    assertThatThrownBy(
            () ->
                store.importEvents(
                    List.of(
                        imported("b-1", 0, t0.plusSeconds(5)),
                        imported("b-1", 1, t0.plusSeconds(2)))))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () -> store.importEvents(List.of(imported("b-1", 0, t0.plusSeconds(5).plusNanos(1)))))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("microseconds");
    // An ordinary append after the import is stamped now, never before the imported events.
    store.append("c-1", noStream(), events(1));
    assertThat(readWholeStream("c-1").getFirst().timestamp()).isAfter(t0.plusSeconds(1));
    assertThat(store.headPosition()).isEqualTo(head + 1);
  }

  @Test
  void importedEventsLandAtExactlyTheirRevisionAndDeletionsAtTheirPoint() {
    Instant t = Instant.parse("2021-06-01T12:00:00Z");
    assertThatThrownBy(() -> store.importEvents(List.of(imported("a-1", 1, t))))
        .isInstanceOf(WrongExpectedRevisionException.class);
    store.importEvents(List.of(imported("a-1", 0, t)));
    assertThatThrownBy(() -> store.importEvents(List.of(deletion("a-1", 0, 0, false, t))))
        .isInstanceOf(WrongExpectedRevisionException.class);
    assertThatThrownBy(() -> store.importEvents(List.of(deletion("a-1", 1, 1, false, t))))
        .as("the first deletion of the store is revision 0 of " + StreamDeletion.STREAM)
        .isInstanceOf(WrongExpectedRevisionException.class);
    store.importEvents(List.of(deletion("a-1", 1, 0, false, t), imported("a-1", 1, t)));
    assertThat(store.streamState("a-1"))
        .isEqualTo(new StreamState("a-1", StreamState.Status.ACTIVE, 1));
    assertThat(revisions(readWholeStream("a-1"))).containsExactly(1L);
    store.importEvents(List.of(deletion("a-1", 2, 1, true, t)));
    assertThatThrownBy(() -> store.importEvents(List.of(imported("a-1", 2, t))))
        .isInstanceOf(StreamDeletedException.class);
    RecordedEvent forged =
        new RecordedEvent(
            UUID.randomUUID(),
            StreamDeletion.STREAM,
            2,
            -1,
            t,
            "Other",
            EventData.JSON,
            "{}".getBytes(StandardCharsets.UTF_8),
            null,
            Set.of());
    assertThatThrownBy(() -> store.importEvents(List.of(forged)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(store.headPosition()).isEqualTo(3);
  }

  private static RecordedEvent imported(String stream, long revision, Instant timestamp) {
    return new RecordedEvent(
        UUID.randomUUID(),
        stream,
        revision,
        -1,
        timestamp,
        "Imported",
        EventData.JSON,
        "{\"r\":1}".getBytes(StandardCharsets.UTF_8),
        null,
        Set.of());
  }

  private static RecordedEvent deletion(
      String stream, long truncateBefore, long revision, boolean tombstone, Instant timestamp) {
    StreamDeletion deletion = new StreamDeletion(stream, truncateBefore, tombstone);
    return new RecordedEvent(
        UUID.randomUUID(),
        StreamDeletion.STREAM,
        revision,
        -1,
        timestamp,
        deletion.type(),
        EventData.JSON,
        deletion.json(),
        null,
        Set.of());
  }
}
