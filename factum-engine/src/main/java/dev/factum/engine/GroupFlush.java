package dev.factum.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One partition's checkpoint write: its checkpoint record (compare-and-set on the version this
 * process last wrote), a {@code done/P} record for each done event above it not yet durable (the
 * slice's {@code unsaved}; put {@link RecordWrite#UNREAD}, since this process is the partition's
 * only writer and knows the key is absent, unless an earlier write of it may have landed), and the
 * deletion of the {@code done/P} records it passed (and of {@code acks/P} records all of whose
 * positions durable checkpoints passed), with the partition's guard. Building it costs what changed
 * since the last flush, not what the slice holds: the feeder builds one per changed partition every
 * flush interval under the group's lock.
 *
 * <p>Design note: building the writes marks the slice as flushing (one flush per partition at a
 * time, so the versions chain) and clean, and takes the positions whose records it deletes out of
 * the slice's durable ones; {@link #applied} folds a successful write back into the slice, {@link
 * #notApplied} gives a failed one's deletions back. What happens on a failure (lose the partition,
 * stop the group, retry) is the runtime's call, since it depends on the group's state, not the
 * slice's.
 */
final class GroupFlush {
  final GroupSlice slice;
  private final long checkpoint;
  private final List<RecordWrite> writes;
  private final RecordGuard guard;
  private final List<Long> added;
  private final long[] removed;
  private final List<String> ackSetDeletes;

  private GroupFlush(
      GroupSlice slice,
      long checkpoint,
      List<RecordWrite> writes,
      RecordGuard guard,
      List<Long> added,
      long[] removed,
      List<String> ackSetDeletes) {
    this.slice = slice;
    this.checkpoint = checkpoint;
    this.writes = writes;
    this.guard = guard;
    this.added = added;
    this.removed = removed;
    this.ackSetDeletes = ackSetDeletes;
  }

  /**
   * The writes that make {@code slice}'s checkpoint durable; {@code legacyDone} are done records
   * written before partitions existed (already durable, whoever's they turn out to be); {@code
   * ackSetDeletes} are {@code acks/P} records that every durable checkpoint passed ({@link
   * GroupAckSets}), deleted with this write.
   */
  static GroupFlush of(
      GroupSlice slice,
      String namespace,
      String parts,
      Set<Long> legacyDone,
      List<String> ackSetDeletes,
      RecordGuard guard) {
    long checkpoint = slice.checkpoint();
    int p = slice.partition;
    List<RecordWrite> out = new ArrayList<>();
    out.add(
        RecordWrite.put(
            parts,
            GroupCodec.partitionKey(GroupCodec.PARTITION_CHECKPOINT, p),
            GroupCodec.checkpoint(checkpoint),
            slice.checkpointVersionUnknown && !slice.leased
                ? RecordWrite.ANY
                : slice.checkpointVersion));
    List<Long> added = new ArrayList<>();
    for (long position : slice.unsaved) {
      if (position >= checkpoint && !legacyDone.contains(position)) {
        added.add(position);
        String key = GroupCodec.positionKey(GroupCodec.DONE, position);
        out.add(
            slice.maybeWritten.contains(position)
                ? RecordWrite.put(namespace, key, GroupCodec.done(p), RecordWrite.ANY)
                : RecordWrite.putUnread(namespace, key, GroupCodec.done(p)));
      }
    }
    slice.unsaved.clear(); // those below the checkpoint need no record: the checkpoint covers them
    slice.maybeWritten.clear();
    long[] removed = slice.durableDone.takeBelow(checkpoint); // back in by notApplied()
    for (long position : removed) {
      out.add(
          RecordWrite.delete(
              namespace, GroupCodec.positionKey(GroupCodec.DONE, position), RecordWrite.ANY));
    }
    for (String key : ackSetDeletes) {
      out.add(RecordWrite.delete(namespace, key, RecordWrite.ANY));
    }
    slice.flushing = true;
    slice.dirty = false;
    return new GroupFlush(slice, checkpoint, out, guard, added, removed, ackSetDeletes);
  }

  long checkpoint() {
    return checkpoint;
  }

  List<RecordWrite> writes() {
    return writes;
  }

  RecordGuard guard() {
    return guard;
  }

  /** The {@code acks/P} records this write deletes. */
  List<String> ackSetDeletes() {
    return ackSetDeletes;
  }

  /**
   * The write failed and is to be tried again: its done positions are unsaved again, and their
   * records, and the checkpoint with a new version, may have been written (the outcome may be
   * unknown).
   */
  void retry() {
    notApplied();
    slice.checkpointVersionUnknown = true;
    slice.unsaved.addAll(added);
    slice.maybeWritten.addAll(added);
    slice.dirty = true;
  }

  /**
   * The write did not succeed (rejected, or its outcome unknown): the {@code done/P} records it was
   * to delete are the slice's again, for a later flush to delete (a delete without a condition is
   * harmless when an earlier one landed).
   */
  void notApplied() {
    slice.durableDone.addAll(removed);
  }

  /** The write succeeded with these record versions (the checkpoint's first). */
  void applied(List<Long> versions) {
    slice.checkpointVersion = versions.getFirst();
    slice.checkpointVersionUnknown = false;
    slice.durableCheckpoint = Math.max(slice.durableCheckpoint, checkpoint);
    for (long position : added) {
      slice.durableDone.add(position);
    }
  }
}
