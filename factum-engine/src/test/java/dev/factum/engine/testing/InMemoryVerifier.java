package dev.factum.engine.testing;

import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletion;
import dev.factum.api.StreamState;
import dev.factum.api.SystemStreams;
import dev.factum.engine.spi.RemovedEvent;
import dev.factum.engine.spi.StreamHead;
import dev.factum.engine.spi.VerifyReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;

/**
 * Checks every invariant of an {@link InMemoryStorage}'s data, the same ones a disk storage's
 * verifier checks: each log entry carries its own position; each stream's revisions are 0..k in
 * position order; every event has exactly its stream-index, event-id and filter-index entries and
 * no entry points elsewhere; every head agrees with its stream's events; every {@code $deletions}
 * event is well formed, records the delete point its stream had then (nothing follows a tombstone)
 * and is held by the stream's head. Reports every problem instead of stopping at the first. The
 * caller holds the data's read lock.
 */
final class InMemoryVerifier {
  private final InMemoryStorage.Data data;
  private final List<String> problems = new ArrayList<>();
  private final Map<String, StreamDeletion> deletions = new HashMap<>();

  private record Seen(long lastRevision, long lastPosition) {}

  InMemoryVerifier(InMemoryStorage.Data data) {
    this.data = data;
  }

  VerifyReport run() {
    Map<String, Seen> streams = new HashMap<>();
    long filterEntries = 0;
    Map<String, Long> removedBelow = new HashMap<>();
    for (int i = 0; i < data.log.size(); i++) {
      RecordedEvent event = data.log.get(i);
      if (event == null) {
        checkRemoved(i, streams, removedBelow);
        continue;
      }
      if (event.position() != i) {
        problem("the log holds position " + event.position() + " at " + i);
      }
      Seen seen = streams.get(event.stream());
      long due = seen == null ? 0 : seen.lastRevision() + 1;
      if (event.revision() != due) {
        problem(
            event.stream() + " has revision " + event.revision() + " where " + due + " was due");
      }
      if (event.stream().equals(StreamDeletion.STREAM)) {
        checkDeletion(event, streams);
      } else if (event.stream().startsWith("$")
          && !SystemStreams.APPENDABLE.contains(event.stream())) {
        problem("position " + i + " is in the reserved stream " + event.stream());
      } else if (deletions.containsKey(event.stream())
          && deletions.get(event.stream()).tombstone()) {
        problem(event.stream() + " has an event after its tombstone at " + i);
      }
      streams.put(event.stream(), new Seen(event.revision(), i));
      checkIndexes(event);
      filterEntries += 2 + event.tags().size();
    }
    long streamEntries =
        data.streamIndex.values().stream()
            .flatMap(List::stream)
            .filter(position -> position >= 0)
            .count();
    long kept = (long) data.log.size() - data.removed.size();
    long filterCount =
        data.filterIndex.values().stream()
            .flatMap(m -> m.values().stream())
            .mapToLong(NavigableSet::size)
            .sum();
    count("stream index", streamEntries, kept);
    count("event-id index", data.eventIds.size(), data.log.size());
    count("filter index", filterCount, filterEntries);
    checkHeads(streams);
    for (Map.Entry<String, Long> entry : removedBelow.entrySet()) {
      StreamHead head = data.heads.get(entry.getKey());
      if (head == null || head.firstVisibleRevision() <= entry.getValue()) {
        problem(
            entry.getKey()
                + " has a removed event at revision "
                + entry.getValue()
                + ", which is still visible (head "
                + head
                + ")");
      }
    }
    return new VerifyReport(
        data.log.size(),
        data.heads.size(),
        streamEntries + data.eventIds.size() + filterCount,
        problems.size(),
        problems);
  }

