package dev.factum.engine;

import dev.factum.api.FactumException;
import dev.factum.api.RecordConflictException;
import dev.factum.engine.spi.StoreRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;

/**
 * Which partitions of one consumer group this process owns, when several processes share one
 * storage (PostgreSQL): the lease protocol, run in rounds by the store's group thread (and once, at
 * once, when a consumer of a process that is not a member yet polls).
 *
 * <p>Design note. A partition is owned through its lease record ({@code lease/NN}: holder and
 * epoch), written compare-and-set on its version by the single writer, so two processes can never
 * both win one. Liveness needs no shared clock: a holder renews (rewrites) its leases every quarter
 * of the lease time; a process takes over a lease whose record it has seen unchanged for a whole
 * lease time on its own monotonic clock. The holder counts its lease valid only until three
 * quarters of the lease time after it sent the renewal (it hands nothing out of the partition after
 * that until a renewal lands), so the two never overlap while clocks run at the same rate. Safety
 * does not rest on timing at all: every write of a partition's state carries the fence ({@link
 * #fence}: the lease still names this process and epoch), so a process that lost a lease, however
 * slow or paused, can never move its checkpoint or ack its events.
 *
 * <p>Fair shares: processes whose consumers used the group lately are members ({@code member/ID},
 * rewritten every round); the members, in id order, split the partitions as evenly as possible. A
 * process above its share drains the surplus (hands nothing more out of it, waits until nothing is
 * in flight) and releases it in one commit with its last checkpoint; a process below its share
 * takes free leases, and leases whose holder stopped renewing. Taking a lease bumps its epoch, and
 * the taker reads the partition's state only after that commit, when the old holder can no longer
 * change it.
 */
final class GroupLeases {
  private static final int PARTITIONS = GroupCodec.PARTITIONS;

  private record Seen(long version, long since) {}

  private final GroupRuntime runtime;
  private final StoreRecords records;
  private final String me;
  private final long leaseNanos;
  private final LongSupplier clock;
  private final Map<String, Seen> seen = new HashMap<>();
  private long lastRound;
  private boolean due = true;
  private boolean member;

  GroupLeases(
      GroupRuntime runtime, StoreRecords records, String me, long leaseNanos, LongSupplier clock) {
    this.runtime = runtime;
    this.records = records;
    this.me = me;
    this.leaseNanos = leaseNanos;
    this.clock = clock;
  }

  /** The guard on a partition's writes: its lease names {@code me} with {@code epoch}. */
  static GroupRuntime.Fence fence(String partsNamespace, String me) {
    return (partition, epoch) ->
        view -> {
          StoreRecord stored =
              view.read(partsNamespace, GroupCodec.partitionKey(GroupCodec.LEASE, partition));
          GroupCodec.Lease lease = stored == null ? null : GroupCodec.lease(stored.value());
          if (lease == null || !lease.holder().equals(me) || lease.epoch() != epoch) {
            throw new RecordConflictException(
                "this server no longer holds the lease of partition "
                    + partition
                    + " (epoch "
                    + epoch
                    + ")");
          }
        };
  }

  /** Runs a round if one is due (every quarter of the lease time, or sooner after a conflict). */
  synchronized void tick(long now) {
    if (due || now - lastRound >= leaseNanos / 4) {
      round(false);
    }
  }

  /** Before a poll: a process that is not a member yet joins now and takes what is free. */
  synchronized void join() {
    if (!member) {
      round(true);
    }
  }

  /** The store is closing: every partition is released with its last checkpoint. */
  synchronized void releaseAll() {
    List<StoreRecord> list = records.listAny(runtime.partsNamespace());
    for (StoreRecord stored : list) {
      if (stored.key().startsWith(GroupCodec.LEASE)) {
        int p = GroupCodec.partitionOfKey(GroupCodec.LEASE, stored.key());
        GroupFlush flush = runtime.detach(p, true);
        if (flush != null) {
          release(p, stored, flush);
        }
      }
    }
    List<RecordWrite> leave =
        List.of(RecordWrite.delete(runtime.partsNamespace(), memberKey(me), RecordWrite.ANY));
    submitQuietly(leave, runtime.existsGuard());
  }

