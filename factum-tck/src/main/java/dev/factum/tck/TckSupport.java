package dev.factum.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.engine.spi.VerifyReport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of every TCK class: opens a store over a fresh fixture before each test, and after each test
 * verifies the whole stored data (every invariant the storage can check) before closing.
 */
public abstract class TckSupport {
  protected StoreFixture fixture;
  protected FactumStore store;

  /** A fresh, empty fixture of the storage under test. */
  protected abstract StoreFixture createFixture() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    fixture = createFixture();
    store = fixture.open(options());
  }

  /** Options the store is opened with; a TCK class may tighten them. */
  protected StoreOptions options() {
    return StoreOptions.DEFAULT;
  }

  @AfterEach
  void verifyAndClose() throws Exception {
    try {
      if (store != null && !store.isStopped()) {
        VerifyReport report = store.verify();
        assertThat(report.ok()).as("store verification after the test:\n%s", report).isTrue();
      }
    } finally {
      if (store != null) {
        store.close();
      }
      fixture.close();
    }
  }

  /** Closes the store and opens it again over the same data. */
  protected FactumStore reopen() {
    store.close();
    store = fixture.open(options());
    return store;
  }

  protected static EventData event(String type, String json) {
    return EventData.json(type, json);
  }

  protected static EventData event(int n) {
    return EventData.json("Happened", "{\"n\":" + n + "}");
  }

  protected static List<EventData> events(int count) {
    return IntStream.range(0, count).mapToObj(TckSupport::event).toList();
  }

  protected static EventData withId(EventData event) {
    return event.withId(UUID.randomUUID());
  }

  protected static EventData full(String type, String json, String metadata, String... tags) {
    return new EventData(
        UUID.randomUUID(),
        type,
        EventData.JSON,
        json.getBytes(StandardCharsets.UTF_8),
        metadata == null ? null : metadata.getBytes(StandardCharsets.UTF_8),
        Set.of(tags));
  }

  protected static AppendRequest request(
      String stream, ExpectedRevision expected, EventData... events) {
    return AppendRequest.of(stream, expected, events);
  }

  /** Every event of a stream, read forward in small pages. */
  protected List<RecordedEvent> readWholeStream(String stream) {
    List<RecordedEvent> all = new ArrayList<>();
    long from = 0;
    while (true) {
      ReadPage page = store.readStream(stream, from, Direction.FORWARD, 7);
      all.addAll(page.events());
      if (page.endOfRead()) {
        return all;
      }
      from = page.next();
    }
  }

  /** Every event of the global log passing the filter, read forward in small pages. */
  protected List<RecordedEvent> readWholeLog(LogFilter filter) {
    List<RecordedEvent> all = new ArrayList<>();
    long from = 0;
    while (true) {
      ReadPage page = store.readAll(from, Direction.FORWARD, 5, filter);
      all.addAll(page.events());
      if (page.endOfRead()) {
        return all;
      }
      from = page.next();
    }
  }

  protected static List<Long> positions(List<RecordedEvent> events) {
    return events.stream().map(RecordedEvent::position).toList();
  }

  protected static List<Long> revisions(List<RecordedEvent> events) {
    return events.stream().map(RecordedEvent::revision).toList();
  }
}
