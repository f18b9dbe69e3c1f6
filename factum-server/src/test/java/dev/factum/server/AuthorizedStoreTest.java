package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.FactumStore;
import dev.factum.engine.testing.InMemoryStorage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scan budget of a filtered log read: a page that finds no visible event within the budget is
 * empty and not the end, its {@code next} moves on, and paging forward or backward from it returns
 * exactly the visible events at their real positions.
 */
class AuthorizedStoreTest {
  private static final Principal ORDERS =
      new Principal("k", "orders", Role.READER, new Scopes(List.of(), List.of("order")), 0);

  @Test
  void pagesWithoutAVisibleEventStillMoveOnAndMissNothing() {
    try (FactumStore store = FactumStore.open(InMemoryStorage.create())) {
      List<Long> visible = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String stream = i % 13 == 5 ? "order-" + i : "other-" + i;
        long position =
            store
                .append(AppendRequest.of(stream, ExpectedRevision.any(), EventData.json("T", "{}")))
                .lastPosition();
        if (stream.startsWith("order-")) {
          visible.add(position);
        }
      }
      AuthorizedStore view = new AuthorizedStore(store, ORDERS, 4);
      ReadPage first = view.readAll(0, Direction.FORWARD, 2, LogFilter.none());
      assertThat(first.events()).isEmpty();
      assertThat(first.endOfRead()).isFalse();
      assertThat(first.next()).isEqualTo(4);

      for (Direction direction : Direction.values()) {
        List<Long> seen = new ArrayList<>();
        long from = direction == Direction.FORWARD ? 0 : Long.MAX_VALUE;
        int pages = 0;
        while (true) {
          ReadPage page = view.readAll(from, direction, 2, LogFilter.none());
          page.events().stream().map(RecordedEvent::position).forEach(seen::add);
          if (page.endOfRead()) {
            break;
          }
          from = page.next();
          assertThat(++pages).isLessThan(100);
        }
        List<Long> expected = new ArrayList<>(visible);
        if (direction == Direction.BACKWARD) {
          expected = expected.reversed();
        }
        assertThat(seen).as(direction.toString()).containsExactlyElementsOf(expected);
      }
    }
  }
}
