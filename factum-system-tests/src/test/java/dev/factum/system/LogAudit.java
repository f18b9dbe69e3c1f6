package dev.factum.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.engine.spi.RemovedEvent;
import dev.factum.system.ReferenceRecord.Append;
import dev.factum.system.ReferenceRecord.Outcome;
import dev.factum.system.ReferenceRecord.Part;
import dev.factum.system.ReferenceRecord.SentEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Audits the whole global log of a restarted server against the {@link ReferenceRecord}: the
 * promises of the kill -9 test, checked after every restart.
 *
 * <ul>
 *   <li>positions are dense from 0 and strictly increasing, in the order the log is read, but where
 *       the storage reports a removal ({@link Removals}: scavenging keeps a stub at every removed
 *       position, which the log's reads skip): a removed event counts as present, with its id,
 *       stream and revision, and every other promise holds for it but its data's; a gap the storage
 *       does not report removed is a missing event;
 *   <li>every event present was sent: its id leads to an append of the record, and its stream, type
 *       and data (as JSON, so byte-for-byte up to JSON's own equivalences) are those sent;
 *   <li>every stream's revisions are gapless from 0 in log order;
 *   <li>an append present is present whole: all of its events, at consecutive positions in the
 *       order sent, each part at consecutive revisions, an exact expected revision honoured;
 *   <li>every acknowledged append is present at exactly the revisions and positions acknowledged; a
 *       rejected append is absent; an unknown one may be either (and is counted);
 *   <li>the log read after an earlier restart is an unchanged prefix of this one.
 * </ul>
 *
 * Failures are {@link AssertionError}s naming the position or append at fault.
 */
final class LogAudit {
  /** What one audit found. */
  record Result(
      List<UUID> log,
      Map<String, Long> heads,
      long acknowledged,
      long multiStreamAcknowledged,
      long unknownPresent,
      long unknownAbsent,
      long rejected) {}

  private LogAudit() {}

  static Result audit(ServerProcess server, ReferenceRecord record, List<UUID> previousLog)
      throws Exception {
    return audit(server.readPages("/all?from=0&limit=1000"), record, previousLog);
  }

  /**
   * What the storage reports at a position the log skipped: the removal it keeps there (RocksDB's
   * removal stub), or null when it reports none, which makes the gap a missing event.
   */
  @FunctionalInterface
  interface Removals {
    /** A store that was never scavenged: every gap is a missing event. */
    Removals NONE = position -> null;

    RemovedEvent at(long position);
  }

  /** Audits {@code events}, the global log as read in order, of a store never scavenged. */
  static Result audit(List<JsonNode> events, ReferenceRecord record, List<UUID> previousLog)
      throws IOException {
    return audit(events, record, previousLog, Removals.NONE);
  }

  /**
   * Audits {@code events}, the global log as read in order (which skips removed positions); a
   * position the read skipped is accepted only where {@code removals} reports a removal, and the
   * removed event then counts as present (its id, stream and revision, its data being gone).
   */
  static Result audit(
      List<JsonNode> events, ReferenceRecord record, List<UUID> previousLog, Removals removals)
      throws IOException {
    Audit audit = new Audit(record);
    for (JsonNode event : events) {
      long position = event.get("position").asLong();
      audit.removedUpTo(position, removals);
      audit.present(
          position,
          UUID.fromString(event.get("id").asText()),
          event.get("stream").asText(),
          event.get("revision").asLong(),
          event);
    }
    audit.removedUpTo(Long.MAX_VALUE, removals); // a removed tail: positions after the last event
    List<UUID> log = audit.log;
    Map<String, Long> heads = audit.heads;
    Map<Append, List<long[]>> found = audit.found;
    check(
        log.size() >= previousLog.size() && log.subList(0, previousLog.size()).equals(previousLog),
        "the log read after the previous restart (%d events) is no longer a prefix of this one",
        previousLog.size());
    long acknowledged = 0;
    long multiStream = 0;
    long unknownPresent = 0;
    long unknownAbsent = 0;
    long rejected = 0;
    for (Append append : record.appends()) {
      List<long[]> present = found.get(append);
      switch (append.outcome()) {
        case ACKNOWLEDGED -> {
          check(present != null, "acknowledged %s is missing", append);
          acknowledged++;
          multiStream += append.multiStream ? 1 : 0;
        }
        case REJECTED -> {
          check(present == null, "rejected %s is present", append);
          rejected++;
        }
        case UNKNOWN -> {
          if (present == null) {
            unknownAbsent++;
          } else {
            unknownPresent++;
          }
        }
        case IN_FLIGHT -> throw new AssertionError("audit while " + append + " is in flight");
      }
      if (present != null) {
        checkWhole(append, present);
      }
    }
    return new Result(
        log, heads, acknowledged, multiStream, unknownPresent, unknownAbsent, rejected);
  }

  /** The walk over the log's positions: what is present (or removed), in position order. */
  private static final class Audit {
    private final ReferenceRecord record;
    final List<UUID> log = new ArrayList<>();
    final Map<String, Long> heads = new HashMap<>();
    final Map<Append, List<long[]>> found = new HashMap<>(); // {index, position, revision}

    Audit(ReferenceRecord record) {
      this.record = record;
    }

    /** Takes the removed positions before {@code end}; each gap must be a reported removal. */
    void removedUpTo(long end, Removals removals) throws IOException {
      while (log.size() < end) {
        long position = log.size();
        RemovedEvent removed = removals.at(position);
        if (removed == null) {
          check(
              end == Long.MAX_VALUE,
              "position %d where %d was due (and the storage reports no removal at %d)",
              end,
              position,
              position);
          return;
        }
        present(position, removed.id(), removed.stream(), removed.revision(), null);
      }
    }

    /** The event at {@code position}; {@code event} is null for a removed one (data gone). */
    void present(long position, UUID id, String stream, long revision, JsonNode event)
        throws IOException {
      check(position == log.size(), "position %d where %d was due", position, log.size());
      Append append = record.appendOf(id);
      check(append != null, "position %d holds event %s, which was never sent", position, id);
      int index = ReferenceRecord.indexOf(id);
      List<SentEvent> sent = ReferenceRecord.allEvents(append);
      check(index < sent.size(), "position %d: event %s is not in %s", position, id, append);
      Part part = partOf(append, index);
      check(
          stream.equals(part.stream())
              && (event == null || event.get("type").asText().equals(sent.get(index).type())),
          "position %d: %s of %s landed in stream %s",
          position,
          id,
          append,
          stream);
      if (event != null) {
        check(
            event.get("data").equals(ServerProcess.JSON.readTree(sent.get(index).data())),
            "position %d: data %s differs from what was sent: %s",
            position,
            event.get("data"),
            sent.get(index).data());
      }
      long due = heads.getOrDefault(stream, -1L) + 1;
      check(
          revision == due,
          "position %d: revision %d of %s where %d was due",
          position,
          revision,
          stream,
          due);
      heads.put(stream, revision);
      found
          .computeIfAbsent(append, a -> new ArrayList<>())
          .add(new long[] {index, position, revision});
      log.add(id);
    }
  }

  /** All events present, in order, consecutive; each part where it was promised to be. */
  private static void checkWhole(Append append, List<long[]> events) {
    check(
        events.size() == append.eventCount(),
        "%s is partly present: %d of %d events",
        append,
        events.size(),
        append.eventCount());
    events.sort((a, b) -> Long.compare(a[0], b[0]));
    long firstPosition = events.getFirst()[1];
    for (int i = 0; i < events.size(); i++) {
      check(events.get(i)[0] == i, "%s has event %d twice", append, events.get(i)[0]);
      check(
          events.get(i)[1] == firstPosition + i,
          "%s is not at consecutive positions: event %d at %d",
          append,
          i,
          events.get(i)[1]);
    }
    int index = 0;
    for (int p = 0; p < append.parts.size(); p++) {
      Part part = append.parts.get(p);
      long firstRevision = events.get(index)[2];
      for (int e = 0; e < part.events().size(); e++) {
        check(
            events.get(index + e)[2] == firstRevision + e,
            "%s: part %s is not at consecutive revisions",
            append,
            part.stream());
      }
      if (part.exact()) {
        check(
            firstRevision == part.requiredFirstRevision(),
            "%s: part %s expected %s but landed at revision %d",
            append,
            part.stream(),
            part.expected(),
            firstRevision);
      }
      if (append.outcome() == Outcome.ACKNOWLEDGED) {
        ReferenceRecord.Ack ack = append.acks().get(p);
        check(
            ack.firstRevision() == firstRevision && ack.firstPosition() == events.get(index)[1],
            "%s: part %s acknowledged at revision %d position %d, found at %d, %d",
            append,
            part.stream(),
            ack.firstRevision(),
            ack.firstPosition(),
            firstRevision,
            events.get(index)[1]);
      }
      index += part.events().size();
    }
  }

  private static Part partOf(Append append, int index) {
    for (Part part : append.parts) {
      if (index < part.events().size()) {
        return part;
      }
      index -= part.events().size();
    }
    throw new AssertionError("no event " + index + " in " + append);
  }

  private static void check(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new AssertionError(String.format(format, args));
    }
  }
}
