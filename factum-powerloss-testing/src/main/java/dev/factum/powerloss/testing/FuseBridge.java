package dev.factum.powerloss.testing;

import dev.factum.powerloss.testing.VolatileTree.FsError;
import java.nio.ByteBuffer;
import jnr.ffi.Pointer;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The FUSE front end of a {@link VolatileTree}: translates libfuse's high-level callbacks into tree
 * operations and {@link FsError}s into negative errno values.
 *
 * <p>Design note: no durability decision is made here; every callback is a thin, stateless
 * translation, so the model can be read (and tested) without FUSE. Open files are addressed by the
 * handle ({@code fi.fh}) set at open/create, so a file unlinked while open keeps working as on a
 * real file system. An unexpected Java exception answers EIO (and is printed): the kernel must
 * always get an answer, or the program under test hangs.
 */
final class FuseBridge extends FuseStubFS {
  private static final int FALLOC_FL_KEEP_SIZE = 1;
  private final VolatileTree tree;

  FuseBridge(VolatileTree tree) {
    this.tree = tree;
  }

  @FunctionalInterface
  private interface Op {
    int run() throws FsError;
  }

  private static int call(Op op) {
    try {
      return op.run();
    } catch (FsError e) {
      return -errno(e.errno);
    } catch (RuntimeException e) {
      e.printStackTrace();
      return -ErrorCodes.EIO();
    }
  }

  private static int errno(VolatileTree.Errno errno) {
    return switch (errno) {
      case ENOENT -> ErrorCodes.ENOENT();
      case EEXIST -> ErrorCodes.EEXIST();
      case ENOTDIR -> ErrorCodes.ENOTDIR();
      case EISDIR -> ErrorCodes.EISDIR();
      case ENOTEMPTY -> ErrorCodes.ENOTEMPTY();
      case EIO -> ErrorCodes.EIO();
      case EINVAL -> ErrorCodes.EINVAL();
    };
  }

  private static void fill(FileStat stat, VolatileTree.Stat s) {
    if (s.directory()) {
      stat.st_mode.set(FileStat.S_IFDIR | 0755);
      stat.st_nlink.set(2);
    } else {
      stat.st_mode.set(FileStat.S_IFREG | 0644);
      stat.st_nlink.set(1);
      stat.st_size.set(s.size());
      stat.st_blocks.set((s.size() + 511) / 512);
    }
    stat.st_blksize.set(4096);
  }

  @Override
  public int getattr(String path, FileStat stat) {
    return call(
        () -> {
          fill(stat, tree.stat(path));
          return 0;
        });
  }

  @Override
  public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
    return call(
        () -> {
          fill(stat, tree.statOpen(fi.fh.get(), path));
          return 0;
        });
  }

  @Override
  public int readdir(
      String path, Pointer buf, FuseFillDir filter, @off_t long offset, FuseFileInfo fi) {
    return call(
        () -> {
          filter.apply(buf, ".", null, 0);
          filter.apply(buf, "..", null, 0);
          for (String name : tree.list(path)) {
            filter.apply(buf, name, null, 0);
          }
          return 0;
        });
  }

  @Override
  public int mkdir(String path, @mode_t long mode) {
    return call(
        () -> {
          tree.mkdir(path);
          return 0;
        });
  }

  @Override
  public int rmdir(String path) {
    return call(
        () -> {
          tree.rmdir(path);
          return 0;
        });
  }

  @Override
  public int unlink(String path) {
    return call(
        () -> {
          tree.unlink(path);
          return 0;
        });
  }

  @Override
  public int rename(String oldpath, String newpath) {
    return call(
        () -> {
          tree.rename(oldpath, newpath);
          return 0;
        });
  }

  @Override
  public int create(String path, @mode_t long mode, FuseFileInfo fi) {
    return call(
        () -> {
          fi.fh.set(tree.create(path));
          return 0;
        });
  }

  @Override
  public int open(String path, FuseFileInfo fi) {
    return call(
        () -> {
          fi.fh.set(tree.open(path));
          return 0;
        });
  }

  @Override
  public int read(
      String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
    return call(
        () -> {
          ByteBuffer into = ByteBuffer.allocate((int) size);
          int n = tree.read(fi.fh.get(), path, into, offset);
          buf.put(0, into.array(), 0, n);
          return n;
        });
  }

  @Override
  public int write(
      String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
    return call(
        () -> {
          byte[] bytes = new byte[(int) size];
          buf.get(0, bytes, 0, bytes.length);
          tree.write(fi.fh.get(), path, ByteBuffer.wrap(bytes), offset);
          return bytes.length;
        });
  }

  @Override
  public int truncate(String path, @off_t long size) {
    return call(
        () -> {
          tree.truncate(path, size);
          return 0;
        });
  }

  @Override
  public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
    return call(
        () -> {
          tree.truncateOpen(fi.fh.get(), path, size);
          return 0;
        });
  }

  @Override
  public int fallocate(
      String path, int mode, @off_t long off, @off_t long length, FuseFileInfo fi) {
    return call(
        () -> {
          if ((mode & ~FALLOC_FL_KEEP_SIZE) != 0) {
            return -ErrorCodes.EOPNOTSUPP();
          }
          if ((mode & FALLOC_FL_KEEP_SIZE) == 0) {
            tree.allocate(fi.fh.get(), path, off + length);
          } else {
            tree.statOpen(fi.fh.get(), path); // refuses after a cut, like every operation
          }
          return 0;
        });
  }

  @Override
  public int fsync(String path, int isdatasync, FuseFileInfo fi) {
    return call(
        () -> {
          tree.sync(fi.fh.get(), path);
          return 0;
        });
  }

  @Override
  public int fsyncdir(String path, FuseFileInfo fi) {
    return call(
        () -> {
          tree.syncDirectory(path);
          return 0;
        });
  }

  @Override
  public int flush(String path, FuseFileInfo fi) {
    return call(
        () -> {
          tree.statOpen(fi.fh.get(), path);
          return 0;
        });
  }

  @Override
  public int release(String path, FuseFileInfo fi) {
    return 0;
  }

  @Override
  public int opendir(String path, FuseFileInfo fi) {
    return call(
        () -> {
          if (!tree.stat(path).directory()) {
            return -ErrorCodes.ENOTDIR();
          }
          return 0;
        });
  }

  @Override
  public int releasedir(String path, FuseFileInfo fi) {
    return 0;
  }

  @Override
  public int access(String path, int mask) {
    return call(
        () -> {
          tree.stat(path);
          return 0;
        });
  }

  @Override
  public int chmod(String path, @mode_t long mode) {
    return call(
        () -> {
          tree.stat(path);
          return 0;
        });
  }

  @Override
  public int chown(String path, long uid, long gid) {
    return call(
        () -> {
          tree.stat(path);
          return 0;
        });
  }

  @Override
  public int utimens(String path, Timespec[] timespec) {
    return call(
        () -> {
          tree.stat(path);
          return 0;
        });
  }

  @Override
  public int statfs(String path, Statvfs stbuf) {
    return call(
        () -> {
          tree.stat("/");
          stbuf.f_bsize.set(4096);
          stbuf.f_frsize.set(4096);
          stbuf.f_blocks.set(1L << 24); // 64 GiB, all free: a full disk is not what this models
          stbuf.f_bfree.set(1L << 24);
          stbuf.f_bavail.set(1L << 24);
          stbuf.f_files.set(1L << 20);
          stbuf.f_ffree.set(1L << 20);
          stbuf.f_favail.set(1L << 20);
          stbuf.f_namemax.set(255);
          return 0;
        });
  }
}
