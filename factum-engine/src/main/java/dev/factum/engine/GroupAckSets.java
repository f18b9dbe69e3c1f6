package dev.factum.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which of a group's {@code acks/P} records ({@link GroupCodec}) still hold a position that a
 * durable checkpoint has not passed, and which may be deleted: the bookkeeping that keeps those
 * records from piling up, for a runtime that owns every partition (the storage's sole writer).
 *
 * <p>What must stay true: a record is offered for deletion ({@link #takeDeletable}) only once every
 * position it holds is below its partition's <em>durable</em> checkpoint ({@link #covered} is
 * called with a checkpoint only after the write that moved it succeeded), and checkpoints never
 * move back; so deleting it loses nothing, whenever the delete lands. A record whose delete failed
 * is offered again ({@link #giveBack}). Counts go down once per position: a position leaves its
 * partition's map when covered. Guarded by the owning {@link GroupRuntime}'s lock.
 */
final class GroupAckSets {
  /** For each record not yet deletable: how many of its positions no durable checkpoint passed. */
  private final Map<String, Integer> uncovered = new HashMap<>();

  /** Per partition: the uncovered positions, each with the key of its record. */
  private final List<TreeMap<Long, String>> byPartition = new ArrayList<>(GroupCodec.PARTITIONS);

  private final List<String> deletable = new ArrayList<>();

  GroupAckSets() {
    for (int p = 0; p < GroupCodec.PARTITIONS; p++) {
      byPartition.add(new TreeMap<>());
    }
  }

  /**
   * The record at {@code key} holds these positions. A record already known (each partition gained
   * reads the same records) is left as it is.
   */
  void add(String key, GroupCodec.AckSet entries) {
    if (uncovered.containsKey(key) || deletable.contains(key)) {
      return;
    }
    int count = 0;
    for (int i = 0; i < entries.positions().length; i++) {
      if (byPartition.get(entries.partitions()[i]).putIfAbsent(entries.positions()[i], key)
          == null) {
        count++;
      }
    }
    if (count == 0) {
      deletable.add(key);
    } else {
      uncovered.put(key, count);
    }
  }

  /**
   * Partition {@code p}'s durable checkpoint is {@code checkpoint}: the positions below it are
   * covered.
   */
  void covered(int p, long checkpoint) {
    Map<Long, String> passed = byPartition.get(p).headMap(checkpoint);
    for (String key : passed.values()) {
      int left = uncovered.merge(key, -1, Integer::sum);
      if (left == 0) {
        uncovered.remove(key);
        deletable.add(key);
      }
    }
    passed.clear();
  }

  boolean hasDeletable() {
    return !deletable.isEmpty();
  }

  /**
   * The records every position of which is covered; the caller deletes them (or gives them back).
   */
  List<String> takeDeletable() {
    if (deletable.isEmpty()) {
      return List.of();
    }
    List<String> out = List.copyOf(deletable);
    deletable.clear();
    return out;
  }

  /** Deleting these failed (or may have): they are offered again. */
  void giveBack(List<String> keys) {
    deletable.addAll(keys);
  }
}
