package dev.factum.storage.rocksdb;

import dev.factum.api.ChainAnchor;
import dev.factum.api.ChainHead;
import dev.factum.api.DataCorruptedException;
import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StorageFailureException;
import dev.factum.api.StorageFullException;
import dev.factum.api.StoreClosedException;
import dev.factum.api.StreamState;
import dev.factum.engine.spi.BackupReport;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.HashChain;
import dev.factum.engine.spi.ListedStream;
import dev.factum.engine.spi.PositionCursor;
import dev.factum.engine.spi.QueryPositions;
import dev.factum.engine.spi.RemovedEvent;
import dev.factum.engine.spi.Storage;
import dev.factum.engine.spi.StorageGauge;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.spi.StreamHead;
import dev.factum.engine.spi.VerifyReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RateLimiter;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.SstFileManager;
import org.rocksdb.Status;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The embedded storage: one RocksDB database in a directory of the local disk.
 *
 * <p>Design note: the log column family holds each event once, under its position; everything else
 * is an index pointing at positions (see {@link Keys}). A stream's head (its last revision and
 * position) is its last stream-index entry; the heads column family holds a record only for a
 * stream that is not plain (deleted, tombstoned or truncated), so an append to a plain stream costs
 * no head write: the writer's CPU goes into memtable inserts, and the head was the dearest of them.
 * A commit batch becomes one RocksDB {@link WriteBatch} written with {@code sync=true}, so a batch
 * is atomic and durable when {@link #commit} returns, and RocksDB's write-ahead log is the recovery
 * mechanism; the batch is built in Java as RocksDB's serialized representation ({@link
 * WriteBatchRep}) and crosses into RocksDB in one call, not one per record. Indexes are
 * cross-checked on every read against the checksummed event record they point to (stream, revision,
 * filter value), so a damaged index entry is reported as corruption rather than returning the wrong
 * event.
 *
 * <p>WAL recovery: {@code kTolerateCorruptedTailRecords}, not RocksDB's default {@code
 * kPointInTimeRecovery}. Every commit is synced before it is acknowledged, so only the record being
 * written when the process or machine died can legitimately be incomplete, and it is always the
 * last one: dropping an incomplete tail record loses nothing that was acknowledged. A damaged
 * record anywhere else means acknowledged data was lost, and the open is refused ({@code
 * data-corrupted}). Point-in-time recovery would instead open the store without the damaged record
 * and everything after it, silently (shown by {@code StorageFaultTest}). The limit of any WAL: a
 * log cut short exactly at a record boundary looks like a clean end, so a disk that lied about an
 * fsync loses the acknowledged tail unseen.
 *
 * <p>Reading a stream is one seek in the stream index plus one multi-get in the log: its cost
 * follows the events read, not the store's size. A filtered log read merges one index iterator per
 * filter value.
 */
public final class RocksDbStorage implements Storage {
  private static final byte[] RESUME_PROBE_KEY = Keys.utf8("factum.resume-probe");

  /** The column families, in the order their handles are opened. */
  static final List<String> COLUMN_FAMILIES =
      List.of(
          "default",
          "log",
          "heads",
          "stream-index",
          "event-ids",
          "filter-index",
          "records",
          "chain");

  static {
    RocksDB.loadLibrary();
  }

  private final Path directory;
  private final RocksDB db;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final LRUCache blockCache;
  private final BloomFilter bloomFilter;
  private final WriteOptions syncWrite;
  private final ReadOptions readOptions;

  /**
   * Event records decoded from the log since open: what a read cost in event bodies.
   * Package-private for the test that proves query reads are answered from the indexes
   * (RocksDbQueryIndexTest).
   */
  private final LongAdder eventRecordsDecoded = new LongAdder();

  private final List<ColumnFamilyHandle> handles;
  private final ColumnFamilyHandle meta;
  private final ColumnFamilyHandle log;
  private final ColumnFamilyHandle heads;
  private final ColumnFamilyHandle streamIndex;
  private final ColumnFamilyHandle eventIds;
  private final ColumnFamilyHandle filterIndex;
  private final ColumnFamilyHandle records;
  private final ColumnFamilyHandle chain;

  /** What a commit writes where; extends the hash chain unless a bench measures its cost. */
  private final CommitLayout layout;

  /** The first chained position: 0, or where an upgraded store began its chain. */
  private long chainedFrom;

  /** The chain after the newest commit; written by the writer once a commit is durable. */
  private volatile ChainLink chainLink;

  private final SstFileManager sstFileManager;
  private final DirectoryLock directoryLock;

  /** The database's rate limiter: unlimited, but while a reclaim runs ({@link PacedCompaction}). */
  private final RateLimiter rateLimiter;

  private final PacedCompaction pacedCompaction;
  private final long reclaimBytesPerSecond;

  /** What removals touched since the last reclaim: the ranges it compacts. */
  private final RemovedRanges removedRanges = new RemovedRanges();

  // Metrics read RocksDB properties from other threads: a closed handle must never be touched.
  private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
  private boolean closed;
  private volatile long lastPosition;