  private void round(boolean joining) {
    long now = clock.getAsLong();
    lastRound = now;
    due = false;
    String parts = runtime.partsNamespace();
    StoreRecord[] leases = new StoreRecord[PARTITIONS];
    Map<String, StoreRecord> members = new TreeMap<>();
    Set<String> present = new HashSet<>();
    for (StoreRecord stored : records.listAny(parts)) {
      String key = stored.key();
      present.add(key);
      Seen before = seen.get(key);
      if (before == null || before.version() != stored.version()) {
        seen.put(key, new Seen(stored.version(), now));
      }
      if (key.startsWith(GroupCodec.LEASE)) {
        leases[GroupCodec.partitionOfKey(GroupCodec.LEASE, key)] = stored;
      } else if (key.startsWith(GroupCodec.MEMBER)) {
        members.put(key.substring(GroupCodec.MEMBER.length()), stored);
      } else if (key.startsWith(GroupCodec.PARTITION_CHECKPOINT)) {
        runtime.elsewhere(
            GroupCodec.partitionOfKey(GroupCodec.PARTITION_CHECKPOINT, key),
            GroupCodec.checkpoint(stored.value()));
      }
    }
    seen.keySet().retainAll(present);

    member = joining || runtime.hasConsumers(now, 2 * leaseNanos);
    List<String> live = new ArrayList<>();
    if (member) {
      live.add(me);
    }
    List<RecordWrite> writes = new ArrayList<>();
    for (Map.Entry<String, StoreRecord> other : members.entrySet()) {
      String key = memberKey(other.getKey());
      if (other.getKey().equals(me)) {
        continue;
      }
      if (!unchangedFor(key, now, leaseNanos)) {
        live.add(other.getKey());
      } else if (unchangedFor(key, now, 4 * leaseNanos)) {
        writes.add(RecordWrite.delete(parts, key, other.getValue().version())); // long gone
      }
    }
    Collections.sort(live);
    int share = 0;
    if (member) {
      int index = live.indexOf(me);
      share = PARTITIONS / live.size() + (index < PARTITIONS % live.size() ? 1 : 0);
    }
    if (member) {
      writes.add(RecordWrite.put(parts, memberKey(me), GroupCodec.heartbeat(), RecordWrite.ANY));
    } else if (members.containsKey(me)) {
      writes.add(RecordWrite.delete(parts, memberKey(me), RecordWrite.ANY));
    }

    // What this process holds: keep its share (the lowest partitions), drain and release the rest.
    List<Integer> renewing = new ArrayList<>();
    List<Long> epochs = new ArrayList<>();
    Set<Integer> untouchable = new HashSet<>();
    int keep = share;
    for (int p = 0; p < PARTITIONS; p++) {
      GroupCodec.Lease lease = leases[p] == null ? null : GroupCodec.lease(leases[p].value());
      boolean mine = lease != null && lease.holder().equals(me);
      long epoch = runtime.epochOf(p);
      if (epoch >= 0 && !(mine && lease.epoch() == epoch)) {
        runtime.lose(p); // taken over: this process was too slow to renew
        epoch = -1;
      }
      if (epoch < 0) {
        if (mine) { // ours without its state here (a release whose outcome was unknown): free it
          writes.add(free(p, leases[p], lease));
          untouchable.add(p);
        }
        continue;
      }
      untouchable.add(p);
      if (keep > 0) {
        keep--;
        runtime.draining(p, false);
      } else {
        runtime.draining(p, true);
        GroupFlush flush = runtime.detachDrained(p);
        if (flush != null) {
          release(p, leases[p], flush);
          continue;
        }
      }
      writes.add(
          RecordWrite.put(
              parts,
              GroupCodec.partitionKey(GroupCodec.LEASE, p),
              GroupCodec.lease(lease),
              leases[p].version()));
      renewing.add(p);
      epochs.add(epoch);
    }
    long sent = clock.getAsLong();
    if (!writes.isEmpty()) {
      if (!submit(writes)) {
        return;
      }
      for (int i = 0; i < renewing.size(); i++) {
        runtime.renewed(renewing.get(i), epochs.get(i), sent + leaseNanos - leaseNanos / 4);
      }
    }

    runtime.parkedFromRecords(records.listAny(runtime.namespace()));

    // Below its share: take free leases, and leases nobody renewed for a whole lease time.
    int missing = share - runtime.owned();
    List<RecordWrite> takes = new ArrayList<>();
    List<Integer> taking = new ArrayList<>();
    List<Long> takingEpochs = new ArrayList<>();
    for (int p = 0; p < PARTITIONS && taking.size() < missing; p++) {
      if (untouchable.contains(p)) {
        continue;
      }
      GroupCodec.Lease lease = leases[p] == null ? null : GroupCodec.lease(leases[p].value());
      String key = GroupCodec.partitionKey(GroupCodec.LEASE, p);
      if (lease == null || lease.isFree() || unchangedFor(key, now, leaseNanos)) {
        long epoch = lease == null ? 1 : lease.epoch() + 1;
        takes.add(
            RecordWrite.put(
                parts,
                key,
                GroupCodec.lease(new GroupCodec.Lease(me, epoch)),
                leases[p] == null ? RecordWrite.ABSENT : leases[p].version()));
        taking.add(p);
        takingEpochs.add(epoch);
      }
    }
    if (takes.isEmpty()) {
      return;
    }
    sent = clock.getAsLong();
    if (!submit(takes)) {
      return;
    }
    // read only now: the old holder can no longer change the partitions' state
    List<StoreRecord> state = records.listAny(runtime.namespace());
    List<StoreRecord> partitionRecords = records.listAny(parts);
    for (int i = 0; i < taking.size(); i++) {
      runtime.gain(
          taking.get(i),
          takingEpochs.get(i),
          true,
          sent + leaseNanos - leaseNanos / 4,
          state,
          partitionRecords);
    }
  }

