package dev.factum.powerloss.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The file tree behind {@link PowerLossFileSystem}: what the running programs see, and what would
 * survive if the power were cut now.
 *
 * <p>Design note — the durability model (stricter than ext4, on purpose):
 *
 * <ul>
 *   <li><b>File contents.</b> Every write lands at once in the file's live copy (a file of the
 *       backing directory), which every read sees, as the page cache would. It is durable only once
 *       an fsync or fdatasync of that file succeeds: the sync copies the file's unsynced writes and
 *       its size into its durable copy. A truncate or fallocate that changes the size is a metadata
 *       change of the file, durable with the file's next sync.
 *   <li><b>Names.</b> Creating, renaming and unlinking a file or directory, and making or removing
 *       a directory, change the parent directory's live entries only; they are durable once that
 *       parent directory itself is fsynced, which copies all its live entries into its durable
 *       ones. An fsync of a file does <em>not</em> make its name durable (ext4 usually does), and a
 *       rename between two directories is durable in each only when each is synced (a crash between
 *       the two syncs can lose the file, which no journaling file system would).
 *   <li><b>Power cut.</b> From the cut on, every operation fails with EIO; the durable state is
 *       frozen. {@link #materialize} writes the durable tree (from the root's durable entries down)
 *       as plain files. A file whose durable name exists but that was never synced survives empty.
 *   <li><b>Torn tail.</b> Optionally, per file with unsynced writes and no unsynced size change, a
 *       random prefix of those writes (in the order they were made, the last one cut at a random
 *       byte) survives as well, as a disk that wrote some sectors before it lost power would leave
 *       it. The bytes kept are read from the live copy, so a later overwrite of the same range
 *       shows through; for append-only logs (a write-ahead log) that is the same thing.
 *   <li><b>Failed sync.</b> An injected fsync failure makes nothing durable and forgets the file's
 *       unsynced writes for durability (they stay readable), as Linux marks the dirty pages clean
 *       after a write-back error: a later successful fsync does not bring them back.
 * </ul>
 *
 * <p>Every operation runs under one lock: the tree is for tests, where exactness beats throughput.
 * It never calls a real fsync: the machine is not what loses power.
 */
final class VolatileTree {
  /** An operation's failure, with the errno the file system answers. */
  static final class FsError extends Exception {
    private static final long serialVersionUID = 1L;
    final Errno errno;

    FsError(Errno errno, String path) {
      super(errno + " " + path, null, false, false);
      this.errno = errno;
    }
  }

  /** The errors the tree reports; the FUSE front end maps them to the platform's numbers. */
  enum Errno {
    ENOENT,
    EEXIST,
    ENOTDIR,
    EISDIR,
    ENOTEMPTY,
    EIO,
    EINVAL
  }

  /** What {@code stat} shows. */
  record Stat(boolean directory, long size, long id) {}

  private abstract static sealed class Node permits Dir, File {
    final long id;

    Node(long id) {
      this.id = id;
    }
  }

  private static final class Dir extends Node {
    final TreeMap<String, Node> live = new TreeMap<>();
    TreeMap<String, Node> durable = new TreeMap<>();

    Dir(long id) {
      super(id);
    }
  }

  private static final class File extends Node {
    final RandomAccessFile liveFile;
    final Path durablePath;
    long durableSize;
    final List<long[]> unsynced = new ArrayList<>(); // {offset, length}, in write order
    boolean resizedSinceSync;

    File(long id, Path backing) throws IOException {
      super(id);
      this.liveFile = new RandomAccessFile(backing.resolve("live-" + id).toFile(), "rw");
      this.durablePath = backing.resolve("durable-" + id);
    }

    FileChannel channel() {
      return liveFile.getChannel();
    }
  }

  private final Path backing;
  private final Dir root = new Dir(1);
  private final Map<Long, File> files = new HashMap<>();
  private long nextId = 2;
  private long syncs;
  private long cutAtSync;
  private Runnable atCut = () -> {};
  private boolean cut;
  private Predicate<String> failNextWrite;
  private Predicate<String> failNextSync;
  private long injectedFailures;

  VolatileTree(Path backing) throws IOException {
    this.backing = Files.createDirectories(backing);
  }

  // ---- control -------------------------------------------------------------------------------

  synchronized long syncs() {
    return syncs;
  }

  synchronized void cutAtSync(long k, Runnable hook) {
    this.cutAtSync = k;
    this.atCut = hook;
  }

  synchronized void cutNow() {
    cut = true;
  }

  synchronized boolean isCut() {
    return cut;
  }

  synchronized void failNextWrite(Predicate<String> path) {
    failNextWrite = path;
  }

  synchronized void failNextSync(Predicate<String> path) {
    failNextSync = path;
  }

  /** Whether an injected failure is armed for this path; disarms it if so. */
  private boolean inject(boolean write, String path) {
    Predicate<String> armed = write ? failNextWrite : failNextSync;
    if (armed == null || !armed.test(String.valueOf(path))) {
      return false;
    }
    if (write) {
      failNextWrite = null;
    } else {
      failNextSync = null;
    }
    injectedFailures++;
    return true;
  }

  synchronized long injectedFailures() {
    return injectedFailures;
  }

  // ---- namespace -----------------------------------------------------------------------------

  synchronized Stat stat(String path) throws FsError {
    alive(path);
    Node node = resolve(path);
    return stat(node);
  }

  synchronized Stat statOpen(long id, String path) throws FsError {
    alive(path);
    return stat(file(id, path));
  }

  private Stat stat(Node node) throws FsError {
    if (node instanceof File file) {
      return new Stat(false, size(file), file.id);
    }
    return new Stat(true, 0, node.id);
  }

  synchronized List<String> list(String path) throws FsError {
    alive(path);
    return new ArrayList<>(dir(path).live.keySet());
  }

  synchronized void mkdir(String path) throws FsError {
    alive(path);
    Dir parent = parentOf(path);
    String name = nameOf(path);
    if (parent.live.containsKey(name)) {
      throw new FsError(Errno.EEXIST, path);
    }
    parent.live.put(name, new Dir(nextId++));
  }

  synchronized void rmdir(String path) throws FsError {
    alive(path);
    Dir parent = parentOf(path);
    Dir dir = dir(path);
    if (!dir.live.isEmpty()) {
      throw new FsError(Errno.ENOTEMPTY, path);
    }
    parent.live.remove(nameOf(path));
  }

  synchronized long create(String path) throws FsError {
    alive(path);
    Dir parent = parentOf(path);
    String name = nameOf(path);
    if (parent.live.containsKey(name)) {
      throw new FsError(Errno.EEXIST, path);
    }
    File file = newFile();
    parent.live.put(name, file);
    return file.id;
  }

  synchronized long open(String path) throws FsError {
    alive(path);
    if (!(resolve(path) instanceof File file)) {
      throw new FsError(Errno.EISDIR, path);
    }
    return file.id;
  }

  synchronized void unlink(String path) throws FsError {
    alive(path);
    Dir parent = parentOf(path);
    if (!(parent.live.get(nameOf(path)) instanceof File)) {
      throw new FsError(parent.live.containsKey(nameOf(path)) ? Errno.EISDIR : Errno.ENOENT, path);
    }
    parent.live.remove(nameOf(path));
  }

  synchronized void rename(String from, String to) throws FsError {
    alive(from);
    Dir fromParent = parentOf(from);
    Node node = fromParent.live.get(nameOf(from));
    if (node == null) {
      throw new FsError(Errno.ENOENT, from);
    }
    Dir toParent = parentOf(to);
    Node replaced = toParent.live.get(nameOf(to));
    if (replaced == node) {
      return;
    }
    if (replaced instanceof Dir dir) {
      if (!(node instanceof Dir)) {
        throw new FsError(Errno.EISDIR, to);
      }
      if (!dir.live.isEmpty()) {
        throw new FsError(Errno.ENOTEMPTY, to);
      }
    } else if (replaced != null && node instanceof Dir) {
      throw new FsError(Errno.ENOTDIR, to);
    }
    fromParent.live.remove(nameOf(from));
    toParent.live.put(nameOf(to), node);
  }

  // ---- contents ------------------------------------------------------------------------------

  synchronized int read(long id, String path, ByteBuffer into, long offset) throws FsError {
    alive(path);
    File file = file(id, path);
    try {
      int total = 0;
      while (into.hasRemaining()) {
        int n = file.channel().read(into, offset + total);
        if (n <= 0) {
          break;
        }
        total += n;
      }
      return total;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized void write(long id, String path, ByteBuffer from, long offset) throws FsError {
    alive(path);
    File file = file(id, path);
    if (inject(true, path)) {
      throw new FsError(Errno.EIO, path);
    }
    int length = from.remaining();
    try {
      int done = 0;
      while (from.hasRemaining()) {
        done += file.channel().write(from, offset + done);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    file.unsynced.add(new long[] {offset, length});
  }

  synchronized void truncate(String path, long size) throws FsError {
    alive(path);
    if (!(resolve(path) instanceof File file)) {
      throw new FsError(Errno.EISDIR, path);
    }
    resize(file, size);
  }

  synchronized void truncateOpen(long id, String path, long size) throws FsError {
    alive(path);
    resize(file(id, path), size);
  }

  /** fallocate without KEEP_SIZE: the file grows to {@code end} if it is shorter. */
  synchronized void allocate(long id, String path, long end) throws FsError {
    alive(path);
    File file = file(id, path);
    if (size(file) < end) {
      resize(file, end);
    }
  }

  private void resize(File file, long size) throws FsError {
    if (size < 0) {
      throw new FsError(Errno.EINVAL, "size " + size);
    }
    try {
      file.liveFile.setLength(size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    file.resizedSinceSync = true;
  }

  // ---- syncs ---------------------------------------------------------------------------------

  /** fsync or fdatasync of an open file: its contents and size become durable. */
  synchronized void sync(long id, String path) throws FsError {
    alive(path);
    File file = file(id, path);
    crashPoint(path);
    if (inject(false, path)) {
      file.unsynced.clear();
      file.resizedSinceSync = false;
      throw new FsError(Errno.EIO, path);
    }
    try (FileChannel durable =
        FileChannel.open(file.durablePath, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long size = size(file);
      for (long[] write : file.unsynced) {
        copy(file, durable, write[0], Math.min(write[1], size - write[0]));
      }
      durable.truncate(size);
      if (durable.size() < size) {
        durable.write(ByteBuffer.allocate(1), size - 1);
      }
      file.durableSize = size;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    file.unsynced.clear();
    file.resizedSinceSync = false;
  }

  /** fsync of a directory: its entries as they are now become durable. */
  synchronized void syncDirectory(String path) throws FsError {
    alive(path);
    Dir dir = dir(path);
    crashPoint(path);
    if (inject(false, path)) {
      throw new FsError(Errno.EIO, path);
    }
    dir.durable = new TreeMap<>(dir.live);
  }

  private void crashPoint(String path) throws FsError {
    syncs++;
    if (syncs == cutAtSync) {
      cut = true;
      atCut.run();
      throw new FsError(Errno.EIO, path);
    }
  }

  // ---- what survives -------------------------------------------------------------------------

  /**
   * Writes the durable tree into {@code target} (an empty or missing directory); with {@code torn}
   * given, a random prefix of each file's unsynced writes survives too (see the class note).
   */
  synchronized void materialize(Path target, SplittableRandom torn) throws IOException {
    Files.createDirectories(target);
    materialize(root, target, torn);
  }

  private void materialize(Dir dir, Path target, SplittableRandom torn) throws IOException {
    for (Map.Entry<String, Node> entry : dir.durable.entrySet()) {
      Path path = target.resolve(entry.getKey());
      if (entry.getValue() instanceof Dir child) {
        Files.createDirectories(path);
        materialize(child, path, torn);
      } else {
        File file = (File) entry.getValue();
        if (Files.exists(file.durablePath)) {
          Files.copy(file.durablePath, path);
        } else {
          Files.createFile(path);
        }
        try (FileChannel out = FileChannel.open(path, StandardOpenOption.WRITE)) {
          out.truncate(file.durableSize);
          if (out.size() < file.durableSize) {
            out.write(ByteBuffer.allocate(1), file.durableSize - 1);
          }
          if (torn != null && !file.resizedSinceSync && !file.unsynced.isEmpty()) {
            keepTornPrefix(file, out, torn);
          }
        }
      }
    }
  }

  private void keepTornPrefix(File file, FileChannel out, SplittableRandom torn)
      throws IOException {
    long total = 0;
    for (long[] write : file.unsynced) {
      total += write[1];
    }
    long keep = torn.nextLong(total + 1);
    long size = size(file);
    for (long[] write : file.unsynced) {
      if (keep <= 0) {
        break;
      }
      long length = Math.min(Math.min(write[1], keep), size - write[0]);
      copy(file, out, write[0], length);
      keep -= write[1];
    }
  }

  /**
   * Starts the tree from a plain directory (what survived an earlier cut): every file and entry in
   * it is durable.
   */
  synchronized void importTree(Path source) throws IOException {
    importInto(root, source);
  }

  private void importInto(Dir dir, Path source) throws IOException {
    List<Path> children;
    try (Stream<Path> list = Files.list(source)) {
      children = list.sorted().toList();
    }
    for (Path child : children) {
      String name = child.getFileName().toString();
      if (Files.isDirectory(child)) {
        Dir sub = new Dir(nextId++);
        dir.live.put(name, sub);
        importInto(sub, child);
        sub.durable = new TreeMap<>(sub.live);
      } else {
        File file = newFile();
        byte[] bytes = Files.readAllBytes(child);
        file.channel().write(ByteBuffer.wrap(bytes), 0);
        Files.write(file.durablePath, bytes);
        file.durableSize = bytes.length;
        dir.live.put(name, file);
      }
    }
    dir.durable = new TreeMap<>(dir.live);
  }

  /** Closes the live copies' handles; the tree answers nothing after this. */
  synchronized void close() throws IOException {
    cut = true;
    IOException failure = null;
    for (File file : files.values()) {
      try {
        file.liveFile.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private void alive(String path) throws FsError {
    if (cut) {
      throw new FsError(Errno.EIO, path);
    }
  }

  private File newFile() {
    try {
      File file = new File(nextId++, backing);
      files.put(file.id, file);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private File file(long id, String path) throws FsError {
    File file = files.get(id);
    if (file == null) {
      throw new FsError(Errno.ENOENT, path + " (handle " + id + ")");
    }
    return file;
  }

  private static long size(File file) {
    try {
      return file.liveFile.length();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copy(File file, FileChannel to, long offset, long length) throws IOException {
    if (length <= 0) {
      return;
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(length, 1 << 20));
    long done = 0;
    while (done < length) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), length - done));
      int n = file.channel().read(buffer, offset + done);
      if (n <= 0) {
        break;
      }
      buffer.flip();
      while (buffer.hasRemaining()) {
        to.write(buffer, offset + done + buffer.position());
      }
      done += n;
    }
  }

  private Node resolve(String path) throws FsError {
    Node node = root;
    for (String part : parts(path)) {
      if (!(node instanceof Dir dir)) {
        throw new FsError(Errno.ENOTDIR, path);
      }
      node = dir.live.get(part);
      if (node == null) {
        throw new FsError(Errno.ENOENT, path);
      }
    }
    return node;
  }

  private Dir dir(String path) throws FsError {
    if (!(resolve(path) instanceof Dir dir)) {
      throw new FsError(Errno.ENOTDIR, path);
    }
    return dir;
  }

  private Dir parentOf(String path) throws FsError {
    List<String> parts = parts(path);
    if (parts.isEmpty()) {
      throw new FsError(Errno.EINVAL, path);
    }
    return dir("/" + String.join("/", parts.subList(0, parts.size() - 1)));
  }

  private static String nameOf(String path) {
    List<String> parts = parts(path);
    return parts.getLast();
  }

  private static List<String> parts(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (!part.isEmpty()) {
        parts.add(part);
      }
    }
    return parts;
  }
}