  private RocksDbStorage(Path directory, RocksDbConfig config) throws RocksDBException {
    this.directory = directory;
    // Before anything else touches the directory: a second opener is refused in plain words.
    this.directoryLock = DirectoryLock.acquire(directory);
    this.blockCache = new LRUCache(config.blockCacheBytes());
    this.bloomFilter = new BloomFilter(10);
    // RocksDB's file manager recovers from a no-space error by itself once space is freed (it
    // checks every ~5 s); resumeAfterFull() probes for that. RocksDB creates one when none is
    // given (FullDiskTest passes without this line too); it is set here so that the behaviour
    // the store relies on is not left to a default.
    this.sstFileManager = new SstFileManager(Env.getDefault());
    this.rateLimiter = new RateLimiter(PacedCompaction.UNLIMITED);
    this.reclaimBytesPerSecond = config.reclaimBytesPerSecond();
    this.dbOptions =
        new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setParanoidChecks(true)
            .setWalRecoveryMode(WALRecoveryMode.TolerateCorruptedTailRecords)
            .setMaxBackgroundJobs(2)
            .setBytesPerSync(1 << 20)
            .setSstFileManager(sstFileManager)
            .setRateLimiter(rateLimiter);
    BlockBasedTableConfig table =
        new BlockBasedTableConfig()
            .setBlockCache(blockCache)
            .setFilterPolicy(bloomFilter)
            .setCacheIndexAndFilterBlocks(true)
            .setPinL0FilterAndIndexBlocksInCache(true)
            .setBlockSize(16 * 1024);
    this.cfOptions =
        new ColumnFamilyOptions()
            .setTableFormatConfig(table)
            .setCompressionType(CompressionType.LZ4_COMPRESSION)
            .setWriteBufferSize(config.writeBufferBytes());
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (String name : COLUMN_FAMILIES) {
      descriptors.add(new ColumnFamilyDescriptor(Keys.utf8(name), cfOptions));
    }
    this.handles = new ArrayList<>();
    this.syncWrite = new WriteOptions().setSync(true);
    this.readOptions = new ReadOptions().setVerifyChecksums(true);
    try {
      this.db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
    } catch (RocksDBException | RuntimeException e) {
      syncWrite.close();
      readOptions.close();
      closeOptions();
      throw e;
    }
    this.meta = handles.get(0);
    this.log = handles.get(1);
    this.heads = handles.get(2);
    this.streamIndex = handles.get(3);
    this.eventIds = handles.get(4);
    this.filterIndex = handles.get(5);
    this.records = handles.get(6);
    this.chain = handles.get(7);
    this.layout =
        new CommitLayout(
            new CommitLayout.Families(
                log.getID(),
                heads.getID(),
                streamIndex.getID(),
                eventIds.getID(),
                filterIndex.getID(),
                records.getID(),
                chain.getID()),
            config.hashChain(),
            new HashChain(),
            removedRanges);
    this.pacedCompaction = new PacedCompaction(db, rateLimiter);
    try {
      checkFormat();
      this.lastPosition = recoverLastPosition();
      this.chainLink = recoverChain();
    } catch (RuntimeException | RocksDBException e) {
      close();
      throw e;
    }
  }

  /** Opens (creating if needed) the store in {@code directory}, with default settings. */
  public static RocksDbStorage open(Path directory) {
    return open(directory, RocksDbConfig.DEFAULT);
  }

  public static RocksDbStorage open(Path directory, RocksDbConfig config) {
    try {
      return new RocksDbStorage(directory, config);
    } catch (RocksDBException e) {
      RuntimeException failure = translate("cannot open the store in " + directory, e);
      String said = String.valueOf(e.getMessage());
      if (said.contains("While lock file") || said.contains("lock hold by current process")) {
        // Our own lock was free, RocksDB's is not: a process that is not (this) Factum holds it.
        throw new StorageFailureException(
            "another process holds "
                + directory.toAbsolutePath().normalize()
                + " (not through Factum's lock; RocksDB says: "
                + said
                + ")",
            e);
      }
      Status status = e.getStatus();
      if (status != null
          && status.getCode() == Status.Code.IOError
          && String.valueOf(e.getMessage()).contains("No such file or directory")) {
        // The directory exists (created above): a file its metadata names is missing or misnamed.
        failure =
            new DataCorruptedException(
                "cannot open the store in "
                    + directory
                    + ": a file it needs is missing: "
                    + e.getMessage(),
                e);
      }
      if (failure instanceof DataCorruptedException) {
        String where = damageNamedInLog(directory);
        if (where != null) {
          failure =
              new DataCorruptedException(failure.getMessage() + " (RocksDB: " + where + ")", e);
        }
      }
      throw failure;
    }
  }

