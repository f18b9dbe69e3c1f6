package dev.factum.engine;

import dev.factum.api.NotDeliveredException;
import dev.factum.api.RecordConflictException;
import dev.factum.engine.spi.StoreRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The record writes of an ack-append (a {@code done/P} record per acked position, committed with
 * the append's events) and the writer's check that goes with them.
 *
 * <p>Design note: the guard is exact from records alone, whatever the runtime believes, also after
 * an unknown outcome: the group still exists (same incarnation), this process still holds each
 * position's partition (same epoch), and no position is below its partition's durable checkpoint,
 * acked already, or parked. Each partition's checkpoint record is read once per check, however many
 * of its positions the ack-append carries.
 */
record GroupAckAppend(List<RecordWrite> writes, RecordGuard guard) {
  static GroupAckAppend of(
      String group,
      String namespace,
      String parts,
      List<GroupPending> acked,
      GroupRuntime.Fence fence,
      RecordGuard exists) {
    List<RecordWrite> out = new ArrayList<>();
    List<RecordGuard> fences = new ArrayList<>();
    long[] positions = new long[acked.size()];
    int[] partitions = new int[acked.size()];
    for (int i = 0; i < acked.size(); i++) {
      GroupPending pending = acked.get(i);
      int p = pending.slice.partition;
      positions[i] = pending.position();
      partitions[i] = p;
      fences.add(fence.guard(p, pending.slice.epoch));
      out.add(
          RecordWrite.put(
              namespace,
              GroupCodec.positionKey(GroupCodec.DONE, pending.position()),
              GroupCodec.done(p),
              RecordWrite.ANY));
    }
    RecordGuard guard =
        view -> {
          exists.check(view);
          for (RecordGuard held : fences) {
            try {
              held.check(view);
            } catch (RecordConflictException lost) {
              throw new NotDeliveredException(
                  "group '" + group + "': " + lost.getMessage() + "; nothing was written");
            }
          }
          StoreRecord base = view.read(namespace, GroupCodec.CHECKPOINT);
          Map<Integer, Long> durable = new HashMap<>();
          for (int i = 0; i < positions.length; i++) {
            long position = positions[i];
            long below =
                durable.computeIfAbsent(
                    partitions[i],
                    p -> {
                      StoreRecord own =
                          view.read(
                              parts, GroupCodec.partitionKey(GroupCodec.PARTITION_CHECKPOINT, p));
                      StoreRecord checkpoint = own != null ? own : base;
                      return checkpoint == null ? 0 : GroupCodec.checkpoint(checkpoint.value());
                    });
            if (position < below
                || view.read(namespace, GroupCodec.positionKey(GroupCodec.DONE, position)) != null
                || view.read(namespace, GroupCodec.positionKey(GroupCodec.PARKED, position))
                    != null) {
              throw new NotDeliveredException(
                  "the event at position "
                      + position
                      + " of group '"
                      + group
                      + "' is already acked or parked; nothing was written");
            }
          }
        };
    return new GroupAckAppend(List.copyOf(out), guard);
  }
}
