package dev.factum.engine;

import dev.factum.api.NotDeliveredException;
import dev.factum.api.RecordConflictException;
import dev.factum.engine.spi.StoreRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The record writes of an ack-append (a {@code done/P} record per acked position, committed with
 * the append's events) and the writer's check that goes with them. A position's record is put
 * {@link RecordWrite#UNREAD} (the writer need not read the key: it is absent, for the same reason
 * the guard needs no record to know the position is open), an uncertain one's as an ordinary put.
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
 * the guard reads the records (the partition's checkpoint, {@code done/P}, {@code parked/P}).
 * {@code GroupAckAppendTest} fails a commit after it became durable and shows the retry refused.
 */
record GroupAckAppend(List<RecordWrite> writes, RecordGuard guard) {
  static GroupAckAppend of(
      String group,
      String namespace,
      String parts,
      List<GroupPending> acked,
      Set<Long> uncertain,
      GroupRuntime.Fence fence,
      RecordGuard exists) {
    List<RecordWrite> out = new ArrayList<>();
    Map<Integer, RecordGuard> fences = new LinkedHashMap<>();
    List<Long> positions = new ArrayList<>();
    List<Integer> partitions = new ArrayList<>();
    for (GroupPending pending : acked) {
      int p = pending.slice.partition;
      fences.computeIfAbsent(p, unused -> fence.guard(p, pending.slice.epoch));
      if (uncertain.contains(pending.position())) {
        positions.add(pending.position());
        partitions.add(p);
      }
      String key = GroupCodec.positionKey(GroupCodec.DONE, pending.position());
      out.add(
          uncertain.contains(pending.position())
              ? RecordWrite.put(namespace, key, GroupCodec.done(p), RecordWrite.ANY)
              : RecordWrite.putUnread(namespace, key, GroupCodec.done(p)));
    }
    List<RecordGuard> held = List.copyOf(fences.values());
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
            checkOpen(view, group, namespace, parts, positions, partitions);
          }
        };
    return new GroupAckAppend(List.copyOf(out), guard);
  }

  /** The records-only check: no position is below its checkpoint, acked or parked. */
  private static void checkOpen(
      RecordGuard.View view,
      String group,
      String namespace,
      String parts,
      List<Long> positions,
      List<Integer> partitions) {
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
          || view.read(namespace, GroupCodec.positionKey(GroupCodec.PARKED, position)) != null) {
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