  /**
   * RocksDB's status says what is wrong ("checksum mismatch") but not where; its LOG file names the
   * damaged file. Returns the last LOG line that reports corruption in a named file, or null.
   */
  private static String damageNamedInLog(Path directory) {
    try (Stream<String> lines = Files.lines(directory.resolve("LOG"))) {
      return lines
          .filter(line -> line.contains("orrupt") || line.contains("dropping"))
          .filter(line -> line.matches(".*(\\.log|\\.sst|MANIFEST|CURRENT|OPTIONS).*"))
          .reduce((first, second) -> second)
          .map(line -> line.replaceFirst("^\\S+ \\S+ \\S+ ", "").strip())
          .orElse(null);
    } catch (IOException | UncheckedIOException e) {
      return null;
    }
  }

  public Path directory() {
    return directory;
  }

  /**
   * A RocksDB property of the open database, such as {@code rocksdb.dbstats}, whose WAL line counts
   * the synced WAL writes (tests check every commit batch is synced).
   */
  String property(String name) {
    try {
      return db.getProperty(name);
    } catch (RocksDBException e) {
      throw translate("cannot read the property " + name, e);
    }
  }

  /**
   * Checks the format marker; a directory of an older version (1 to 4) is upgraded to the current
   * one here, with one synced write of the marker and the chain's start (the position after its
   * newest event: older events are not chained): RocksDB has just created the {@code records} and
   * {@code chain} column families, which an older build cannot open anyway (see {@link
   * FormatMarker}).
   */
  private void checkFormat() throws RocksDBException {
    byte[] marker = db.get(meta, FormatMarker.KEY);
    if (marker != null) {
      if (FormatMarker.check(marker) < FormatMarker.CURRENT_VERSION) {
        writeMarker(recoverLastPosition() + 1);
      }
      return;
    }
    try (RocksIterator it = db.newIterator(log)) {
      it.seekToFirst();
      if (it.isValid()) {
        throw new DataCorruptedException(
            "the data directory holds events but no format marker: not a Factum store, or damaged");
      }
    }
    writeMarker(0);
  }

  private void writeMarker(long chainStart) throws RocksDBException {
    try (WriteBatch write = new WriteBatch()) {
      write.put(meta, ChainRecordCodec.START_KEY, ChainRecordCodec.encodeStart(chainStart));
      write.put(meta, FormatMarker.KEY, FormatMarker.encode(FormatMarker.CURRENT_VERSION));
      db.write(syncWrite, write);
    }
  }

  /**
   * The chain after the newest chain record (or the genesis before the chain's start). A damaged
   * newest record does not stop the store: the writer goes on from the genesis, and {@code verify}
   * names the damaged record (the chain breaks there either way).
   */
  private ChainLink recoverChain() {
    byte[] start = get(meta, ChainRecordCodec.START_KEY);
    if (start == null) {
      throw new DataCorruptedException(
          "the store's format marker says it is chained, but the chain's start record is missing");
    }
    chainedFrom = ChainRecordCodec.decodeStart(start);
    try (RocksIterator it = db.newIterator(chain, readOptions)) {
      it.seekToLast();
      if (!it.isValid()) {
        checkIterator(it);
        return new ChainLink(chainedFrom - 1, HashChain.genesis());
      }
      long last = logPosition(it.key());
      try {
        return new ChainLink(last, ChainRecordCodec.decode(it.key(), it.value()).chain());
      } catch (DataCorruptedException damaged) {
        return new ChainLink(last, HashChain.genesis());
      }
    }
  }

  @Override
  public ChainHead chainHead() {
    ChainLink link = chainLink;
    return new ChainHead(
        Math.max(link.position(), chainedFrom - 1),
        HexFormat.of().formatHex(link.value()),
        chainedFrom);
  }

  /** Finds the newest event and checks that it decodes: the tail of the log is whole. */
  private long recoverLastPosition() {
    try (RocksIterator it = db.newIterator(log, readOptions)) {
      it.seekToLast();
      if (!it.isValid()) {
        checkIterator(it);
        return -1;
      }
      long position = logPosition(it.key());
      byte[] value = it.value();
      if (RemovalStub.isStub(value)) {
        RemovalStub.decode(position, value);
      } else {
        decodeEvent(position, value);
      }
      return position;
    }
  }

  private RecordedEvent decodeEvent(long position, byte[] record) {
    eventRecordsDecoded.increment();
    return EventRecordCodec.decode(position, record);
  }

  /** How many event records were decoded from the log since the store was opened. */
  long eventRecordsDecoded() {
    return eventRecordsDecoded.sum();
  }

  private static long logPosition(byte[] key) {
    if (key.length != 8) {
      throw new DataCorruptedException("the log holds a key of " + key.length + " bytes");
    }
    return Keys.readLong(key, 0);
  }

  @Override
  public long lastPosition() {
    return lastPosition;
  }

