package dev.factum.storage.rocksdb;

import static dev.factum.api.ExpectedRevision.any;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.ErrorCode;
import dev.factum.api.EventData;
import dev.factum.api.FactumException;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StorageFullException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: a small tmpfs (mounting one needs root, and a container must allow it;
 * otherwise the test is skipped and says why, except in CI, {@code CI=true}, where a skip would
 * hide the only real full-disk test and fails instead), a store on it, and appends until the disk
 * is full. Appends then fail with {@code storage-full}; every acknowledged event stays readable
 * byte for byte; and once space is freed (a filler file on the same tmpfs is deleted) the store
 * accepts appends again by itself, without a restart, and verifies clean, before and after
 * reopening.
 */
class FullDiskTest {
  private static final int TMPFS_MB = 24;
  private static final byte[] PAYLOAD = ("{\"pad\":\"" + "x".repeat(8000) + "\"}").getBytes(UTF_8);

  @TempDir Path temp;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  @SuppressWarnings("Finally") // a mount left behind must fail the run, even over another failure
  void aFullDiskRefusesAppendsLosesNothingAndTheStoreResumesOnceSpaceIsFreed() throws Exception {
    runnableHere(
        isRoot(),
        "FullDiskTest needs root to mount a small tmpfs (mount -t tmpfs); running as "
            + System.getProperty("user.name"));
    Path mount = temp.resolve("tmpfs");
    Files.createDirectories(mount);
    String refused =
        run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_MB + "m", "tmpfs", mount.toString());
    runnableHere(
        refused == null,
        "FullDiskTest could not mount a tmpfs although running as root: " + refused);
    try {
      Path data = mount.resolve("data");
      Path filler = mount.resolve("filler");
      fill(filler, (TMPFS_MB - 8) << 20);
      RocksDbConfig small = new RocksDbConfig(8 << 20, 1 << 20);
      Map<UUID, AppendResult> acknowledged = new HashMap<>();
      Map<UUID, byte[]> payloads = new HashMap<>();
      try (FactumStore store = RocksDbEventStore.open(data, StoreOptions.DEFAULT, small)) {
        StorageFullException full = null;
        for (int i = 0; i < 100_000 && full == null; i++) {
          UUID id = UUID.randomUUID();
          byte[] payload = payload(i);
          try {
            AppendResult result =
                store.append("s-" + i % 7, any(), List.of(EventData.json("T", payload).withId(id)));
            acknowledged.put(id, result);
            payloads.put(id, payload);
          } catch (StorageFullException e) {
            full = e;
          }
        }
        assertThat(full).as("the disk never filled").isNotNull();
        assertThat(full.code()).isEqualTo(ErrorCode.STORAGE_FULL);
        assertThat(acknowledged).isNotEmpty();
        System.out.printf(
            "full disk after %d acknowledged appends: %s%n",
            acknowledged.size(), full.getMessage());
        assertThat(store.isStopped()).as("a full disk must not stop the store").isFalse();
        // While full: refused with the same code, and nothing acknowledged is lost.
        assertThatThrownBy(
                () -> store.append("s-x", any(), List.of(EventData.json("T", payload(-1)))))
            .isInstanceOfSatisfying(
                FactumException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_FULL));
        assertEveryAcknowledgedEventIsThere(store, acknowledged, payloads);

        Files.delete(filler);
        long freed = System.nanoTime();
        AppendResult after = null;
        while (after == null && System.nanoTime() - freed < TimeUnit.SECONDS.toNanos(60)) {
          try {
            after = store.append("s-after", any(), List.of(EventData.json("T", "{}")));
          } catch (StorageFullException stillFull) {
            Thread.sleep(100);
          }
        }
        assertThat(after).as("the store did not resume within 60 s of freeing space").isNotNull();
        System.out.printf(
            "resumed %d ms after space was freed%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - freed));
        assertThat(after.lastPosition()).isEqualTo(store.headPosition());
        assertEveryAcknowledgedEventIsThere(store, acknowledged, payloads);
        assertThat(store.verify().ok()).isTrue();
      }
      try (FactumStore reopened = RocksDbEventStore.open(data, StoreOptions.DEFAULT, small)) {
        assertEveryAcknowledgedEventIsThere(reopened, acknowledged, payloads);
        assertThat(reopened.verify().ok()).isTrue();
      }
    } finally {
      String failed = run("umount", mount.toString());
      if (failed != null) {
        throw new IllegalStateException(failed);
      }
    }
  }

  /** Skips when the machine cannot run the test, except in CI, where that is a failure. */
  static void runnableHere(boolean runnable, String why) {
    if (runnable) {
      return;
    }
    if ("true".equals(System.getenv("CI"))) {
      fail(why + "; CI=true, where this test must run, not be skipped");
    }
    assumeTrue(false, why + "; skipped (in CI, CI=true, this fails)");
  }

  private static byte[] payload(int i) {
    byte[] payload = PAYLOAD.clone();
    byte[] marker = Integer.toString(i).getBytes(UTF_8);
    System.arraycopy(marker, 0, payload, 9, marker.length);
    return payload;
  }

  private static void assertEveryAcknowledgedEventIsThere(
      FactumStore store, Map<UUID, AppendResult> acknowledged, Map<UUID, byte[]> payloads) {
    List<RecordedEvent> log = new ArrayList<>();
    long from = 0;
    while (true) {
      List<RecordedEvent> page =
          store.readAll(from, Direction.FORWARD, 1000, LogFilter.none()).events();
      if (page.isEmpty()) {
        break;
      }
      log.addAll(page);
      from = page.getLast().position() + 1;
    }
    Map<UUID, RecordedEvent> byId = new HashMap<>();
    for (int i = 0; i < log.size(); i++) {
      assertThat(log.get(i).position()).isEqualTo(i);
      byId.put(log.get(i).id(), log.get(i));
    }
    for (Map.Entry<UUID, AppendResult> ack : acknowledged.entrySet()) {
      RecordedEvent event = byId.get(ack.getKey());
      assertThat(event).as("acknowledged event %s", ack.getKey()).isNotNull();
      assertThat(event.position()).isEqualTo(ack.getValue().lastPosition());
      assertThat(event.data()).isEqualTo(payloads.get(ack.getKey()));
    }
  }

  private static void fill(Path file, long bytes) throws IOException {
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < bytes; written += block.length) {
        out.write(block);
      }
    }
  }

  private static boolean isRoot() throws Exception {
    Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
    String uid = new String(id.getInputStream().readAllBytes(), UTF_8).strip();
    return id.waitFor() == 0 && uid.equals("0");
  }

  /** Runs a command; returns null on success, else what it printed. */
  private static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    return process.waitFor() == 0 ? null : String.join(" ", command) + " failed: " + output;
  }
}
