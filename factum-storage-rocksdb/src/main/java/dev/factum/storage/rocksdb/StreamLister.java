package dev.factum.storage.rocksdb;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamState;
import dev.factum.engine.spi.ListedStream;
import dev.factum.engine.spi.StreamHead;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * Lists streams by name prefix, a page after a name cursor, from the two places a head lives (see
 * {@link RocksDbStorage}): the heads column family (streams that are not plain: deleted,
 * tombstoned) and the stream index, whose keys {@code stream | 0x00 | revision} are sorted by name
 * first, so the streams of a prefix are one contiguous run of it. No new index is needed.
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>Cost follows the page: per listed stream, two seeks in the stream index (its last entry,
 *       then past its last key, {@code stream | 0x01}, which no other key of it can follow because
 *       names hold no control character) and one step in the heads iterator; the events of the page
 *       are read in one multi-get, only to cross-check the index entries (as every read does).
 *   <li>Order is the byte order of the UTF-8 names in both sources, merged; a name in both is
 *       listed once, with the heads record when that is not plain (exactly as {@link
 *       RocksDbStorage#loadHead} decides).
 *   <li>A stream whose every index entry points beyond {@code maxPosition} (being committed) is not
 *       listed; one with some entries beyond it is listed at its last entry within it.
 * </ul>
 */
final class StreamLister {
  private final RocksDB db;
  private final ReadOptions readOptions;
  private final ColumnFamilyHandle heads;
  private final ColumnFamilyHandle streamIndex;
  private final Function<List<byte[]>, List<RecordedEvent>> fetch;

  StreamLister(
      RocksDB db,
      ReadOptions readOptions,
      ColumnFamilyHandle heads,
      ColumnFamilyHandle streamIndex,
      Function<List<byte[]>, List<RecordedEvent>> fetch) {
    this.db = db;
    this.readOptions = readOptions;
    this.heads = heads;
    this.streamIndex = streamIndex;
    this.fetch = fetch;
  }

  List<ListedStream> list(String prefix, String after, int limit, long maxPosition) {
    byte[] pre = Keys.utf8(prefix);
    byte[] afterName = after == null ? null : Keys.utf8(after);
    List<ListedStream> page = new ArrayList<>(Math.min(limit, 1024));
    List<byte[]> checkPositions = new ArrayList<>();
    List<ListedStream> checked = new ArrayList<>();
    try (RocksIterator headIt = db.newIterator(heads, readOptions);
        RocksIterator indexIt = db.newIterator(streamIndex, readOptions)) {
      headIt.seek(max(pre, afterName == null ? null : append(afterName, (byte) 0x00)));
      indexIt.seek(max(pre, afterName == null ? null : append(afterName, (byte) 0x01)));
      byte[] headName = nextHeadName(headIt, pre);
      byte[] indexName = nextIndexName(indexIt, pre);
      while (page.size() < limit && (headName != null || indexName != null)) {
        int order =
            headName == null
                ? 1
                : indexName == null ? -1 : Arrays.compareUnsigned(headName, indexName);
        byte[] name = order <= 0 ? headName : indexName;
        String stream = new String(name, StandardCharsets.UTF_8);
        StreamHead stored = order <= 0 ? HeadRecordCodec.decode(name, headIt.value()) : null;
        StreamHead indexed = order >= 0 ? lastIndexed(indexIt, name, maxPosition) : null;
        if (stored != null && !HeadRecordCodec.isPlain(stored)) {
          page.add(new ListedStream(stream, stored));
        } else if (indexed != null) {
          ListedStream listed = new ListedStream(stream, indexed);
          page.add(listed);
          checked.add(listed);
          checkPositions.add(Keys.position(indexed.lastPosition()));
        } else if (stored != null && order < 0) {
          throw new DataCorruptedException(
              "stream '" + stream + "' has a head (" + stored + ") but no stream-index entries");
        }
        if (order <= 0) {
          headIt.next();
          headName = nextHeadName(headIt, pre);
        }
        if (order >= 0) {
          indexIt.seek(append(name, (byte) 0x01));
          indexName = nextIndexName(indexIt, pre);
        }
      }
      RocksDbStorage.checkIterator(headIt);
      RocksDbStorage.checkIterator(indexIt);
    }
    crossCheck(checked, fetch.apply(checkPositions));
    return page;
  }

  /** The index entries listed point at the events they name (as every indexed read checks). */
  private static void crossCheck(List<ListedStream> listed, List<RecordedEvent> events) {
    for (int i = 0; i < listed.size(); i++) {
      ListedStream stream = listed.get(i);
      RecordedEvent event = events.get(i);
      if (!event.stream().equals(stream.stream())
          || event.revision() != stream.head().lastRevision()) {
        throw new DataCorruptedException(
            "stream index entry "
                + stream.stream()
                + "@"
                + stream.head().lastRevision()
                + " points at "
                + event);
      }
    }
  }

  private static byte[] nextHeadName(RocksIterator it, byte[] prefix) {
    if (!it.isValid()) {
      return null;
    }
    byte[] key = it.key();
    return startsWith(key, prefix) ? key : null;
  }

  private static byte[] nextIndexName(RocksIterator it, byte[] prefix) {
    if (!it.isValid()) {
      return null;
    }
    byte[] key = it.key();
    if (key.length < 9 || key[key.length - 9] != 0) {
      throw new DataCorruptedException("the stream index holds a malformed key");
    }
    byte[] name = Arrays.copyOf(key, key.length - 9);
    return startsWith(name, prefix) ? name : null;
  }

  /**
   * The head of a plain stream from its last index entry within {@code maxPosition}, or null when
   * it has none yet. Leaves the iterator inside the stream's entries (the caller seeks past them).
   */
  private static StreamHead lastIndexed(RocksIterator it, byte[] name, long maxPosition) {
    byte[] prefix = append(name, (byte) 0x00);
    it.seekForPrev(Keys.withLong(prefix, Long.MAX_VALUE));
    while (it.isValid() && Keys.startsWith(it.key(), prefix)) {
      byte[] value = it.value();
      long revision = Keys.readLong(it.key(), prefix.length);
      if (value.length != 8) {
        throw new DataCorruptedException(
            "stream index entry "
                + new String(name, StandardCharsets.UTF_8)
                + "@"
                + revision
                + " is damaged");
      }
      long position = Keys.readLong(value, 0);
      if (position <= maxPosition) {
        return new StreamHead(revision, position, 0, StreamState.Status.ACTIVE);
      }
      it.prev(); // committed, not yet published: at most the batch being published
    }
    RocksDbStorage.checkIterator(it);
    return null;
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] append(byte[] bytes, byte last) {
    byte[] out = Arrays.copyOf(bytes, bytes.length + 1);
    out[bytes.length] = last;
    return out;
  }

  private static byte[] max(byte[] a, byte[] b) {
    return b == null || Arrays.compareUnsigned(a, b) >= 0 ? a : b;
  }
}