  private boolean unchangedFor(String key, long now, long nanos) {
    Seen since = seen.get(key);
    return since != null && now - since.since() >= nanos;
  }

  private RecordWrite free(int p, StoreRecord stored, GroupCodec.Lease lease) {
    return RecordWrite.put(
        runtime.partsNamespace(),
        GroupCodec.partitionKey(GroupCodec.LEASE, p),
        GroupCodec.lease(new GroupCodec.Lease("", lease.epoch())),
        stored.version());
  }

  /** Releases partition {@code p} in one commit with its last checkpoint, under its fence. */
  private void release(int p, StoreRecord stored, GroupFlush flush) {
    List<RecordWrite> writes = new ArrayList<>(flush.writes());
    writes.add(free(p, stored, GroupCodec.lease(stored.value())));
    submitQuietly(writes, flush.guard());
    due = true;
  }

  /** Commits {@code writes} guarded by the group's existence; false (a round soon) if refused. */
  private boolean submit(List<RecordWrite> writes) {
    try {
      join(records.submit(writes, runtime.existsGuard()));
      return true;
    } catch (FactumException refused) {
      due = true; // raced with another process (or the group is gone): look again soon
      return false;
    }
  }

  private void submitQuietly(List<RecordWrite> writes, RecordGuard guard) {
    try {
      join(records.submit(writes, guard));
    } catch (FactumException refused) {
      // lost already, or the group is gone: the lease is someone else's or expires by itself
    }
  }

  private static String memberKey(String id) {
    return GroupCodec.MEMBER + id;
  }

  private static void join(CompletableFuture<Object> future) {
    try {
      future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
