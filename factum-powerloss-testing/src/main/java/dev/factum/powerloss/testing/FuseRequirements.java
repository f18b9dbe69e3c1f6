package dev.factum.powerloss.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks, before a mount, that this machine can run FUSE file systems, and says what to install
 * when it cannot: a test that needs the power-loss layer fails with that message, never skips.
 */
final class FuseRequirements {
  private static final List<Path> LIBFUSE2 =
      List.of(
          Path.of("/usr/lib/x86_64-linux-gnu/libfuse.so.2"),
          Path.of("/lib/x86_64-linux-gnu/libfuse.so.2"),
          Path.of("/usr/lib/libfuse.so.2"),
          Path.of("/usr/lib64/libfuse.so.2"));

  private FuseRequirements() {}

  static void check() {
    if (!Files.exists(Path.of("/dev/fuse"))) {
      throw new IllegalStateException(
          "/dev/fuse is missing: the power-loss tests need FUSE (load the fuse module, or give the"
              + " container /dev/fuse)");
    }
    if (LIBFUSE2.stream().noneMatch(Files::exists)) {
      throw new IllegalStateException(
          "libfuse.so.2 is missing: install Debian's libfuse2 and fuse3 (bin/test does so as"
              + " root)");
    }
  }
}