  /**
   * A stream's head: its head record when that is not plain (see {@link HeadRecordCodec#isPlain}),
   * else its last stream-index entry, checked against the event it points at. Only non-plain heads
   * are written (format 4), and each commit rewrites the ones it changes, so they are exact; a
   * plain head record is a leftover of format 3 or older and may lag behind the stream, so it is
   * used only to know that the stream is plain.
   */
  @Override
  public StreamHead loadHead(String stream) {
    byte[] key = Keys.utf8(stream);
    byte[] record = get(heads, key);
    StreamHead stored = record == null ? null : HeadRecordCodec.decode(key, record);
    if (stored != null && !HeadRecordCodec.isPlain(stored)) {
      return stored;
    }
    StreamHead indexed = lastIndexed(stream);
    if (indexed == null && stored != null) {
      throw new DataCorruptedException(
          "stream '" + stream + "' has a head (" + stored + ") but no stream-index entries");
    }
    return indexed;
  }

  /** The head of a plain stream from its last stream-index entry, or null if it has none. */
  private StreamHead lastIndexed(String stream) {
    byte[] prefix = Keys.streamPrefix(stream);
    long revision;
    long position;
    try (RocksIterator it = db.newIterator(streamIndex, readOptions)) {
      it.seekForPrev(Keys.withLong(prefix, Long.MAX_VALUE));
      if (!it.isValid()) {
        checkIterator(it);
        return null;
      }
      byte[] found = it.key();
      if (!Keys.startsWith(found, prefix)) {
        return null;
      }
      revision = Keys.readLong(found, prefix.length);
      byte[] value = it.value();
      if (value.length != 8) {
        throw new DataCorruptedException(
            "stream index entry " + stream + "@" + revision + " is damaged");
      }
      position = Keys.readLong(value, 0);
    }
    RecordedEvent last = decodeEvent(position, get(log, Keys.position(position)));
    if (!last.stream().equals(stream) || last.revision() != revision) {
      throw new DataCorruptedException(
          "stream index entry " + stream + "@" + revision + " points at " + last);
    }
    return new StreamHead(revision, position, 0, StreamState.Status.ACTIVE);
  }

  @Override
  public List<ListedStream> listStreams(String prefix, String after, int limit, long maxPosition) {
    return new StreamLister(db, readOptions, heads, streamIndex, this::fetch)
        .list(prefix, after, limit, maxPosition);
  }

  @Override
  public long findPosition(UUID eventId) {
    byte[] value = get(eventIds, Keys.uuid(eventId));
    if (value == null) {
      return -1;
    }
    if (value.length != 8) {
      throw new DataCorruptedException("event-id index entry of " + eventId + " is damaged");
    }
    return Keys.readLong(value, 0);
  }

  @Override
  public RecordedEvent readEvent(long position) {
    byte[] value = get(log, Keys.position(position));
    if (RemovalStub.isStub(value)) {
      throw new IllegalStateException(
          "position " + position + " holds an event removed by scavenging (ask removedAt first)");
    }
    return decodeEvent(position, value);
  }

  @Override
  public RemovedEvent removedAt(long position) {
    byte[] value = get(log, Keys.position(position));
    return RemovalStub.isStub(value) ? RemovalStub.decode(position, value) : null;
  }

  @Override
  public boolean supportsRemoval() {
    return true;
  }

  /**
   * Compacts what removals touched since the last reclaim: the key ranges of the log, stream-index
   * and filter-index column families they wrote stubs and deletes in ({@link RemovedRanges}), in
   * paced slices ({@link PacedCompaction}), so the replaced event records and the deletes leave the
   * table files. Returns how many bytes the table files shrank by (negative when concurrent appends
   * grew them more); 0 at once when nothing was removed. RocksDB compacts in its background threads
   * ({@code maxBackgroundJobs} 2) while this thread waits; appends go on.
   */
  @Override
  public long reclaimSpace() {
    return reclaim(removedRanges.take());
  }

  /**
   * As {@link #reclaimSpace}, over the whole of the three families: for removals this process did
   * not write (a run resumed after a restart), whose ranges it does not know.
   */
  @Override
  public long reclaimAllSpace() {
    removedRanges.take();
    Map<RemovedRanges.Family, RemovedRanges.Range> whole =
        new EnumMap<>(RemovedRanges.Family.class);
    for (RemovedRanges.Family family : RemovedRanges.Family.values()) {
      whole.put(family, RemovedRanges.Range.WHOLE);
    }
    return reclaim(whole);
  }

