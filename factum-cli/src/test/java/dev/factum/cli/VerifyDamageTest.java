package dev.factum.cli;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.cli.FactumCommandTest.factum;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.EventData;
import dev.factum.cli.FactumCommandTest.Run;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

/**
 * {@code factum verify} on damaged data directories: it names the damage and exits 1, both when
 * RocksDB refuses to open the directory (a flipped bit in the write-ahead log) and when the store
 * opens but a record is wrong (a flipped bit in one event record).
 */
class VerifyDamageTest {
  @TempDir Path data;

  private List<Long> writeEvents(int count) throws Exception {
    List<Long> walSizes = new ArrayList<>();
    try (FactumStore store = RocksDbEventStore.open(data)) {
      Path wal = wal();
      for (int i = 0; i < count; i++) {
        store.append("order-" + i, any(), List.of(EventData.json("Placed", "{\"i\":" + i + "}")));
        walSizes.add(Files.size(wal));
      }
    }
    return walSizes;
  }

  private Path wal() throws Exception {
    try (Stream<Path> files = Files.list(data)) {
      return files.filter(p -> p.toString().endsWith(".log")).sorted().toList().getLast();
    }
  }

  private static void flipBit(Path file, long offset) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x10);
    }
  }

  @Test
  void aDamagedWriteAheadLogIsReportedAndExitsOne() throws Exception {
    List<Long> sizes = writeEvents(6);
    Path wal = wal();
    flipBit(wal, (sizes.get(1) + sizes.get(2)) / 2);
    Run verify = factum("verify", "--data", data.toString());
    assertThat(verify.exit()).isEqualTo(1);
    assertThat(verify.out())
        .startsWith("DAMAGED: the store cannot be opened")
        .contains("checksum mismatch")
        .contains(wal.getFileName().toString());
  }

  @Test
  void aDamagedEventRecordIsNamedAndExitsOne() throws Exception {
    writeEvents(6);
    List<ColumnFamilyDescriptor> families = new ArrayList<>();
    for (String name :
        List.of(
            "default",
            "log",
            "heads",
            "stream-index",
            "event-ids",
            "filter-index",
            "records",
            "chain")) {
      families.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8)));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions options = new DBOptions();
        RocksDB db = RocksDB.open(options, data.toString(), families, handles)) {
      byte[] key = {0, 0, 0, 0, 0, 0, 0, 3};
      byte[] record = db.get(handles.get(1), key);
      record[record.length - 3] ^= 0x01;
      db.put(handles.get(1), key, record);
      handles.forEach(ColumnFamilyHandle::close);
    }
    Run verify = factum("verify", "--data", data.toString());
    assertThat(verify.exit()).isEqualTo(1);
    assertThat(verify.out()).startsWith("DAMAGED (").contains("position 3", "checksum mismatch");
  }
}
