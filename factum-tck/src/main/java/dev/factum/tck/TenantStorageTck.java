package dev.factum.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.FactumException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamInfo;
import dev.factum.api.StreamQuery;
import dev.factum.engine.FactumStore;
import dev.factum.engine.TenantStorage;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The storage of tenants ({@link TenantStorage}): every location is a store of its own, beside the
 * root store and beside every other location (same stream names, its own log from position 0);
 * {@code create} never reuses data, {@code open} never creates, {@code delete} removes everything
 * and may be repeated, and only well-formed locations are accepted.
 */
public abstract class TenantStorageTck extends TckSupport {

  /** The tenants of the storage the fixture's (root) store is on. */
  protected abstract TenantStorage tenantStorage() throws Exception;

  private static String location() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static long append(FactumStore store, String stream, String marker) {
    return store
        .append(
            stream,
            ExpectedRevision.any(),
            List.of(EventData.json("T", "{\"m\":\"" + marker + "\"}")))
        .lastPosition();
  }

  private static List<String> log(FactumStore store) {
    return store.readAll(0, Direction.FORWARD, 100, LogFilter.none()).events().stream()
        .map(RecordedEvent::dataAsString)
        .toList();
  }

  @Test
  void eachLocationListsOnlyItsOwnStreams() throws Exception {
    TenantStorage tenants = tenantStorage();
    String one = location();
    append(store, "root-1", "root");
    try (FactumStore first = tenants.create(one)) {
      append(first, "order-1", "one");
      append(first, "order-2", "one");
      assertThat(first.listStreams(StreamQuery.all(10)).streams())
          .extracting(StreamInfo::stream)
          .containsExactly("order-1", "order-2");
      assertThat(store.listStreams(StreamQuery.all(10)).streams())
          .extracting(StreamInfo::stream)
          .containsExactly("root-1");
    }
  }

  @Test
  void eachLocationIsAStoreOfItsOwnWithItsOwnLogFromZero() throws Exception {
    TenantStorage tenants = tenantStorage();
    String one = location();
    String two = location();
    long rootPosition = append(store, "order-1", "root");
    try (FactumStore first = tenants.create(one);
        FactumStore second = tenants.create(two)) {
      assertThat(append(first, "order-1", "one")).isZero();
      assertThat(append(first, "order-1", "one-again")).isEqualTo(1);
      assertThat(append(second, "order-1", "two")).isZero();
      assertThat(log(first)).containsExactly("{\"m\":\"one\"}", "{\"m\":\"one-again\"}");
      assertThat(log(second)).containsExactly("{\"m\":\"two\"}");
      assertThat(second.headPosition()).isZero();
      assertThat(first.streamState("order-1").lastRevision()).isEqualTo(1);
    }
    assertThat(store.headPosition()).isEqualTo(rootPosition);
    assertThat(log(store)).containsExactly("{\"m\":\"root\"}");
    try (FactumStore again = tenants.open(one)) {
      assertThat(log(again)).hasSize(2);
    }
    tenants.delete(one);
    tenants.delete(two);
  }

  @Test
  void createNeverReusesOpenNeverCreatesAndDeleteRemovesEverything() throws Exception {
    TenantStorage tenants = tenantStorage();
    String location = location();
    assertThatThrownBy(() -> tenants.open(location)).isInstanceOf(FactumException.class);
    try (FactumStore created = tenants.create(location)) {
      append(created, "s-1", "x");
    }
    assertThatThrownBy(() -> tenants.create(location)).isInstanceOf(FactumException.class);
    tenants.delete(location);
    assertThatThrownBy(() -> tenants.open(location)).isInstanceOf(FactumException.class);
    tenants.delete(location); // nothing left: still fine
    try (FactumStore fresh = tenants.create(location)) {
      assertThat(log(fresh)).isEmpty();
    }
    tenants.delete(location);
  }

  @Test
  void onlyWellFormedLocationsAreAccepted() throws Exception {
    TenantStorage tenants = tenantStorage();
    for (String bad :
        new String[] {"", "A", "../x", "a/b", "a_b", "-a", "a b", "x".repeat(48), "\u0430"}) {
      assertThatThrownBy(() -> tenants.create(bad))
          .as(bad)
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> tenants.open(bad))
          .as(bad)
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> tenants.delete(bad))
          .as(bad)
          .isInstanceOf(InvalidArgumentException.class);
    }
  }
}
