package dev.factum.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EncryptionUnavailableException;
import dev.factum.api.EventData;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.SubjectNotFoundException;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.api.WrongMasterKeyException;
import dev.factum.engine.MasterKey;
import dev.factum.engine.StoreOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Crypto-shredding (docs/LIFECYCLE.md): events naming a data subject are stored sealed, read back
 * as appended, and after {@code forget} read redacted on every read path (stream both ways, the
 * log, stream and log subscriptions), across a reopen, with ids, types, positions, revisions and
 * tags unchanged and other subjects untouched; what the storage holds never contains a subject's
 * plaintext; a wrong or missing master key is refused at open and changes nothing.
 */
public abstract class ShreddingTck extends TckSupport {
  private static final MasterKey MASTER = MasterKey.generate();
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Override
  protected StoreOptions options() {
    return StoreOptions.DEFAULT.withMasterKey(MASTER);
  }

  private static EventData about(String subject, String json, String metadata) {
    return new EventData(
        UUID.randomUUID(),
        "Registered",
        EventData.JSON,
        json.getBytes(StandardCharsets.UTF_8),
        metadata == null ? null : metadata.getBytes(StandardCharsets.UTF_8),
        Set.of("people"),
        subject);
  }

  @Test
  void forgottenSubjectsReadRedactedOnEveryPathAndOthersIntact() throws Exception {
    EventData a1 = about("alice", "{\"name\":\"Alice Secret\"}", "{\"ip\":\"alice-ip\"}");
    EventData b1 = about("bob", "{\"name\":\"Bob Secret\"}", null);
    EventData plain = full("Noted", "{\"note\":\"public\"}", null, "people");
    EventData a2 = about("alice", "{\"email\":\"alice@secret\"}", null).withId(null);
    store.append("person-1", ExpectedRevision.noStream(), List.of(a1, b1, plain));
    store.append("person-2", ExpectedRevision.noStream(), List.of(a2));

    List<RecordedEvent> before = readWholeLog(LogFilter.none());
    assertThat(before).hasSize(4);
    assertOpened(before.get(0), a1);
    assertOpened(before.get(1), b1);
    assertThat(before.get(2).subject()).isNull();
    assertThat(before.get(2).dataAsString()).isEqualTo("{\"note\":\"public\"}");
    assertOpened(before.get(3), a2);
    assertThat(readWholeStream("person-1")).isEqualTo(before.subList(0, 3));
    assertNoPlaintextStored("Alice Secret", "alice-ip", "alice@secret", "Bob Secret");

    // A retry of a sealed append is recognised (the seal is deterministic for an event with an id).
    AppendResult retried =
        store.append("person-1", ExpectedRevision.noStream(), List.of(a1, b1, plain));
    assertThat(retried.firstPosition()).isEqualTo(before.getFirst().position());

    store.forget("alice");
    assertThatThrownBy(() -> store.forget("alice")).isInstanceOf(SubjectNotFoundException.class);
    assertThatThrownBy(() -> store.forget("nobody")).isInstanceOf(SubjectNotFoundException.class);

    assertForgotten(before);
    reopen();
    assertForgotten(before);

    // The subject may have events again, under a new key; the forgotten ones stay forgotten.
    EventData a3 = about("alice", "{\"name\":\"Alice Again\"}", null);
    store.append("person-1", ExpectedRevision.exact(2), List.of(a3));
    List<RecordedEvent> stream = readWholeStream("person-1");
    assertThat(stream.get(0).redacted()).isTrue();
    assertOpened(stream.get(3), a3);
  }

  private void assertForgotten(List<RecordedEvent> before) throws Exception {
    List<RecordedEvent> log = readWholeLog(LogFilter.none());
    List<RecordedEvent> backward =
        store.readStream("person-1", EventStore.END, Direction.BACKWARD, 10).events().reversed();
    List<RecordedEvent> viaStreams = new ArrayList<>(readWholeStream("person-1"));
    viaStreams.addAll(readWholeStream("person-2"));
    List<RecordedEvent> fromLogSubscription = subscribe(SubscriptionRequest.toAll(), 4);
    List<RecordedEvent> fromStreamSubscription =
        subscribe(SubscriptionRequest.toStream("person-1"), 3);
    List<RecordedEvent> filtered = readWholeLog(LogFilter.tags("people"));
    for (List<RecordedEvent> read :
        List.of(log, viaStreams, fromLogSubscription, filtered, backward)) {
      assertThat(read).hasSize(read == backward ? 3 : 4);
      for (int i = 0; i < read.size(); i++) {
        RecordedEvent now = read.get(i);
        RecordedEvent then =
            before.stream().filter(e -> e.id().equals(now.id())).findFirst().orElseThrow();
        assertThat(List.of(now.position(), now.revision()))
            .isEqualTo(List.of(then.position(), then.revision()));
        assertThat(now.type()).isEqualTo(then.type());
        assertThat(now.stream()).isEqualTo(then.stream());
        assertThat(now.tags()).isEqualTo(then.tags());
        assertThat(now.contentType()).isEqualTo(then.contentType());
        if ("alice".equals(then.subject())) {
          assertThat(now.redacted()).as("alice's event %s", now).isTrue();
          assertThat(now.subject()).isEqualTo("alice");
          assertThat(now.dataAsString()).isEqualTo("{\"redacted\":true}");
          assertThat(now.metadata()).isNull();
        } else {
          assertThat(now).isEqualTo(then);
        }
      }
    }
    assertThat(fromStreamSubscription).isEqualTo(log.subList(0, 3));
    assertNoPlaintextStored("Alice Secret", "alice-ip", "alice@secret", "Bob Secret");
  }

