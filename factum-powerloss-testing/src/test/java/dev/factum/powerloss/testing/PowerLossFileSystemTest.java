package dev.factum.powerloss.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability model of {@link PowerLossFileSystem}, through a real FUSE mount and real system
 * calls from this JVM: what a cut keeps and what it drops.
 */
class PowerLossFileSystemTest {
  @TempDir Path temp;
  private PowerLossFileSystem fs;
  private Path root;

  @BeforeEach
  void mount() throws IOException {
    fs = PowerLossFileSystem.mount(temp.resolve("backing"), temp.resolve("mnt"));
    root = fs.root();
  }

  @AfterEach
  void unmount() throws IOException {
    fs.close();
  }

  private static void write(Path file, String text, boolean sync) throws IOException {
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      if (sync) {
        channel.force(true);
      }
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private Path cut() throws IOException {
    fs.cutPower();
    Path survivors = temp.resolve("survivors");
    fs.survivors(survivors, null);
    return survivors;
  }

  @Test
  void readsSeeUnsyncedWritesButACutDropsThem() throws IOException {
    Path file = root.resolve("f");
    write(file, "synced ", true);
    syncDirectory(root);
    write(file, "not synced", false);
    assertThat(Files.readString(file)).isEqualTo("synced not synced");

    Path survivors = cut();

    assertThat(Files.readString(survivors.resolve("f"))).isEqualTo("synced ");
  }

  @Test
  void aNewFileNeedsItsDirectorySyncedToSurvive() throws IOException {
    write(root.resolve("named"), "a", true);
    syncDirectory(root);
    write(root.resolve("unnamed"), "b", true);

    Path survivors = cut();

    assertThat(survivors.resolve("named")).hasContent("a");
    assertThat(survivors.resolve("unnamed")).doesNotExist();
  }

  @Test
  void aSyncedNameOfAnUnsyncedFileSurvivesEmpty() throws IOException {
    write(root.resolve("f"), "never synced", false);
    syncDirectory(root);

    assertThat(cut().resolve("f")).isEmptyFile();
  }

  @Test
  void renameAndUnlinkAreVolatileUntilTheDirectoryIsSynced() throws IOException {
    write(root.resolve("a"), "A", true);
    write(root.resolve("gone"), "G", true);
    syncDirectory(root);
    Files.move(root.resolve("a"), root.resolve("b"), StandardCopyOption.ATOMIC_MOVE);
    Files.delete(root.resolve("gone"));
    assertThat(root.resolve("a")).doesNotExist();

    Path survivors = cut();

    assertThat(survivors.resolve("a")).hasContent("A");
    assertThat(survivors.resolve("b")).doesNotExist();
    assertThat(survivors.resolve("gone")).hasContent("G");
  }

  @Test
  void aSyncedRenameReplacesTheTarget() throws IOException {
    write(root.resolve("CURRENT"), "old", true);
    syncDirectory(root);
    write(root.resolve("CURRENT.tmp"), "new", true);
    Files.move(
        root.resolve("CURRENT.tmp"),
        root.resolve("CURRENT"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(root);

    Path survivors = cut();

    assertThat(survivors.resolve("CURRENT")).hasContent("new");
    assertThat(survivors.resolve("CURRENT.tmp")).doesNotExist();
  }

  @Test
  void truncationIsDurableWithTheFilesSync() throws IOException {
    Path file = root.resolve("f");
    write(file, "0123456789", true);
    syncDirectory(root);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(4);
    }
    assertThat(cut().resolve("f")).hasContent("0123456789");
  }

  @Test
  void subdirectoriesNeedTheirParentSynced() throws IOException {
    Files.createDirectory(root.resolve("kept"));
    Files.createDirectory(root.resolve("lost"));
    write(root.resolve("kept/x"), "x", true);
    syncDirectory(root.resolve("kept"));
    write(root.resolve("lost/y"), "y", true);
    syncDirectory(root.resolve("lost"));
    Files.delete(root.resolve("lost/y"));
    Files.delete(root.resolve("lost"));
    syncDirectory(root);
    Files.createDirectory(root.resolve("unsynced"));

    Path survivors = cut();

    assertThat(survivors.resolve("kept/x")).hasContent("x");
    assertThat(survivors.resolve("lost")).doesNotExist();
    assertThat(survivors.resolve("unsynced")).doesNotExist();
  }

  @Test
  void aTornTailKeepsAPrefixOfTheUnsyncedWritesChosenBySeed() throws IOException {
    Path file = root.resolve("wal");
    write(file, "synced|", true);
    syncDirectory(root);
    for (int i = 0; i < 20; i++) {
      write(file, "record-" + i + "|", false);
    }
    String everything = Files.readString(file);
    fs.cutPower();
    int shorter = 0;
    for (long seed = 0; seed < 20; seed++) {
      Path survivors = temp.resolve("survivors-" + seed);
      fs.survivors(survivors, seed);
      String kept = Files.readString(survivors.resolve("wal"));
      assertThat(everything).startsWith(kept);
      assertThat(kept).startsWith("synced|");
      Path again = temp.resolve("again-" + seed);
      fs.survivors(again, seed);
      assertThat(again.resolve("wal")).hasContent(kept);
      shorter += kept.length() < everything.length() && kept.length() > "synced|".length() ? 1 : 0;
    }
    assertThat(shorter).as("seeds that tear inside the unsynced tail").isGreaterThan(10);
  }

  @Test
  void everyOperationFailsAfterTheCut() throws IOException {
    Path file = root.resolve("f");
    write(file, "x", true);
    fs.cutPower();
    assertThat(fs.powerCut()).isTrue();
    assertThatThrownBy(() -> Files.readString(file)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> write(root.resolve("g"), "y", false)).isInstanceOf(IOException.class);
  }

  @Test
  void cutsAtTheChosenSyncBeforeItTakesEffect() throws IOException {
    Path file = root.resolve("f");
    write(file, "one ", true);
    syncDirectory(root);
    long before = fs.syncs();
    assertThat(before).isEqualTo(2);
    AtomicInteger hooks = new AtomicInteger();
    fs.cutPowerAtSync(before + 2, hooks::incrementAndGet);
    write(file, "two ", true);
    assertThatThrownBy(() -> write(file, "three", true))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Input/output error");
    assertThat(hooks).hasValue(1);
    assertThat(fs.syncs()).isEqualTo(before + 2);

    assertThat(cut().resolve("f")).hasContent("one two ");
  }

  @Test
  void injectedErrorsFailOneWriteAndOneSync() throws IOException {
    Path file = root.resolve("f");
    write(file, "a", true);
    syncDirectory(root);
    fs.failNextWrite();
    assertThatThrownBy(() -> write(file, "lost", false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Input/output error");
    write(file, "b", false);
    fs.failNextSync();
    assertThatThrownBy(() -> write(file, "c", true)).isInstanceOf(IOException.class);
    assertThat(fs.injectedFailures()).isEqualTo(2);
    assertThat(file).hasContent("abc");
    write(file, "d", true);

    // The writes the failed sync covered are never made durable; later ones are.
    assertThat(cut().resolve("f")).hasContent("a\0\0d");
  }
}
