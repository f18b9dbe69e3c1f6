package dev.factum.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.StoreClosedException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.StreamHead;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The in-memory storage's own checks: {@link InMemoryStorage#verify} names damage in each structure
 * (so the TCK's verify after every test means something against it), a commit that does not
 * continue the log is refused whole, and a closed storage refuses every call.
 */
class InMemoryStorageTest {

  private static InMemoryStorage filled() {
    InMemoryStorage storage = InMemoryStorage.create();
    FactumStore store = FactumStore.open(storage);
    store.append("order-1", ExpectedRevision.any(), List.of(EventData.json("T", "{}")));
    store.append("order-1", ExpectedRevision.any(), List.of(EventData.json("U", "{}")));
    store.delete("order-1", ExpectedRevision.any());
    store.close();
    return storage.reopen();
  }

  @Test
  void anUndamagedStoreVerifies() {
    assertThat(filled().verify().ok()).isTrue();
  }

  @Test
  void verifyNamesDamageInEveryStructure() {
    InMemoryStorage lostIndexEntry = filled();
    lostIndexEntry.data().filterIndex.get(LogFilter.Kind.TYPE).get("U").clear();
    assertThat(lostIndexEntry.verify().problems()).anyMatch(p -> p.contains("TYPE:U"));

    InMemoryStorage wrongHead = filled();
    StreamHead head = wrongHead.data().heads.get("order-1");
    wrongHead.data().heads.put("order-1", head.appended(5, 1));
    assertThat(wrongHead.verify().ok()).isFalse();

    InMemoryStorage lostId = filled();
    lostId.data().eventIds.clear();
    assertThat(lostId.verify().problems()).anyMatch(p -> p.contains("event-id"));

    InMemoryStorage deletionWithoutHead = filled();
    deletionWithoutHead.data().heads.remove("order-1");
    assertThat(deletionWithoutHead.verify().problems()).anyMatch(p -> p.contains("order-1"));
  }

  @Test
  void aBatchThatDoesNotContinueTheLogIsRefusedWhole() {
    InMemoryStorage storage = filled();
    var first = storage.readEvent(0);
    var batch = new CommitBatch(List.of(first), Map.of());
    assertThatThrownBy(() -> storage.commit(batch)).isInstanceOf(IllegalStateException.class);
    assertThat(storage.lastPosition()).isEqualTo(2);
    assertThat(storage.verify().ok()).isTrue();
  }

  @Test
  void aClosedStorageRefusesEveryCall() {
    InMemoryStorage storage = filled();
    storage.close();
    assertThatThrownBy(storage::lastPosition).isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> storage.loadHead("order-1")).isInstanceOf(StoreClosedException.class);
    assertThat(storage.reopen().lastPosition()).isEqualTo(2);
  }
}
