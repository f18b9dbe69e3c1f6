package dev.factum.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LimitExceededException;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.snapshots.Snapshot;
import dev.factum.api.snapshots.Snapshots;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Snapshots (docs/LIFECYCLE.md): saved for a revision the stream holds, loaded back byte for byte
 * across a reopen, never replaced by an older one, never served past a delete; bad saves refused
 * and writing nothing.
 */
public abstract class SnapshotTck extends TckSupport {

  private Snapshots snapshots() {
    return store.snapshots();
  }

  private static Snapshot snapshot(String stream, long revision, int schema, String state) {
    return new Snapshot(stream, revision, schema, state.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSavedSnapshotIsLoadedBackAcrossAReopen() {
    store.append("order-1", ExpectedRevision.any(), events(5));
    assertThat(snapshots().load("order-1")).isEmpty();
    Snapshot saved = snapshot("order-1", 3, 2, "{\"total\":3}");
    assertThat(snapshots().save(saved)).isTrue();
    assertThat(snapshots().load("order-1")).contains(saved);
    reopen();
    assertThat(snapshots().load("order-1")).contains(saved);
    assertThat(snapshots().load("order-2")).isEmpty();
  }

  @Test
  void anOlderSnapshotNeverReplacesANewerOne() {
    store.append("order-1", ExpectedRevision.any(), events(10));
    Snapshot newer = snapshot("order-1", 8, 1, "eight");
    assertThat(snapshots().save(newer)).isTrue();
    assertThat(snapshots().save(snapshot("order-1", 4, 1, "four"))).isFalse();
    assertThat(snapshots().load("order-1")).contains(newer);
    Snapshot sameRevisionNewSchema = snapshot("order-1", 8, 2, "eight, v2");
    assertThat(snapshots().save(sameRevisionNewSchema)).isTrue();
    assertThat(snapshots().load("order-1")).contains(sameRevisionNewSchema);
    Snapshot latest = snapshot("order-1", 9, 2, "nine");
    assertThat(snapshots().save(latest)).isTrue();
    assertThat(snapshots().load("order-1")).contains(latest);
  }

  @Test
  void aSnapshotIsNotServedPastADelete() {
    store.append("soft", ExpectedRevision.any(), events(3));
    snapshots().save(snapshot("soft", 2, 1, "two"));
    store.delete("soft", ExpectedRevision.exact(2));
    assertThat(snapshots().load("soft")).isEmpty();
    store.append("soft", ExpectedRevision.any(), events(2)); // recreated: revisions 3 and 4
    assertThat(snapshots().load("soft")).isEmpty();
    reopen();
    assertThat(snapshots().load("soft")).isEmpty();
    Snapshot afterRecreate = snapshot("soft", 4, 1, "four");
    assertThat(snapshots().save(afterRecreate)).isTrue();
    assertThat(snapshots().load("soft")).contains(afterRecreate);

    store.append("gone", ExpectedRevision.any(), events(2));
    snapshots().save(snapshot("gone", 1, 1, "one"));
    store.tombstone("gone", ExpectedRevision.any());
    assertThat(snapshots().load("gone")).isEmpty();
  }

  @Test
  void badSnapshotsAreRefusedAndWriteNothing() {
    store.append("s", ExpectedRevision.any(), events(3));
    Snapshot kept = snapshot("s", 1, 1, "one");
    snapshots().save(kept);
    assertThatThrownBy(() -> snapshots().save(snapshot("s", 3, 1, "beyond")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("beyond the stream's last revision 2");
    assertThatThrownBy(() -> snapshots().save(snapshot("unknown", 0, 1, "x")))
        .isInstanceOf(StreamNotFoundException.class);
    assertThatThrownBy(() -> snapshot("s", -1, 1, "x"))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> snapshot("s", 1, -1, "x"))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> snapshots().save(snapshot("", 1, 1, "x")))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> snapshots().save(snapshot("$keys", 0, 1, "x")))
        .isInstanceOf(InvalidArgumentException.class);
    byte[] tooBig = new byte[store.options().limits().maxEventBytes() + 1];
    assertThatThrownBy(() -> snapshots().save(new Snapshot("s", 2, 1, tooBig)))
        .isInstanceOf(LimitExceededException.class);
    assertThatThrownBy(() -> snapshots().save(null)).isInstanceOf(InvalidArgumentException.class);

    store.append("deleted", ExpectedRevision.any(), events(2));
    store.delete("deleted", ExpectedRevision.any());
    assertThatThrownBy(() -> snapshots().save(snapshot("deleted", 1, 1, "x")))
        .isInstanceOf(StreamNotFoundException.class);
    store.append("tomb", ExpectedRevision.any(), events(2));
    store.tombstone("tomb", ExpectedRevision.any());
    assertThatThrownBy(() -> snapshots().save(snapshot("tomb", 1, 1, "x")))
        .isInstanceOf(StreamDeletedException.class);

    assertThat(snapshots().load("s")).contains(kept);
    assertThat(snapshots().load("unknown")).isEmpty();
    assertThat(snapshots().load("deleted")).isEmpty();
  }

  @Test
  void aSnapshotAsLargeAsAnEventIsKept() {
    store.append("big", ExpectedRevision.any(), events(1));
    byte[] data = new byte[store.options().limits().maxEventBytes()];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    Snapshot big = new Snapshot("big", 0, 7, data);
    assertThat(snapshots().save(big)).isTrue();
    reopen();
    assertThat(snapshots().load("big")).contains(big);
  }
}
