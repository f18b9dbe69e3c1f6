package dev.factum.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.InvalidArgumentException;
import dev.factum.api.RecordConflictException;
import dev.factum.engine.RecordWrite;
import dev.factum.engine.StoreRecords;
import dev.factum.engine.spi.StoreRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Store records (see "Store records" in docs/ARCHITECTURE.md): written atomically through the
 * writer, versioned, compare-and-set, durable across a reopen, read back whole per namespace.
 */
public abstract class StoreRecordsTck extends TckSupport {

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private StoreRecords records() {
    return store.records();
  }

  @Test
  void aPutIsReadBackWithVersionOneAndEachWriteAddsOne() {
    assertThat(records().read("app", "a")).isNull();
    assertThat(
            records().write(List.of(RecordWrite.put("app", "a", bytes("x"), RecordWrite.ABSENT))))
        .containsExactly(1L);
    assertThat(records().write(List.of(RecordWrite.put("app", "a", bytes("y"), 1))))
        .containsExactly(2L);
    StoreRecord read = records().read("app", "a");
    assertThat(read.version()).isEqualTo(2);
    assertThat(read.value()).isEqualTo(bytes("y"));
  }

  /**
   * Several writes of one key in one commit: their versions chain, and the storage receives the key
   * once, at the last version, which is more than one above what it holds (here: from absent to 2,
   * then from 2 to 4). Concurrent writers of one record meet like this whenever the writer batches
   * their commands together.
   */
  @Test
  void writesOfOneKeyInOneCommitChainTheirVersionsAndTheLastIsStored() {
    assertThat(
            records()
                .write(
                    List.of(
                        RecordWrite.put("app", "a", bytes("1"), RecordWrite.ABSENT),
                        RecordWrite.put("app", "a", bytes("2"), 1))))
        .containsExactly(1L, 2L);
    assertThat(
            records()
                .write(
                    List.of(
                        RecordWrite.put("app", "a", bytes("3"), 2),
                        RecordWrite.put("app", "a", bytes("4"), RecordWrite.ANY))))
        .containsExactly(3L, 4L);
    reopen();
    StoreRecord read = records().read("app", "a");
    assertThat(read.version()).isEqualTo(4);
    assertThat(read.value()).isEqualTo(bytes("4"));
    assertThat(records().write(List.of(RecordWrite.put("app", "a", bytes("5"), 4))))
        .containsExactly(5L);
  }

  @Test
  void aWrongExpectedVersionFailsTheWholeWriteAndWritesNothing() {
    records().write(List.of(RecordWrite.put("app", "a", bytes("1"), RecordWrite.ANY)));
    assertThatThrownBy(
            () ->
                records()
                    .write(
                        List.of(
                            RecordWrite.put("app", "b", bytes("new"), RecordWrite.ABSENT),
                            RecordWrite.put("app", "a", bytes("2"), 7))))
        .isInstanceOf(RecordConflictException.class)
        .hasMessageContaining("app/a");
    assertThatThrownBy(
            () ->
                records()
                    .write(List.of(RecordWrite.put("app", "a", bytes("3"), RecordWrite.ABSENT))))
        .isInstanceOf(RecordConflictException.class);
    assertThat(records().read("app", "b")).isNull();
    assertThat(records().read("app", "a").value()).isEqualTo(bytes("1"));
    assertThat(records().read("app", "a").version()).isEqualTo(1);
  }

  @Test
  void deletedRecordsAreGoneAndAKeyWrittenAgainStartsAtVersionOne() {
    records().write(List.of(RecordWrite.put("app", "a", bytes("1"), RecordWrite.ANY)));
    records().write(List.of(RecordWrite.put("app", "a", bytes("2"), RecordWrite.ANY)));
    assertThat(
            records()
                .write(
                    List.of(
                        RecordWrite.delete("app", "a", 2),
                        RecordWrite.put("app", "a", bytes("3"), RecordWrite.ABSENT),
                        RecordWrite.delete("app", "never-written", RecordWrite.ANY))))
        .containsExactly(0L, 1L, 0L);
    assertThat(records().read("app", "a").version()).isEqualTo(1);
    reopen();
    assertThat(records().read("app", "a").version()).isEqualTo(1);
    assertThat(records().read("app", "a").value()).isEqualTo(bytes("3"));
    records().write(List.of(RecordWrite.delete("app", "a", 1)));
    reopen();
    assertThat(records().read("app", "a")).isNull();
    assertThat(records().list("app")).isEmpty();
  }

  @Test
  void aNamespaceIsListedWholeInKeyOrderAndOnlyItsOwnRecords() {
    List<RecordWrite> writes = new ArrayList<>();
    for (String key : List.of("k2", "k10", "k1", "a")) {
      writes.add(RecordWrite.put("app", key, bytes(key), RecordWrite.ABSENT));
    }
    writes.add(RecordWrite.put("app2", "k0", bytes("other"), RecordWrite.ABSENT));
    writes.add(RecordWrite.put("ap", "k0", bytes("other"), RecordWrite.ABSENT));
    records().write(writes);
    reopen();
    assertThat(records().list("app"))
        .extracting(StoreRecord::key)
        .containsExactly("a", "k1", "k10", "k2");
    assertThat(records().list("app2")).extracting(StoreRecord::key).containsExactly("k0");
    assertThat(records().list("none")).isEmpty();
  }

  @Test
  void concurrentCompareAndSetWritersNeverLoseAnUpdate() throws Exception {
    records().write(List.of(RecordWrite.put("app", "counter", bytes("0"), RecordWrite.ABSENT)));
    int threads = 4;
    int increments = 25;
    Concurrently.run(
        threads,
        t -> {
          int done = 0;
          while (done < increments) {
            StoreRecord current = records().read("app", "counter");
            long next = Long.parseLong(new String(current.value(), StandardCharsets.UTF_8)) + 1;
            try {
              records()
                  .write(
                      List.of(
                          RecordWrite.put(
                              "app", "counter", bytes(Long.toString(next)), current.version())));
              done++;
            } catch (RecordConflictException lost) {
              // someone else won this round: read again
            }
          }
        });
    StoreRecord last = records().read("app", "counter");
    assertThat(new String(last.value(), StandardCharsets.UTF_8))
        .isEqualTo(Integer.toString(threads * increments));
    assertThat(last.version()).isEqualTo((long) threads * increments + 1);
  }

  @Test
  void badWritesAreRefusedBeforeAnythingIsWritten() {
    assertThatThrownBy(() -> records().write(List.of()))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () ->
                records()
                    .write(
                        List.of(
                            RecordWrite.put("app", "ok", bytes("1"), RecordWrite.ANY),
                            RecordWrite.put("factum.groups", "x", bytes("1"), RecordWrite.ANY))))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("reserved");
    assertThatThrownBy(
            () -> records().write(List.of(RecordWrite.put("app", "", bytes("1"), RecordWrite.ANY))))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () ->
                records()
                    .write(List.of(RecordWrite.put("a\u0000b", "k", bytes("1"), RecordWrite.ANY))))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () ->
                records()
                    .write(
                        List.of(
                            RecordWrite.put(
                                "app",
                                "big",
                                new byte[StoreRecords.MAX_VALUE_BYTES + 1],
                                RecordWrite.ANY))))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(records().list("app")).isEmpty();
  }
}
