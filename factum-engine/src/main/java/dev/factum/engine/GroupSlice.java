package dev.factum.engine;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One partition of a consumer group while this process owns it: its read cursor, its outstanding
 * events, the done positions above its checkpoint, and what of that is durable.
 *
 * <p>What must stay true: the checkpoint ({@link #checkpoint}) is the first outstanding position,
 * or the read cursor when nothing is outstanding; events leave {@code outstanding} only by being
 * done and the cursor only grows, so it never moves back. {@code doneAbove} holds the positions
 * found done in the records when the partition was gained (acked or parked above its checkpoint),
 * which reading must skip, and only those not read past yet ({@link #prune}): an event done since
 * was read already, and the cursor never comes back to it. {@code durableDone} the positions whose
 * {@code done/P} record is written (and not yet taken by a flush to delete), {@code unsaved} the
 * done positions (plain acks, parks) whose record the next flush writes if they are still above the
 * checkpoint then: so a flush costs what changed since the last one, not what is held; {@code
 * maybeWritten} those of them whose record may exist (see there). Guarded by the owning {@link
 * GroupRuntime}'s monitor; a slice that was lost and gained again is a new object, so completions
 * of writes begun for the old one can tell ({@link GroupRuntime} compares identities).
 */
final class GroupSlice {
  final int partition;
  final long epoch;
  final boolean leased;
  final TreeMap<Long, GroupPending> outstanding = new TreeMap<>();
  final TreeSet<Long> doneAbove = new TreeSet<>();
  final PositionHeap durableDone = new PositionHeap();
  final Set<Long> unsaved = new HashSet<>();

  /**
   * The {@code unsaved} positions whose {@code done/P} record may be there already (an earlier
   * write of it, or an ack-append of the event, ended with an unknown outcome): the next flush puts
   * their records as ordinary puts, the others {@link RecordWrite#UNREAD}. A subset of {@code
   * unsaved}.
   */
  final Set<Long> maybeWritten = new HashSet<>();

  long readCursor;
  long durableCheckpoint;
  long checkpointVersion;

  /**
   * A flush's outcome was unknown (it may have landed, moving the checkpoint record's version): a
   * partition of a process that is the storage's only one (not {@code leased}) writes its next
   * checkpoint without the version check, then knows the version again.
   */
  boolean checkpointVersionUnknown;

  long validUntil;
  boolean dirty;
  boolean flushing;
  boolean draining;

  GroupSlice(int partition, long epoch, boolean leased) {
    this.partition = partition;
    this.epoch = epoch;
    this.leased = leased;
  }

  long checkpoint() {
    return outstanding.isEmpty() ? readCursor : outstanding.firstKey();
  }

  /**
   * Forgets the {@code doneAbove} positions that reading has passed (they are never read again).
   */
  void prune() {
    if (!doneAbove.isEmpty() && doneAbove.first() < readCursor) {
      doneAbove.headSet(readCursor).clear();
    }
  }

  /** Whether events of this partition may be handed out now ({@code now} in clock nanos). */
  boolean usable(long now) {
    return !draining && (!leased || validUntil - now > 0);
  }
}