  private long reclaim(Map<RemovedRanges.Family, RemovedRanges.Range> ranges) {
    if (ranges.isEmpty()) {
      return 0;
    }
    long before = openDb(() -> db.getAggregatedLongProperty("rocksdb.total-sst-files-size"));
    // Every family is flushed: the write-ahead log files holding the run's writes are kept until
    // each family with data in them (heads and records take writes too) is flushed. Before the
    // pacing: the flush writes the memtables once, as RocksDB would anyway.
    openDb(
        () -> {
          try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, handles);
          }
          return null;
        });
    Map<RemovedRanges.Family, RemovedRanges.Range> left = new EnumMap<>(ranges);
    paced(true);
    try {
      for (Map.Entry<RemovedRanges.Family, RemovedRanges.Range> entry : ranges.entrySet()) {
        ColumnFamilyHandle handle = handleOf(entry.getKey());
        String name = COLUMN_FAMILIES.get(handles.indexOf(handle));
        List<RemovedRanges.Range> slices =
            openDb(() -> pacedCompaction.slices(name, entry.getValue()));
        for (RemovedRanges.Range slice : slices) {
          left.put(entry.getKey(), new RemovedRanges.Range(slice.first(), entry.getValue().last()));
          openDb(
              () -> {
                pacedCompaction.compact(handle, slice);
                return null;
              });
        }
        left.remove(entry.getKey());
      }
    } catch (RuntimeException e) {
      // What is left of a bounded range goes to the next reclaim; the rest of a whole-family
      // reclaim (a resumed run's) is left to RocksDB's own compactions.
      left.forEach(
          (family, range) -> {
            if (range.first() != null && range.last() != null) {
              removedRanges.restore(family, range);
            }
          });
      throw e;
    } finally {
      paced(false);
    }
    return before - openDb(() -> db.getAggregatedLongProperty("rocksdb.total-sst-files-size"));
  }

  /**
   * The rate limiter's rate now, the bytes it let through since open, and the rate the last reclaim
   * was paced at (RocksDbReclaimTest).
   */
  long[] rateLimiterState() {
    return openDb(
        () ->
            new long[] {
              rateLimiter.getBytesPerSecond(),
              rateLimiter.getTotalBytesThrough(),
              pacedCompaction.lastPacedRate()
            });
  }

  /** Lowers the rate limiter for a reclaim, or raises it again; nothing once the store closed. */
  private void paced(boolean on) {
    closing.readLock().lock();
    try {
      if (!closed) {
        if (on) {
          pacedCompaction.pace(reclaimBytesPerSecond);
        } else {
          pacedCompaction.unpace();
        }
      }
    } finally {
      closing.readLock().unlock();
    }
  }

  private ColumnFamilyHandle handleOf(RemovedRanges.Family family) {
    return switch (family) {
      case LOG -> log;
      case STREAM_INDEX -> streamIndex;
      case FILTER_INDEX -> filterIndex;
    };
  }

  /** A step of RocksDB work under the closing lock: refused once the store closed. */
  private interface DbStep<T> {
    T run() throws RocksDBException;
  }

  private <T> T openDb(DbStep<T> step) {
    closing.readLock().lock();
    try {
      if (closed) {
        throw new StoreClosedException("the store is closed");
      }
      return step.run();
    } catch (RocksDBException e) {
      throw translate("reclaiming space failed", e);
    } finally {
      closing.readLock().unlock();
    }
  }

  private byte[] get(ColumnFamilyHandle family, byte[] key) {
    try {
      return db.get(family, readOptions, key);
    } catch (RocksDBException e) {
      throw translate("read failed", e);
    }
  }

  /**
   * Lays the batch out ({@link CommitLayout}) as a write batch's serialized representation ({@link
   * WriteBatchRep}), handed to RocksDB in one call and written with {@code sync=true}: durable when
   * this returns. The chain is published only then.
   */
  @Override
  public void commit(CommitBatch batch) {
    WriteBatchRep rep = new WriteBatchRep(expectedRepBytes(batch));
    ChainLink extended = layout.layOut(batch, chainLink, rep);
    try (WriteBatch write = rep.toWriteBatch()) {
      db.write(syncWrite, write);
    } catch (RocksDBException e) {
      throw translate("commit failed", e);
    }
    if (extended != null) {
      chainLink = extended;
    }
  }

  /**
   * A first size for the representation, so that it seldom grows: each event's data and metadata
   * plus room for its record's fields and its index entries.
   */
  private static int expectedRepBytes(CommitBatch batch) {
    long bytes = WriteBatchRep.HEADER + 256;
    for (RecordedEvent event : batch.events()) {
      bytes += event.data().length + (event.metadata() == null ? 0 : event.metadata().length);
      bytes += 256 + 4L * (event.stream().length() + event.type().length());
    }
    return (int) Math.min(bytes, 1 << 26);
  }

  @Override
  public StoreRecord readRecord(String namespace, String key) {
    byte[] stored = RecordCodec.key(namespace, key);
    byte[] value = get(records, stored);
    return value == null ? null : RecordCodec.decode(stored, value);
  }

  @Override
  public List<StoreRecord> readRecords(String namespace) {
    byte[] prefix = RecordCodec.namespacePrefix(namespace);
    List<StoreRecord> found = new ArrayList<>();
    try (RocksIterator it = db.newIterator(records, readOptions)) {
      for (it.seek(prefix); it.isValid() && RecordCodec.inNamespace(it.key(), prefix); it.next()) {
        found.add(RecordCodec.decode(it.key(), it.value()));
      }
      checkIterator(it);
    }
    return found;
  }

  @Override
  public List<RecordedEvent> readStream(
      String stream,
      long from,
      Direction direction,
      int limit,
      long minRevision,
      long maxPosition) {
    byte[] prefix = Keys.streamPrefix(stream);
    List<byte[]> positions = new ArrayList<>(Math.min(limit, 1024));
    List<Long> revisions = new ArrayList<>(Math.min(limit, 1024));
    try (RocksIterator it = db.newIterator(streamIndex, readOptions)) {
      boolean forward = direction == Direction.FORWARD;
      byte[] start = Keys.withLong(prefix, from);
      if (forward) {
        it.seek(start);
      } else {
        it.seekForPrev(start);
      }
      // Revisions are dense, so the entries met must be from, from ± 1, ...: a missing entry is
      // damage, never a reason to skip an event silently.
      long expectedRevision = from;
      while (it.isValid() && positions.size() < limit) {
        byte[] key = it.key();
        if (!Keys.startsWith(key, prefix)) {
          break;
        }
        long revision = Keys.readLong(key, prefix.length);
        if (revision < minRevision) {
          break; // only reachable going backward
        }
        if (forward && positions.isEmpty() && revision > expectedRevision) {
          // Scavenging removed the revisions before it (after the caller computed its start):
          // allowed only up to the first visible revision the head now holds.
          if (revision > removedBefore(stream)) {
            throw new DataCorruptedException(
                "the stream index of " + stream + " has no entry for revision " + expectedRevision);
          }
          expectedRevision = revision;
        }
        if (revision != expectedRevision) {
          throw new DataCorruptedException(
              "the stream index of " + stream + " has no entry for revision " + expectedRevision);
        }
        expectedRevision += forward ? 1 : -1;
        byte[] value = it.value();
        if (value.length != 8) {
          throw new DataCorruptedException(
              "stream index entry " + stream + "@" + revision + " is damaged");
        }
        long position = Keys.readLong(value, 0);
        if (position > maxPosition) {
          checkUnpublished(
              position,
              e -> e.stream().equals(stream) && e.revision() == revision,
              "stream index entry " + stream + "@" + revision);
          if (forward) {
            break; // later revisions have later positions
          }
          if (!positions.isEmpty()) {
            throw new DataCorruptedException(
                "stream index entry " + stream + "@" + revision + " points past a later revision");
          }
        } else {
          positions.add(Keys.position(position));
          revisions.add(revision);
        }
        if (forward) {
          it.next();
        } else {
          it.prev();
        }
      }
      checkIterator(it);
    }
    List<RecordedEvent> fetched = fetchOrRemoved(positions);
    List<RecordedEvent> events = new ArrayList<>(fetched.size());
    for (int i = 0; i < fetched.size(); i++) {
      RecordedEvent event = fetched.get(i);
      if (event == null) {
        continue; // removed by scavenging since the index was read: no longer visible
      }
      if (!event.stream().equals(stream) || event.revision() != revisions.get(i)) {
        throw new DataCorruptedException(
            "stream index entry " + stream + "@" + revisions.get(i) + " points at " + event);
      }
      events.add(event);
    }
    return events;
  }

  /** The first visible revision of the stream's stored head: scavenging removed all below it. */
  private long removedBefore(String stream) {
    byte[] key = Keys.utf8(stream);
    byte[] record = get(heads, key);
    return record == null ? 0 : HeadRecordCodec.decode(key, record).firstVisibleRevision();
  }

  @Override
  public List<RecordedEvent> readLog(
      long from, Direction direction, int limit, LogFilter filter, long maxPosition) {
    if (filter.isNone()) {
      return scanLog(from, direction, limit, maxPosition);
    }
    List<byte[]> positions =
        filter.kind() == LogFilter.Kind.QUERY
            ? queryIndex(from, direction, limit, filter, maxPosition)
            : mergeFilterIndex(from, direction, limit, filter, maxPosition);
    List<RecordedEvent> events = fetchOrRemoved(positions);
    events.removeIf(Objects::isNull); // removed since the index was read
    for (RecordedEvent event : events) {
      if (!filter.matches(event)) {
        throw new DataCorruptedException(
            "filter index entry for " + filter + " points at " + event + ", which does not match");
      }
    }
    return events;
  }

  private List<RecordedEvent> scanLog(long from, Direction direction, int limit, long maxPosition) {
    List<RecordedEvent> events = new ArrayList<>(Math.min(limit, 1024));
    boolean forward = direction == Direction.FORWARD;
    long expected = forward ? from : Math.min(from, maxPosition);
    if (expected > maxPosition || expected < 0) {
      return events;
    }
    try (RocksIterator it = db.newIterator(log, readOptions)) {
      it.seek(Keys.position(expected));
      while (it.isValid() && events.size() < limit && expected <= maxPosition && expected >= 0) {
        long position = logPosition(it.key());
        if (position != expected) {
          throw new DataCorruptedException(
              "the log has no event at position " + expected + " (next found: " + position + ")");
        }
        byte[] value = it.value();
        if (RemovalStub.isStub(value)) {
          RemovalStub.decode(position, value); // checked, then skipped: removed, not missing
        } else {
          events.add(decodeEvent(position, value));
        }
        if (forward) {
          expected++;
          it.next();
        } else {
          expected--;
          it.prev();
        }
      }
      checkIterator(it);
      if (events.size() < limit && expected <= maxPosition && expected >= 0) {
        throw new DataCorruptedException("the log has no event at position " + expected);
      }
    }
    return events;
  }

  /**
   * An index entry beyond the published head is either a commit the writer has not published yet,
   * whose event is then already in the log (one write batch), or damage: a flipped bit that made a
   * position huge must not end a read early as if the data stopped there.
   */
  private void checkUnpublished(long position, Predicate<RecordedEvent> belongs, String entry) {
    byte[] record = get(log, Keys.position(position));
    if (record == null) {
      throw new DataCorruptedException(
          entry + " points at position " + position + ", which holds no event");
    }
    RecordedEvent event = decodeEvent(position, record);
    if (!belongs.test(event)) {
      throw new DataCorruptedException(entry + " points at " + event);
    }
  }

  /**
   * Positions matching a query filter: the type and tag runs of the filter index joined by {@link
   * QueryPositions}, so only events matching an item are fetched.
   */
  private List<byte[]> queryIndex(
      long from, Direction direction, int limit, LogFilter filter, long maxPosition) {
    boolean forward = direction == Direction.FORWARD;
    long start = forward ? from : Math.min(from, maxPosition);
    List<Long> found =
        QueryPositions.find(
            filter.query(),
            forward,
            start,
            maxPosition,
            limit,
            (kind, value, walkForward) ->
                new IndexCursor(
                    db.newIterator(filterIndex, readOptions),
                    Keys.filterPrefix(kind == LogFilter.Kind.TYPE ? Keys.TYPE : Keys.TAG, value),
                    walkForward));
    List<byte[]> positions = new ArrayList<>(found.size());
    for (long position : found) {
      positions.add(Keys.position(position));
    }
    return positions;
  }

  /** Positions matching the filter, merged across one index iterator per filter value. */
  private List<byte[]> mergeFilterIndex(
      long from, Direction direction, int limit, LogFilter filter, long maxPosition) {
    boolean forward = direction == Direction.FORWARD;
    byte kind =
        switch (filter.kind()) {
          case CATEGORY -> Keys.CATEGORY;
          case TYPE -> Keys.TYPE;
          case TAG -> Keys.TAG;
          case NONE, QUERY -> throw new IllegalArgumentException("not a value filter");
        };
    long start = forward ? from : Math.min(from, maxPosition);
    List<byte[]> positions = new ArrayList<>(Math.min(limit, 1024));
    if (start > maxPosition || start < 0) {
      return positions;
    }
    List<IndexCursor> cursors = new ArrayList<>();
    try {
      PriorityQueue<IndexCursor> queue =
          new PriorityQueue<>(
              forward
                  ? (a, b) -> Long.compare(a.position, b.position)
                  : (a, b) -> Long.compare(b.position, a.position));
      for (String value : filter.values()) {
        IndexCursor cursor =
            new IndexCursor(
                db.newIterator(filterIndex, readOptions), Keys.filterPrefix(kind, value), forward);
        cursors.add(cursor);
        if (cursor.seek(start)) {
          queue.add(cursor);
        }
      }
      long last = -1;
      while (!queue.isEmpty() && positions.size() < limit) {
        IndexCursor cursor = queue.poll();
        long position = cursor.position;
        if (forward && position > maxPosition) {
          checkUnpublished(position, filter::matches, "filter index entry for " + filter);
          break;
        }
        if (position <= maxPosition && position != last) {
          positions.add(Keys.position(position));
          last = position;
        }
        if (cursor.advance()) {
          queue.add(cursor);
        }
      }
    } finally {
      for (IndexCursor cursor : cursors) {
        cursor.close();
      }
    }
    return positions;
  }

  /** One filter value's run of index keys, walked in one direction. */
  private static final class IndexCursor implements PositionCursor {
    private final RocksIterator iterator;
    private final byte[] prefix;
    private final boolean forward;
    private boolean loaded;
    long position;

    IndexCursor(RocksIterator iterator, byte[] prefix, boolean forward) {
      this.iterator = iterator;
      this.prefix = prefix;
      this.forward = forward;
    }

    @Override
    public boolean seek(long start) {
      if (loaded && (forward ? position >= start : position <= start)) {
        return true;
      }
      byte[] key = Keys.withLong(prefix, start);
      if (forward) {
        iterator.seek(key);
      } else {
        iterator.seekForPrev(key);
      }
      return load();
    }

    boolean advance() {
      if (forward) {
        iterator.next();
      } else {
        iterator.prev();
      }
      return load();
    }

    @Override
    public long position() {
      return position;
    }

    private boolean load() {
      loaded = false;
      if (!iterator.isValid()) {
        checkIterator(iterator);
        return false;
      }
      byte[] key = iterator.key();
      if (!Keys.startsWith(key, prefix)) {
        return false;
      }
      position = Keys.readLong(key, prefix.length);
      loaded = true;
      return true;
    }

    @Override
    public void close() {
      iterator.close();
    }
  }

  /** The events at {@code positions}; a removed one is refused, as every caller expects none. */
  private List<RecordedEvent> fetch(List<byte[]> positions) {
    List<RecordedEvent> events = fetchOrRemoved(positions);
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i) == null) {
        throw new DataCorruptedException(
            "an index points at position "
                + Keys.readLong(positions.get(i), 0)
                + ", which holds a removed event");
      }
    }
    return events;
  }

  /** The events at {@code positions}, null for each one scavenging removed. */
  private List<RecordedEvent> fetchOrRemoved(List<byte[]> positions) {
    if (positions.isEmpty()) {
      return new ArrayList<>();
    }
    List<byte[]> records;
    try {
      records =
          db.multiGetAsList(readOptions, Collections.nCopies(positions.size(), log), positions);
    } catch (RocksDBException e) {
      throw translate("read failed", e);
    }
    List<RecordedEvent> events = new ArrayList<>(positions.size());
    for (int i = 0; i < positions.size(); i++) {
      long position = Keys.readLong(positions.get(i), 0);
      if (records.get(i) == null) {
        throw new DataCorruptedException(
            "an index points at position " + position + ", which holds no event");
      }
      byte[] value = records.get(i);
      if (RemovalStub.isStub(value)) {
        RemovalStub.decode(position, value);
        events.add(null);
      } else {
        events.add(decodeEvent(position, value));
      }
    }
    return events;
  }

  /**
   * Probes with a synced write that changes nothing (the delete of a key that never exists): it
   * fails while RocksDB still holds the full-disk error, and succeeds once RocksDB has recovered.
   * Then the newest position is read again, since the failed batch may have become durable.
   */
  @Override
  public long resumeAfterFull() {
    try {
      db.delete(meta, syncWrite, RESUME_PROBE_KEY);
    } catch (RocksDBException e) {
      throw translate("the disk is still full", e);
    }
    lastPosition = recoverLastPosition();
    chainLink = recoverChain();
    return lastPosition;
  }

  /**
   * Backs the live store up with RocksDB's backup engine, incrementally, and checks the backup by
   * restoring it into a scratch copy and verifying that (see {@link RocksDbBackup}).
   */
  @Override
  public BackupReport backup(Path directory) {
    closing.readLock().lock();
    try {
      if (closed) {
        throw new StoreClosedException("the store is closed");
      }
      return RocksDbBackup.backup(db, handles, directory);
    } finally {
      closing.readLock().unlock();
    }
  }

  /**
   * Restores the newest backup in {@code backup} (written by {@link #backup}) into {@code target},
   * which must be empty or absent; the server must not be running on {@code target}.
   */
  public static void restore(Path backup, Path target) {
    RocksDbBackup.restore(backup, target);
  }

  @Override
  public VerifyReport verify() {
    return verify(null);
  }

  @Override
  public VerifyReport verify(ChainAnchor anchor) {
    return new StoreVerifier(
            db, readOptions, meta, log, heads, streamIndex, eventIds, filterIndex, records, chain)
        .run(anchor);
  }

  static void checkIterator(RocksIterator iterator) {
    try {
      iterator.status();
    } catch (RocksDBException e) {
      throw translate("read failed", e);
    }
  }

  static RuntimeException translate(String what, RocksDBException e) {
    Status status = e.getStatus();
    if (status != null && status.getSubCode() == Status.SubCode.NoSpace) {
      return new StorageFullException(what + ": the disk is full", e);
    }
    if (status != null && status.getCode() == Status.Code.Corruption) {
      return new DataCorruptedException(what + ": " + e.getMessage(), e);
    }
    return new StorageFailureException(what + ": " + e.getMessage(), e);
  }

  @Override
  public List<StorageGauge> gauges() {
    return RocksDbGauges.of(this);
  }

  /**
   * A RocksDB integer property, summed over the column families or (for what they share, like the
   * block cache) of the default one; NaN once closed.
   */
  double longProperty(String property, boolean summed) {
    closing.readLock().lock();
    try {
      if (closed) {
        return Double.NaN;
      }
      return summed ? db.getAggregatedLongProperty(property) : db.getLongProperty(property);
    } catch (RocksDBException e) {
      return Double.NaN;
    } finally {
      closing.readLock().unlock();
    }
  }

  @Override
  public void close() {
    closing.writeLock().lock();
    try {
      if (closed) {
        return; // closed before: RocksDB's native handles must be released exactly once
      }
      closed = true;
    } finally {
      closing.writeLock().unlock();
    }
    for (ColumnFamilyHandle handle : handles) {
      handle.close();
    }
    try {
      db.syncWal();
    } catch (RocksDBException ignored) {
      // every commit was already synced; this only tidies the WAL
    }
    db.close();
    syncWrite.close();
    readOptions.close();
    pacedCompaction.close();
    closeOptions();
  }

  private void closeOptions() {
    dbOptions.close();
    cfOptions.close();
    blockCache.close();
    bloomFilter.close();
    sstFileManager.close();
    rateLimiter.close();
    directoryLock.close();
  }
}
