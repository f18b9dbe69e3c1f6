package dev.factum.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The buffered, not yet done events of a consumer group (every partition this process owns), and
 * the index that hands them out in stream order without scanning the buffer.
 *
 * <p>Design note: each stream's outstanding events form a queue in position order, and only the
 * head of a queue may be handed out (the stream-order rule: an event goes out only when every
 * earlier event of its stream is done). {@link #due} walks {@code waiting}, the heads that are
 * ready or backing off, in position order, so a poll costs what it hands out (plus heads still in
 * backoff), not the size of the buffer; the original walked all of {@code outstanding} with a set
 * of blocked streams per poll, which with a full buffer of a few streams was most of a group's CPU.
 *
 * <p>The buffer by position is a hash map, not a tree: an event goes in and out of it once each,
 * and with a full buffer (10,000 events) a tree's insert and delete were a large part of a group's
 * cost per event in a catch-up; nothing here needs the buffer in order but {@code waiting}, and the
 * oldest event is its partition slice's first.
 *
 * <p>What must stay true: {@code waiting} holds exactly the heads of their stream's queue whose
 * state is READY or BACKOFF. Every change of a buffered event's state goes through {@link
 * #changed}, and events leave only through {@link #remove}, which promotes the next event of the
 * stream. Guarded by the owning {@link GroupRuntime}'s monitor.
 */
final class GroupHandout {
  /** By position; unordered (only {@code waiting} needs an order, and the slices keep theirs). */
  private final HashMap<Long, GroupPending> outstanding;

  private final Map<String, ArrayDeque<GroupPending>> streams = new HashMap<>();
  private final TreeMap<Long, GroupPending> waiting = new TreeMap<>();
  private final int maxEvents;
  private final long maxBytes;
  private long bytes;

  /** A buffer that is full at {@code maxEvents} events or {@code maxBytes} bytes of them. */
  GroupHandout(int maxEvents, long maxBytes) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
    this.outstanding = HashMap.newHashMap(Math.min(maxEvents, GroupRuntime.BUFFER));
  }

  private static long sizeOf(GroupPending pending) {
    byte[] data = pending.event.data();
    byte[] metadata = pending.event.metadata();
    return (long) (data == null ? 0 : data.length) + (metadata == null ? 0 : metadata.length);
  }

  /** Whether the buffer holds its bound of events or bytes (reading stops until it has room). */
  boolean full() {
    return outstanding.size() >= maxEvents || bytes >= maxBytes;
  }

  /** How many stream heads wait to be handed out (some may still be backing off). */
  int waitingHeads() {
    return waiting.size();
  }

  /** Buffers an event read from the source; events of a stream come in position order. */
  void add(GroupPending pending) {
    outstanding.put(pending.position(), pending);
    bytes += sizeOf(pending);
    ArrayDeque<GroupPending> queue =
        streams.computeIfAbsent(pending.event.stream(), s -> new ArrayDeque<>());
    queue.addLast(pending);
    if (queue.size() == 1 && pending.isWaiting()) {
      waiting.put(pending.position(), pending);
    }
  }

  /** The event is done or forgotten: it leaves, and the next one of its stream heads it. */
  void remove(GroupPending pending) {
    if (outstanding.remove(pending.position()) == null) {
      return;
    }
    bytes -= sizeOf(pending);
    waiting.remove(pending.position());
    String stream = pending.event.stream();
    ArrayDeque<GroupPending> queue = streams.get(stream);
    if (queue.peekFirst() == pending) {
      queue.removeFirst();
      GroupPending next = queue.peekFirst();
      if (next != null && next.isWaiting()) {
        waiting.put(next.position(), next);
      }
    } else {
      queue.remove(pending); // only when a whole partition is forgotten
    }
    if (queue.isEmpty()) {
      streams.remove(stream);
    }
  }

  /** Keeps the index true after {@code pending}'s state changed. */
  void changed(GroupPending pending) {
    if (pending.replay || outstanding.get(pending.position()) != pending) {
      return;
    }
    if (pending.isWaiting() && streams.get(pending.event.stream()).peekFirst() == pending) {
      waiting.put(pending.position(), pending);
    } else {
      waiting.remove(pending.position());
    }
  }

  /**
   * Up to {@code room} stream heads that are due now and whose partition is {@code usable}, in
   * position order; the caller hands each out (and reports it through {@link #changed}).
   */
  List<GroupPending> due(int room, long now, Predicate<GroupSlice> usable) {
    List<GroupPending> out = new ArrayList<>();
    Iterator<GroupPending> heads = waiting.values().iterator();
    while (out.size() < room && heads.hasNext()) {
      GroupPending head = heads.next();
      if (head.isDue(now) && usable.test(head.slice)) {
        out.add(head);
      }
    }
    return out;
  }

  /** Whether some stream head could be handed out now (its partition aside). */
  boolean anyDue(long now) {
    for (GroupPending head : waiting.values()) {
      if (head.isDue(now)) {
        return true;
      }
    }
    return false;
  }

  GroupPending get(long position) {
    return outstanding.get(position);
  }

  int size() {
    return outstanding.size();
  }

  /** Every buffered event, in no particular order. */
  Collection<GroupPending> all() {
    return outstanding.values();
  }
}
