package dev.factum.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.RecordedEvent;
import dev.factum.api.SubjectNotFoundException;
import dev.factum.api.WrongMasterKeyException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.MasterKey;
import dev.factum.engine.StoreOptions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crypto-shredding across two servers on one PostgreSQL: a subject's key cached by server B does
 * not outlive a forget on server A (B sees the forget epoch move on its next page and looks the key
 * up again), a subject forgotten on one may get a new key on the other, and a server with another
 * master key is refused at open while the others go on.
 */
class ShreddingTwoServersTest {
  private static final StoreOptions OPTIONS =
      StoreOptions.DEFAULT.withMasterKey(MasterKey.generate());

  private PostgresFixture fixture;
  private FactumStore a;
  private FactumStore b;

  @BeforeEach
  void open() {
    fixture = new PostgresFixture();
    a = fixture.open(OPTIONS);
    b = fixture.open(OPTIONS);
  }

  @AfterEach
  void close() {
    try {
      assertThat(a.verify().ok()).as("%s", a.verify()).isTrue();
    } finally {
      a.close();
      b.close();
    }
  }

  private static EventData about(String subject, String json) {
    return EventData.json("Registered", json).withSubject(subject);
  }

  private static List<RecordedEvent> log(FactumStore store) {
    return store.readAll(0, Direction.FORWARD, 100, null).events();
  }

  @Test
  void aForgetOnOneServerIsSeenByTheOtherThatCachedTheKey() {
    a.append(
        "person-1",
        ExpectedRevision.noStream(),
        List.of(about("alice", "{\"n\":\"Alice\"}"), about("bob", "{\"n\":\"Bob\"}")));
    List<RecordedEvent> seenByB = log(b); // B now holds alice's key in its cache
    assertThat(seenByB.get(0).dataAsString()).isEqualTo("{\"n\":\"Alice\"}");
    assertThat(b.readStream("person-1", 0, Direction.FORWARD, 10).events()).isEqualTo(seenByB);

    a.forget("alice");
    List<RecordedEvent> after = log(b);
    assertThat(after.get(0).redacted()).isTrue();
    assertThat(after.get(0).dataAsString()).isEqualTo("{\"redacted\":true}");
    assertThat(after.get(1)).isEqualTo(seenByB.get(1));
    assertThat(b.readStream("person-1", 0, Direction.FORWARD, 10).events().getFirst().redacted())
        .isTrue();
    assertThatThrownBy(() -> b.forget("alice")).isInstanceOf(SubjectNotFoundException.class);

    // B appends for alice again, under a new key, which A reads; the old event stays redacted.
    b.append("person-1", ExpectedRevision.exact(1), List.of(about("alice", "{\"n\":\"New\"}")));
    List<RecordedEvent> onA = log(a);
    assertThat(onA.get(0).redacted()).isTrue();
    assertThat(onA.get(2).dataAsString()).isEqualTo("{\"n\":\"New\"}");

    assertThatThrownBy(() -> fixture.open(StoreOptions.DEFAULT.withMasterKey(MasterKey.generate())))
        .isInstanceOf(WrongMasterKeyException.class);
    assertThat(log(b)).hasSize(3);
  }
}
