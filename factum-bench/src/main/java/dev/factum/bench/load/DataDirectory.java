package dev.factum.bench.load;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The directory one run writes its stores and baseline file into, and removes at the end.
 *
 * <p>What must stay true: a run only ever deletes what it created. It always works in a fresh
 * {@code factum-bench-*} directory of its own, made inside {@code --dir} when given (so the data
 * lands on the disk the user chose) or inside the system temp directory otherwise.
 */
public final class DataDirectory implements AutoCloseable {
  private final Path path;

  private DataDirectory(Path path) {
    this.path = path;
  }

  /** Creates a fresh run directory inside {@code parent} (the temp directory when null). */
  public static DataDirectory create(Path parent) throws IOException {
    Path base = parent == null ? Path.of(System.getProperty("java.io.tmpdir")) : parent;
    Files.createDirectories(base);
    return new DataDirectory(Files.createTempDirectory(base, "factum-bench-"));
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    deleteTree(path);
  }

  /** Deletes {@code root} and everything under it; nothing if it does not exist. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException failure)
              throws IOException {
            if (failure != null) {
              throw failure;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