  @Test
  void aWrongOrMissingMasterKeyIsRefusedAtOpenAndChangesNothing() {
    store.append("person-1", ExpectedRevision.any(), List.of(about("carol", "{\"x\":1}", null)));
    long head = store.headPosition();
    store.close();
    store = null;
    StoreOptions wrong = StoreOptions.DEFAULT.withMasterKey(MasterKey.generate());
    assertThatThrownBy(() -> fixture.open(wrong))
        .isInstanceOf(WrongMasterKeyException.class)
        .hasMessageContaining("not the one");
    assertThatThrownBy(() -> fixture.open(StoreOptions.DEFAULT))
        .isInstanceOf(WrongMasterKeyException.class)
        .hasMessageContaining("none was given");
    store = fixture.open(options());
    assertThat(store.headPosition()).isEqualTo(head);
    RecordedEvent event = readWholeStream("person-1").getFirst();
    assertThat(event.subject()).isEqualTo("carol");
    assertThat(event.dataAsString()).isEqualTo("{\"x\":1}");
  }

  @Test
  void withoutAMasterKeySubjectsAreRefusedAndNothingIsWritten() throws Exception {
    store.close();
    fixture.close(); // its store was opened with a master key; this test needs one never opened so
    fixture = createFixture();
    store = fixture.open(StoreOptions.DEFAULT);
    assertThatThrownBy(
            () ->
                store.append(
                    "person-1", ExpectedRevision.any(), List.of(about("dave", "{}", null))))
        .isInstanceOf(EncryptionUnavailableException.class);
    assertThatThrownBy(() -> store.forget("dave"))
        .isInstanceOf(EncryptionUnavailableException.class);
    assertThat(store.headPosition()).isEqualTo(-1);
    EventData reserved =
        new EventData(null, "T", "application/vnd.factum.sealed", new byte[] {1}, null, Set.of());
    assertThatThrownBy(() -> store.append("s", ExpectedRevision.any(), List.of(reserved)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(store.headPosition()).isEqualTo(-1);
  }

  @Test
  void anExportedViewImportsWithItsSubjectsAndRedactionsKept() {
    EventData e1 = about("erin", "{\"name\":\"Erin Secret\"}", null);
    EventData f1 = about("frank", "{\"name\":\"Frank Secret\"}", null);
    store.append("person-9", ExpectedRevision.noStream(), List.of(e1, f1));
    store.forget("frank");
    List<RecordedEvent> exported = readWholeLog(LogFilter.none());
    List<RecordedEvent> renamed = new ArrayList<>();
    for (RecordedEvent e : exported) {
      renamed.add(
          new RecordedEvent(
              UUID.randomUUID(),
              "copy-9",
              e.revision(),
              -1,
              e.timestamp(),
              e.type(),
              e.contentType(),
              e.data(),
              e.metadata(),
              e.tags(),
              e.subject(),
              e.redacted()));
    }
    store.importEvents(renamed);
    List<RecordedEvent> copy = readWholeStream("copy-9");
    assertThat(copy.get(0).dataAsString()).isEqualTo("{\"name\":\"Erin Secret\"}");
    assertThat(copy.get(0).subject()).isEqualTo("erin");
    assertThat(copy.get(1).redacted()).isTrue();
    assertThat(copy.get(1).subject()).isEqualTo("frank");
    assertNoPlaintextStored("Erin Secret", "Frank Secret");
    store.forget("erin");
    assertThat(readWholeStream("copy-9").getFirst().redacted()).isTrue();
  }

  private static void assertOpened(RecordedEvent read, EventData sent) {
    assertThat(read.subject()).isEqualTo(sent.subject());
    assertThat(read.redacted()).isFalse();
    assertThat(read.contentType()).isEqualTo(sent.contentType());
    assertThat(read.data()).isEqualTo(sent.data());
    assertThat(read.metadata()).isEqualTo(sent.metadata());
    assertThat(read.tags()).isEqualTo(sent.tags());
    if (sent.id() != null) {
      assertThat(read.id()).isEqualTo(sent.id());
    }
  }

  /** What the storage holds (read beneath the engine's opening) never contains these texts. */
  private void assertNoPlaintextStored(String... secrets) {
    ReadPage page = store.readStoredLog(0, 1000);
    assertThat(page.events()).isNotEmpty();
    for (RecordedEvent stored : page.events()) {
      String bytes =
          new String(stored.data(), StandardCharsets.ISO_8859_1)
              + (stored.metadata() == null
                  ? ""
                  : new String(stored.metadata(), StandardCharsets.ISO_8859_1));
      for (String secret : secrets) {
        assertThat(bytes).as("stored bytes of %s", stored).doesNotContain(secret);
      }
      assertThat(stored.redacted()).isFalse();
    }
  }

  private List<RecordedEvent> subscribe(SubscriptionRequest request, int count) throws Exception {
    List<RecordedEvent> seen = Collections.synchronizedList(new ArrayList<>());
    SubscriptionListener listener = seen::add;
    Subscription subscription = store.subscribe(request, listener);
    try {
      Await.until(count + " events", WAIT, () -> seen.size() >= count);
    } finally {
      subscription.close();
    }
    return List.copyOf(seen);
  }
}
