package dev.factum.system;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The test's own record of every append it sent to a server that may be killed at any moment, and
 * of what it was told: the reference a recovered log is audited against ({@link LogAudit}).
 *
 * <p>Design note: an append is entered <em>before</em> its request is sent and starts {@link
 * Outcome#IN_FLIGHT}; the reply makes it {@link Outcome#ACKNOWLEDGED} (with the revisions and
 * positions the server promised), {@link Outcome#REJECTED} (a conflict or overload: nothing may be
 * written) or {@link Outcome#UNKNOWN} (the connection died, or a 5xx that promises nothing); after
 * a kill every append still in flight becomes unknown. So nothing the server might have committed
 * is missing from the record. Every event id encodes the run (most significant bits, random per
 * record) and the append's number and the event's index in it (least significant bits), so an event
 * read back leads straight to the append that sent it, and an event no append sent is recognised.
 */
final class ReferenceRecord {
  enum Outcome {
    IN_FLIGHT,
    ACKNOWLEDGED,
    REJECTED,
    UNKNOWN
  }

  /** One event as sent: {@code data} is the JSON text of its data. */
  record SentEvent(UUID id, String type, String data) {}

  /**
   * One stream's part of an append.
   *
   * @param expected the expected revision as sent: a number, {@code "any"} or {@code "no_stream"}
   */
  record Part(String stream, String expected, List<SentEvent> events) {
    boolean exact() {
      return !expected.equals("any");
    }

    /** The first revision this part must get when {@link #exact()}. */
    long requiredFirstRevision() {
      return expected.equals("no_stream") ? 0 : Long.parseLong(expected) + 1;
    }
  }

  /** What the server promised for one part of an acknowledged append. */
  record Ack(long firstRevision, long firstPosition) {}

  /** One append (single- or multi-stream). */
  static final class Append {
    final long number;
    final List<Part> parts;
    final boolean multiStream;
    private volatile Outcome outcome = Outcome.IN_FLIGHT;
    private volatile List<Ack> acks = List.of();

    Append(long number, List<Part> parts, boolean multiStream) {
      this.number = number;
      this.parts = List.copyOf(parts);
      this.multiStream = multiStream;
    }

    Outcome outcome() {
      return outcome;
    }

    List<Ack> acks() {
      return acks;
    }

    int eventCount() {
      return parts.stream().mapToInt(p -> p.events().size()).sum();
    }

    void acknowledged(List<Ack> partAcks) {
      if (partAcks.size() != parts.size()) {
        throw new AssertionError("append " + number + ": " + partAcks.size() + " results");
      }
      acks = List.copyOf(partAcks);
      outcome = Outcome.ACKNOWLEDGED;
    }

    void rejected() {
      outcome = Outcome.REJECTED;
    }

    void unknown() {
      outcome = Outcome.UNKNOWN;
    }

    @Override
    public String toString() {
      return "append " + number + " " + outcome + " " + parts;
    }
  }

  private static final int INDEX_BITS = 12;

  private final long run;
  private final AtomicLong numbers = new AtomicLong();
  private final ConcurrentHashMap<Long, Append> appends = new ConcurrentHashMap<>();

  ReferenceRecord(long run) {
    this.run = run;
  }

  /** The id of event {@code index} (counting across parts) of append {@code number}. */
  UUID eventId(long number, int index) {
    if (index >= 1 << INDEX_BITS) {
      throw new IllegalArgumentException("too many events in one append: " + index);
    }
    return new UUID(run, number << INDEX_BITS | index);
  }

  /**
   * A number for a new append, for building its event ids before it is {@linkplain #enter entered}.
   */
  long nextNumber() {
    return numbers.getAndIncrement();
  }

  /** Enters an append about to be sent. */
  Append enter(long number, List<Part> parts, boolean multiStream) {
    Append append = new Append(number, parts, multiStream);
    if (appends.putIfAbsent(number, append) != null) {
      throw new IllegalStateException("append " + number + " entered twice");
    }
    return append;
  }

  /** The append that sent the event with this id, or null if none did. */
  Append appendOf(UUID id) {
    return id.getMostSignificantBits() == run
        ? appends.get(id.getLeastSignificantBits() >>> INDEX_BITS)
        : null;
  }

  /** The index (across parts) in its append of the event with this id. */
  static int indexOf(UUID id) {
    return (int) (id.getLeastSignificantBits() & ((1 << INDEX_BITS) - 1));
  }

  /** After a kill: every append still waiting for its answer will never get one. */
  void inFlightBecomesUnknown() {
    for (Append append : appends.values()) {
      if (append.outcome() == Outcome.IN_FLIGHT) {
        append.unknown();
      }
    }
  }

  Collection<Append> appends() {
    return appends.values();
  }

  /** The parts' events in order, for an append's index arithmetic. */
  static List<SentEvent> allEvents(Append append) {
    List<SentEvent> all = new ArrayList<>();
    for (Part part : append.parts) {
      all.addAll(part.events());
    }
    return all;
  }
}
