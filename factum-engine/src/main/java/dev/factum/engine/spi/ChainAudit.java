package dev.factum.engine.spi;

import dev.factum.api.ChainAnchor;
import dev.factum.api.ChainHead;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * Checks a store's hash chain, one chain record at a time in position order, against the events as
 * stored: the part of {@code verify} that every storage shares, so that every storage names a break
 * the same way.
 *
 * <p>It tells three kinds of damage apart:
 *
 * <ul>
 *   <li><b>an event's bytes changed at p</b>: the digest of what is stored at p is not the one its
 *       chain record holds, while the record itself is consistent (its chain value is the fold of
 *       its digests);
 *   <li><b>a chain record altered at batch [a..b]</b>: its chain value is not the fold of the
 *       previous value and its digests (or it does not decode);
 *   <li><b>a record missing</b>: positions no chain record covers (or an event missing where a
 *       record holds its digest).
 * </ul>
 *
 * After an altered record the walk goes on from the value its digests give, so one damaged record
 * is reported once, not as a break of every later batch. What it cannot see without an anchor: a
 * store rewritten from p on <em>with its chain recomputed</em> is consistent; a {@link ChainAnchor}
 * noted before the rewrite catches it (the chain then passes through another value at the anchor).
 *
 * <p>The removal hook: {@link StoredDigests#isRemoved} says a position's event was removed on
 * purpose (scavenging leaves a stub and keeps the chain record); its place in the chain is then
 * checked from the record's digest alone. It says "never" until a storage has removals.
 */
public final class ChainAudit {
  /** The events' side of the check, asked in ascending position order. */
  public interface StoredDigests {
    /** The digest of the event stored at {@code position}, or null when none is stored there. */
    byte[] digest(long position);

    /** Whether the event at {@code position} was removed on purpose (by scavenging). */
    default boolean isRemoved(long position) {
      return false;
    }
  }

  private final HashChain hashes = new HashChain();
  private final long chainedFrom;
  private final ChainAnchor anchor;
  private final StoredDigests stored;
  private final Consumer<String> problems;
  private long next;
  private byte[] chain = HashChain.genesis(); // null while unknown (after a missing record)
  private long firstBreak = -1;
  private boolean anchorSeen;

  /**
   * @param chainedFrom the first chained position (0 for a store chained from its start)
   * @param anchor a chain value noted earlier, or null
   * @param problems where each problem found goes
   */
  public ChainAudit(
      long chainedFrom, ChainAnchor anchor, StoredDigests stored, Consumer<String> problems) {
    this.chainedFrom = chainedFrom;
    this.next = chainedFrom;
    this.anchor = anchor;
    this.stored = stored;
    this.problems = problems;
  }

  /** The next chain record, in ascending order of position. */
  public void batch(ChainBatch batch) {
    if (batch.first() < next) {
      broken(
          batch.first(),
          "the chain record of batch "
              + batch.range()
              + (next == chainedFrom
                  ? " lies before the chain's start at " + chainedFrom + ": the start was moved"
                  : " overlaps positions already chained (before " + next + ")")
              + ": a chain record was altered or added");
      return;
    }
    if (batch.first() > next) {
      missing(next, batch.first() - 1);
      chain = null;
    }
    // What is stored at each position: its digest, or null when nothing is (a removed event
    // counts as its recorded digest: scavenging keeps its place in the chain).
    int count = batch.digests().size();
    byte[][] actual = new byte[count][];
    for (int i = 0; i < count; i++) {
      long p = batch.first() + i;
      actual[i] = stored.isRemoved(p) ? batch.digest(p) : stored.digest(p);
    }
    if (chain == null) {
      checkEvents(batch, actual);
      chain = batch.chain();
      next = batch.last() + 1;
      return;
    }
    byte[] recorded = fold(chain, batch.digests(), -1);
    if (HashChain.same(recorded, batch.chain())) {
      checkEvents(batch, actual);
      fold(chain, batch.digests(), batch.first()); // the anchor, if it is in this batch
      chain = recorded;
    } else if (HashChain.same(fold(chain, Arrays.asList(actual), -1), batch.chain())) {
      broken(
          batch.first(),
          "the chain record of batch "
              + batch.range()
              + " was altered: its digests are not those of the events, which match its chain"
              + " value");
      fold(chain, Arrays.asList(actual), batch.first());
      chain = batch.chain();
    } else {
      broken(
          batch.first(),
          "the chain record of batch "
              + batch.range()
              + " was altered: its chain value is not the hash of the chain before it and its"
              + " digests");
      checkEvents(batch, actual);
      fold(chain, batch.digests(), batch.first());
      chain = recorded;
    }
    next = batch.last() + 1;
  }

  /**
   * Folds {@code digests} into {@code from}; when {@code first} is 0 or more, the digests are those
   * of positions {@code first...} and the anchor is checked on the way.
   */
  private byte[] fold(byte[] from, List<byte[]> digests, long first) {
    byte[] value = from;
    for (int i = 0; i < digests.size(); i++) {
      byte[] digest = digests.get(i);
      value = hashes.next(value, digest == null ? HashChain.genesis() : digest);
      if (first >= 0) {
        checkAnchor(first + i, value);
      }
    }
    return value;
  }

  /** A chain record that does not decode, found under the key of {@code last}. */
  public void damagedBatch(long last, String why) {
    broken(Math.max(next, 0), "the chain record ending at " + last + " is damaged: " + why);
    chain = null;
    next = Math.max(next, last + 1);
  }

  /** After the last chain record: {@code lastPosition} is the log's newest position. */
  public ChainCheck finish(long lastPosition) {
    if (next <= lastPosition) {
      missing(next, lastPosition);
    }
    long head = next - 1;
    if (anchor != null && !anchorSeen) {
      broken(
          Math.min(anchor.position(), Math.max(head + 1, chainedFrom)),
          anchor.position() < chainedFrom
              ? "the anchor at "
                  + anchor.position()
                  + " is before the chain starts at "
                  + chainedFrom
              : "the anchor at "
                  + anchor.position()
                  + " is beyond the chain's head at "
                  + head
                  + ": the log was cut short after the anchor was taken");
    }
    byte[] value = chain == null ? HashChain.genesis() : chain;
    return new ChainCheck(
        new ChainHead(
            Math.max(head, chainedFrom - 1), HexFormat.of().formatHex(value), chainedFrom),
        firstBreak,
        anchor);
  }

  private void checkEvents(ChainBatch batch, byte[][] actual) {
    for (int i = 0; i < actual.length; i++) {
      long position = batch.first() + i;
      if (actual[i] == null) {
        broken(
            position,
            "position "
                + position
                + " holds no readable event, but its chain record holds its digest");
      } else if (!HashChain.same(actual[i], batch.digest(position))) {
        broken(
            position,
            "the event at position "
                + position
                + " was changed after it was committed: its stored bytes are not the ones chained");
      }
    }
    if (chain == null
        && anchor != null
        && anchor.position() >= batch.first()
        && anchor.position() <= batch.last()) {
      anchorSeen = true;
      broken(
          anchor.position(),
          "the anchor at "
              + anchor.position()
              + " falls where the chain is broken and cannot be"
              + " checked");
    }
  }

  private void checkAnchor(long position, byte[] value) {
    if (anchor == null || anchor.position() != position) {
      return;
    }
    anchorSeen = true;
    if (!HashChain.same(value, anchor.hashBytes())) {
      broken(
          position,
          "the chain at position "
              + position
              + " is "
              + HexFormat.of().formatHex(value)
              + ", not the anchor's "
              + anchor.hash()
              + ": the log at or before "
              + position
              + " was rewritten and re-chained");
    }
  }

  private void missing(long from, long to) {
    broken(
        from,
        (from == to ? "position " + from + " has" : "positions [" + from + ".." + to + "] have")
            + " no chain record: a chain record is missing");
  }

  private void broken(long position, String problem) {
    if (firstBreak < 0 || position < firstBreak) {
      firstBreak = position;
    }
    problems.accept(problem);
  }
}