  /**
   * A removed position: its stub must name the position, continue its stream's revisions, keep its
   * event-id entry and have no stream-index entry; its revision must lie below the stream's first
   * visible revision (checked against the heads once every position is seen).
   */
  private void checkRemoved(int i, Map<String, Seen> streams, Map<String, Long> removedBelow) {
    RemovedEvent stub = data.removed.get((long) i);
    if (stub == null || stub.position() != i) {
      problem("the log has no event and no removal at position " + i);
      return;
    }
    Seen seen = streams.get(stub.stream());
    long due = seen == null ? 0 : seen.lastRevision() + 1;
    if (stub.revision() != due) {
      problem(
          stub.stream()
              + " has removed revision "
              + stub.revision()
              + " where "
              + due
              + " was due");
    }
    List<Long> revisions = data.streamIndex.getOrDefault(stub.stream(), List.of());
    if (stub.revision() >= revisions.size() || revisions.get((int) stub.revision()) != -1L) {
      problem(
          "stream index entry " + stub.stream() + "@" + stub.revision() + " outlives its removal");
    }
    Long byId = data.eventIds.get(stub.id());
    if (byId == null || byId != i) {
      problem("event-id index entry of removed " + stub.id() + " is missing or wrong");
    }
    streams.put(stub.stream(), new Seen(stub.revision(), i));
    removedBelow.merge(stub.stream(), stub.revision(), Math::max);
  }

  private void checkDeletion(RecordedEvent event, Map<String, Seen> streams) {
    Optional<StreamDeletion> parsed = event.deletion();
    if (parsed.isEmpty() || event.metadata() != null || !event.tags().isEmpty()) {
      problem("position " + event.position() + " in " + StreamDeletion.STREAM + " is no deletion");
      return;
    }
    StreamDeletion deletion = parsed.get();
    Seen target = streams.get(deletion.stream());
    long due = target == null ? 0 : target.lastRevision() + 1;
    StreamDeletion before = deletions.get(deletion.stream());
    if (deletion.truncateBefore() != due || (before != null && before.tombstone())) {
      problem(
          "the deletion at "
              + event.position()
              + " truncates "
              + deletion.stream()
              + " before "
              + deletion.truncateBefore()
              + " where "
              + due
              + " was due, or follows a tombstone");
    }
    deletions.put(deletion.stream(), deletion);
  }

  private void checkIndexes(RecordedEvent event) {
    List<Long> revisions = data.streamIndex.getOrDefault(event.stream(), List.of());
    if (event.revision() >= revisions.size()
        || revisions.get((int) event.revision()) != event.position()) {
      problem("stream index entry " + event.stream() + "@" + event.revision() + " is wrong");
    }
    Long byId = data.eventIds.get(event.id());
    if (byId == null || byId != event.position()) {
      problem("event-id index entry of " + event.id() + " is missing or wrong");
    }
    checkFilter(LogFilter.Kind.CATEGORY, event.category(), event);
    checkFilter(LogFilter.Kind.TYPE, event.type(), event);
    for (String tag : event.tags()) {
      checkFilter(LogFilter.Kind.TAG, tag, event);
    }
  }

  private void checkFilter(LogFilter.Kind kind, String value, RecordedEvent event) {
    NavigableSet<Long> entries = data.filterIndex.getOrDefault(kind, Map.of()).get(value);
    if (entries == null || !entries.contains(event.position())) {
      problem("filter index " + kind + ":" + value + " misses position " + event.position());
    }
  }

  /** Every event has its entries (checked above): equal counts mean none points elsewhere. */
  private void count(String index, long count, long due) {
    if (count != due) {
      problem("the " + index + " has " + count + " entries where " + due + " were due");
    }
  }

  private void checkHeads(Map<String, Seen> streams) {
    Map<String, Seen> withoutHead = new HashMap<>(streams);
    for (Map.Entry<String, StreamHead> entry : data.heads.entrySet()) {
      String stream = entry.getKey();
      StreamHead head = entry.getValue();
      StreamDeletion deletion = deletions.get(stream);
      if (deletion != null
          && (head.firstVisibleRevision() < deletion.truncateBefore()
              || (deletion.tombstone() && head.status() != StreamState.Status.TOMBSTONED))) {
        problem("head of " + stream + " (" + head + ") does not hold its deletion " + deletion);
      }
      Seen seen = withoutHead.remove(stream);
      if (seen == null) {
        if (head.status() != StreamState.Status.TOMBSTONED
            || head.lastRevision() != StreamState.NO_REVISION) {
          problem(stream + " has a head but no events");
        }
      } else if (seen.lastRevision() != head.lastRevision()
          || seen.lastPosition() != head.lastPosition()) {
        problem("head of " + stream + " (" + head + ") disagrees with its last event " + seen);
      }
    }
    for (String stream : withoutHead.keySet()) {
      problem(stream + " has events but no head");
    }
    for (String stream : deletions.keySet()) {
      if (!data.heads.containsKey(stream)) {
        problem(stream + " was deleted but has no head");
      }
    }
  }

  private void problem(String description) {
    problems.add(description);
  }
}
