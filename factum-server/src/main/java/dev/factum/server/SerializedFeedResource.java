package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.factum.api.Direction;
import dev.factum.api.EventStore;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.spi.StreamHead;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Serialized's feeds under {@code /serialized/feeds}: the list with counts, a feed read (one
 * aggregate type, or {@code _all}) since a sequence number, and {@code HEAD} with {@code
 * Serialized-SequenceNumber-Current}.
 *
 * <p>What must stay true: an entry is one whole batch (never cut across pages), entries come in log
 * order, and {@code since} is exclusive ({@link SerializedMapping}). When a page has no entries its
 * {@code currentSequenceNumber} is the point it scanned to, so a client that jumps there (as the
 * official one does) skips nothing it would have received; when it has entries, the last entry's
 * number. A read scans at most {@link #SCAN_BUDGET} native events past its last whole batch, so a
 * page over a long stretch of other events may be empty with {@code hasMore}. Events of deleted
 * aggregates (revisions below the stream's first visible one) are left out, like the aggregate.
 * Every entry is in exactly one partition: the aggregate's ({@link SerializedMapping#partition}).
 */
final class SerializedFeedResource implements Resource {
  static final String CURRENT = "Serialized-SequenceNumber-Current";
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1_000;
  private static final int SCAN_BUDGET = 10_000;
  private static final int READ_PAGE = 1_000;
  private static final long MAX_WAIT_MS = 60_000;

  private final Lifecycle lifecycle;

  SerializedFeedResource(Lifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(Route.SERIALIZED_FEEDS, Route.SERIALIZED_FEED, Route.SERIALIZED_FEED_HEAD);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException, InterruptedException {
    return switch (match.route()) {
      case SERIALIZED_FEEDS -> list(request);
      case SERIALIZED_FEED -> read(request);
      case SERIALIZED_FEED_HEAD -> head(request);
      default -> throw new IllegalArgumentException(match.route().name());
    };
  }

  /** What one feed read selects. */
  record Selection(
      LogFilter filter, int partitionCount, int partition, long fromMillis, long toMillis) {
    boolean selects(UUID aggregate, RecordedEvent first) {
      long at = first.timestamp().toEpochMilli();
      return (partitionCount == 0
              || SerializedMapping.partition(aggregate, partitionCount) == partition)
          && at >= fromMillis
          && at < toMillis;
    }
  }

  /** A whole batch as a feed entry. */
  record Entry(
      UUID aggregateId,
      String type,
      List<RecordedEvent> events,
      List<SerializedMapping.Batch> batches) {
    long sequenceNumber() {
      return SerializedMapping.sequenceNumber(events.getLast().position());
    }
  }

  /** A page: its entries, the point scanned to, and whether the log goes on. */
  record Page(List<Entry> entries, long scannedTo, boolean hasMore) {}

  private static String feedName(Request request) {
    String name = request.segments.get(2);
    return name.equals(SerializedMapping.ALL) ? name : SerializedMapping.aggregateType(name);
  }

  private int read(Request request) throws IOException, InterruptedException {
    String feed = feedName(request);
    long since = request.longParam("since", 0, 0, Long.MAX_VALUE - 1);
    int limit = (int) request.longParam("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    long waitMs = request.longParam("waitTime", 0, 0, MAX_WAIT_MS);
    Selection selection = selection(request, feed);
    AuthorizedStore store = request.store();
    Page page = scan(store, since, limit, selection);
    long deadline = System.nanoTime() + Duration.ofMillis(waitMs).toNanos();
    while (page.entries().isEmpty() && !page.hasMore() && !lifecycle.shuttingDown()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      if (store.awaitHeadBeyond(
          page.scannedTo() - 1, Duration.ofNanos(Math.min(left, 1_000_000_000L)))) {
        page = scan(store, page.scannedTo(), limit, selection);
      }
    }
    Page result = page;
    long current =
        result.entries().isEmpty()
            ? result.scannedTo()
            : result.entries().getLast().sequenceNumber();
    return Responses.json(
        request.exchange,
        200,
        json -> {
          json.writeArrayFieldStart("entries");
          for (Entry entry : result.entries()) {
            writeEntry(json, entry);
          }
          json.writeEndArray();
          json.writeBooleanField("hasMore", result.hasMore());
          json.writeNumberField("currentSequenceNumber", current);
        });
  }

  private static Selection selection(Request request, String feed) {
    List<String> types = request.params("filterType");
    LogFilter filter;
    if (!feed.equals(SerializedMapping.ALL)) {
      if (!types.isEmpty()) {
        throw HttpProblem.badRequest("'filterType' applies to the _all feed only");
      }
      filter = LogFilter.categories(feed);
    } else if (types.isEmpty()) {
      filter = LogFilter.none();
    } else {
      filter =
          LogFilter.categories(
              types.stream().map(SerializedMapping::aggregateType).toArray(String[]::new));
    }
    boolean partitioned = request.param("partitionCount") != null;
    if (partitioned != (request.param("partitionNumber") != null)) {
      throw HttpProblem.badRequest("'partitionCount' and 'partitionNumber' go together");
    }
    int count = (int) request.longParam("partitionCount", 0, 1, 1_000_000);
    int number = (int) request.longParam("partitionNumber", 0, 0, Math.max(0, count - 1));
    long from = day(request, "from", Long.MIN_VALUE);
    long to = day(request, "to", Long.MAX_VALUE);
    return new Selection(filter, count, number, from, to);
  }

  /** {@code from}/{@code to}: a UTC day {@code YYYY-MM-DD} (from inclusive, to exclusive). */
  private static long day(Request request, String name, long fallback) {
    String value = request.param(name);
    if (value == null) {
      return fallback;
    }
    try {
      return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw HttpProblem.badRequest("'" + name + "' must be a date YYYY-MM-DD, was '" + value + "'");
    }
  }

  /** Reads whole batches from {@code since} until {@code limit} entries or the scan budget. */
  static Page scan(AuthorizedStore store, long since, int limit, Selection selection) {
    List<Entry> entries = new ArrayList<>();
    Map<String, Long> firstVisible = new HashMap<>();
    List<RecordedEvent> open = null;
    List<SerializedMapping.Batch> openBatches = null; // each event's, read once per event
    SerializedMapping.Batch openBatch = null;
    long boundary = since;
    long scanned = 0;
    long from = since;
    while (true) {
      ReadPage page = store.readAll(from, Direction.FORWARD, READ_PAGE, selection.filter());
      for (RecordedEvent event : page.events()) {
        SerializedMapping.Batch batch = SerializedMapping.batch(event);
        if (batch == null) {
          if (open == null) {
            boundary = event.position() + 1;
          }
          continue;
        }
        if (batch.index() == 0) {
          open = new ArrayList<>(batch.size());
          openBatches = new ArrayList<>(batch.size());
          openBatch = batch;
        } else if (open == null
            || openBatch.version() != batch.version()
            || !open.getLast().stream().equals(event.stream())) {
          boundary = event.position() + 1; // the rest of a batch that began before since
          continue;
        }
        open.add(event);
        openBatches.add(batch);
        if (open.size() < openBatch.size()) {
          continue;
        }
        RecordedEvent first = open.getFirst();
        UUID aggregate = SerializedMapping.aggregateIdOf(first);
        long visibleFrom =
            firstVisible.computeIfAbsent(
                first.stream(), s -> headOf(store, s).firstVisibleRevision());
        if (first.revision() >= visibleFrom && selection.selects(aggregate, first)) {
          if (entries.size() == limit) {
            return new Page(entries, boundary, true);
          }
          entries.add(
              new Entry(aggregate, first.category(), List.copyOf(open), List.copyOf(openBatches)));
        }
        boundary = event.position() + 1;
        open = null;
        if (scanned > SCAN_BUDGET) {
          return new Page(entries, boundary, true);
        }
      }
      scanned += page.events().size();
      if (page.endOfRead()) {
        if (open == null) {
          boundary = Math.max(boundary, page.next());
        }
        return new Page(entries, boundary, false);
      }
      from = page.next();
      if (open == null) {
        boundary = Math.max(boundary, from);
        if (scanned > SCAN_BUDGET) {
          return new Page(entries, boundary, true);
        }
      }
    }
  }

  private static StreamHead headOf(AuthorizedStore store, String stream) {
    return store.streamHead(stream);
  }

  private static void writeEntry(JsonGenerator json, Entry entry) throws IOException {
    json.writeStartObject();
    json.writeNumberField("sequenceNumber", entry.sequenceNumber());
    json.writeStringField("aggregateId", entry.aggregateId().toString());
    json.writeStringField("feedName", entry.type());
    json.writeNumberField("timestamp", entry.events().getFirst().timestamp().toEpochMilli());
    json.writeArrayFieldStart("events");
    for (int i = 0; i < entry.events().size(); i++) {
      SerializedJson.writeEvent(json, entry.events().get(i), entry.batches().get(i));
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  /**
   * {@code HEAD}: the feed's current sequence number, the number after which nothing of it is yet
   * written: for {@code _all} the log's head, for a type that of its newest event.
   */
  private static int head(Request request) throws IOException {
    String feed = feedName(request);
    AuthorizedStore store = request.store();
    long current;
    if (feed.equals(SerializedMapping.ALL)) {
      current = SerializedMapping.sequenceNumber(store.headPosition());
    } else {
      ReadPage last =
          store.readAll(EventStore.END, Direction.BACKWARD, 1, LogFilter.categories(feed));
      current =
          last.isEmpty()
              ? 0
              : SerializedMapping.sequenceNumber(last.events().getFirst().position());
    }
    request.exchange.getResponseHeaders().set(CURRENT, Long.toString(current));
    request.exchange.getResponseHeaders().set("Cache-Control", "no-store");
    request.exchange.sendResponseHeaders(200, -1);
    return 200;
  }

  /**
   * {@code GET /serialized/feeds}: every aggregate type with its aggregate, batch, event counts.
   */
  private static int list(Request request) throws IOException {
    AuthorizedStore store = request.store();
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, Set<UUID>> aggregates = new HashMap<>();
    Map<String, Long> firstVisible = new HashMap<>();
    long from = 0;
    while (true) {
      ReadPage page = store.readAll(from, Direction.FORWARD, READ_PAGE, LogFilter.none());
      for (RecordedEvent event : page.events()) {
        SerializedMapping.Batch batch = SerializedMapping.batch(event);
        if (batch == null
            || event.revision()
                < firstVisible.computeIfAbsent(
                    event.stream(), s -> headOf(store, s).firstVisibleRevision())) {
          continue;
        }
        String type = event.category();
        long[] count = counts.computeIfAbsent(type, t -> new long[2]);
        count[1]++;
        if (batch.index() == 0) {
          count[0]++;
        }
        aggregates
            .computeIfAbsent(type, t -> new HashSet<>())
            .add(SerializedMapping.aggregateIdOf(event));
      }
      if (page.endOfRead()) {
        break;
      }
      from = page.next();
    }
    return Responses.json(
        request.exchange,
        200,
        json -> {
          json.writeArrayFieldStart("feeds");
          for (Map.Entry<String, long[]> feed : counts.entrySet()) {
            json.writeStartObject();
            json.writeStringField("aggregateType", feed.getKey());
            json.writeNumberField("aggregateCount", aggregates.get(feed.getKey()).size());
            json.writeNumberField("batchCount", feed.getValue()[0]);
            json.writeNumberField("eventCount", feed.getValue()[1]);
            json.writeEndObject();
          }
          json.writeEndArray();
        });
  }
}
