package dev.factum.engine;

import dev.factum.api.NotDeliveredException;
import dev.factum.api.RecordConflictException;
import dev.factum.engine.spi.StoreRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What an ack-append writes besides its events, and the writer's check that goes with them. When
 * this process is the storage's sole writer and no acked position is uncertain, that is its share
 * of the commit's one {@code acks/P} record ({@link RecordGather}: the ack-appends of a group that
 * the writer commits together write one record, not one each); else a {@code done/P} record per
 * acked position, put {@link RecordWrite#UNREAD} (the writer need not read the key: it is absent,
 * for the same reason the guard needs no record to know the position is open), an uncertain one's
 * as an ordinary put.
 *
 * <p>Design note: the guard always checks, from records, that the group still exists (same
 * incarnation) and, on a shared storage, that this process still holds each partition involved
 * (same epoch; one lease read per partition, however many of its positions are acked). Whether a
 * position is still open (not below its partition's durable checkpoint, not acked already, not
 * parked) is decided by the runtime, which marked it committing while it was in flight to this
 * consumer: the runtime is the only writer of its partitions' records, built its state from them
 * when it gained the partition, and saw the outcome of every write it made since, so what it holds
 * in memory is what the records say. Except for a position whose earlier ack-append or park ended
 * with an unknown outcome (the write may have landed): those are {@code uncertain}, and for them
 * the guard reads the records (the partition's checkpoint, {@code done/P}, {@code parked/P}, and
 * the {@code acks/P} record the earlier attempt was staged into, if it was). {@code
 * GroupAckAppendTest} fails a commit after it became durable and shows the retry refused.
 *
 * @param gather the share of the commit's {@code acks/P} record, or null
 * @param stagedAs the key of that record once the writer staged the share (null until then)
 */
record GroupAckAppend(
    List<RecordWrite> writes,
    RecordGuard guard,
    RecordGather gather,
    AtomicReference<String> stagedAs) {
  static GroupAckAppend of(
      String group,
      String namespace,
      String parts,
      List<GroupPending> acked,
      Map<Long, String> uncertain,
      boolean gathers,
      GroupRuntime.Fence fence,
      RecordGuard exists) {
    List<RecordWrite> out = new ArrayList<>();
    Map<Integer, RecordGuard> fences = new LinkedHashMap<>();
    List<Long> positions = new ArrayList<>();
    List<Integer> partitions = new ArrayList<>();
    boolean gather = gathers;
    for (GroupPending pending : acked) {
      int p = pending.slice.partition;
      fences.computeIfAbsent(p, unused -> fence.guard(p, pending.slice.epoch));
      if (uncertain.containsKey(pending.position())) {
        positions.add(pending.position());
        partitions.add(p);
        gather = false;
      }
    }
    AtomicReference<String> stagedAs = new AtomicReference<>();
    RecordGather share = null;
    if (gather) {
      int[] of = new int[acked.size()];
      long[] at = new long[acked.size()];
      for (int i = 0; i < at.length; i++) {
        of[i] = acked.get(i).slice.partition;
        at[i] = acked.get(i).position();
      }
      share =
          new RecordGather(
              namespace,
              GroupCodec.ACKS,
              position -> GroupCodec.positionKey(GroupCodec.ACKS, position),
              GroupCodec.ackSetHead(),
              GroupCodec.ackSetEntries(of, at),
              stagedAs::set);
    } else {
      for (GroupPending pending : acked) {
        String key = GroupCodec.positionKey(GroupCodec.DONE, pending.position());
        int p = pending.slice.partition;
        out.add(
            uncertain.containsKey(pending.position())
                ? RecordWrite.put(namespace, key, GroupCodec.done(p), RecordWrite.ANY)
                : RecordWrite.putUnread(namespace, key, GroupCodec.done(p)));
      }
    }
    List<RecordGuard> held = List.copyOf(fences.values());
    Map<Long, String> earlier = uncertain.isEmpty() ? Map.of() : Map.copyOf(uncertain);
    RecordGuard guard =
        view -> {
          exists.check(view);
          for (RecordGuard lease : held) {
            try {
              lease.check(view);
            } catch (RecordConflictException lost) {
              throw new NotDeliveredException(
                  "group '" + group + "': " + lost.getMessage() + "; nothing was written");
            }
          }
          if (!positions.isEmpty()) {
            checkOpen(view, group, namespace, parts, positions, partitions, earlier);
          }
        };
    return new GroupAckAppend(List.copyOf(out), guard, share, stagedAs);
  }

  /**
   * Whether the {@code acks/P} record at {@code key} (none when null) is there and holds the
   * position.
   */
  private static boolean inAckSet(
      RecordGuard.View view, String namespace, String key, long position) {
    if (key == null || key.isEmpty()) {
      return false;
    }
    StoreRecord record = view.read(namespace, key);
    return record != null && GroupCodec.ackSet(record.value()).contains(position);
  }

  /** The records-only check: no position is below its checkpoint, acked or parked. */
  private static void checkOpen(
      RecordGuard.View view,
      String group,
      String namespace,
      String parts,
      List<Long> positions,
      List<Integer> partitions,
      Map<Long, String> earlier) {
    StoreRecord base = view.read(namespace, GroupCodec.CHECKPOINT);
    Map<Integer, Long> durable = new HashMap<>();
    for (int i = 0; i < positions.size(); i++) {
      long position = positions.get(i);
      long below =
          durable.computeIfAbsent(
              partitions.get(i),
              p -> {
                StoreRecord own =
                    view.read(parts, GroupCodec.partitionKey(GroupCodec.PARTITION_CHECKPOINT, p));
                StoreRecord checkpoint = own != null ? own : base;
                return checkpoint == null ? 0 : GroupCodec.checkpoint(checkpoint.value());
              });
      if (position < below
          || view.read(namespace, GroupCodec.positionKey(GroupCodec.DONE, position)) != null
          || view.read(namespace, GroupCodec.positionKey(GroupCodec.PARKED, position)) != null
          || inAckSet(view, namespace, earlier.get(position), position)) {
        throw new NotDeliveredException(
            "the event at position "
                + position
                + " of group '"
                + group
                + "' is already acked or parked; nothing was written");
      }
    }
  }
}
