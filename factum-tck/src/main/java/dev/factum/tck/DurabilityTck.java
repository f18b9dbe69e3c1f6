package dev.factum.tck;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.api.ExpectedRevision.exact;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventStore;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What was acknowledged survives closing and reopening, and the store carries on from it. */
public abstract class DurabilityTck extends TckSupport {

  @Test
  void everyAcknowledgedEventSurvivesAReopenByteForByte() {
    for (int i = 0; i < 30; i++) {
      store.append("s-" + i % 4, any(), List.of(full("T" + i % 3, "{\"i\":" + i + "}", "{}", "x")));
    }
    List<RecordedEvent> before = readWholeLog(LogFilter.none());
    reopen();
    assertThat(readWholeLog(LogFilter.none())).isEqualTo(before);
    assertThat(store.headPosition()).isEqualTo(29);
    assertThat(readWholeLog(LogFilter.tags("x"))).isEqualTo(before);
  }

  @Test
  void revisionsAndPositionsContinueAfterAReopen() {
    store.append("s-1", any(), events(3));
    reopen();
    AppendResult next = store.append("s-1", exact(2), events(1));
    assertThat(next).isEqualTo(new AppendResult("s-1", 3, 3, 3, 3));
    reopen();
    assertThat(store.streamState("s-1").lastRevision()).isEqualTo(3);
    assertThat(
            store
                .readStream("s-1", EventStore.END, Direction.BACKWARD, 1)
                .events()
                .getFirst()
                .position())
        .isEqualTo(3);
  }

  @Test
  void anEmptyStoreReopensEmpty() {
    reopen();
    assertThat(store.headPosition()).isEqualTo(-1);
    assertThat(store.append("s-1", any(), events(1)).firstPosition()).isEqualTo(0);
  }

  @Test
  void closingFinishesQueuedAppendsBeforeReleasingTheStorage() throws Exception {
    var futures =
        IntStream.range(0, 200)
            .mapToObj(i -> store.appendAsync(request("s-" + i % 7, any(), event(i))))
            .toList();
    store.close();
    long acknowledged = 0;
    for (var future : futures) {
      if (!future.isCompletedExceptionally()) {
        future.get();
        acknowledged++;
      }
    }
    assertThat(acknowledged).isEqualTo(200);
    store = fixture.open(options());
    assertThat(store.headPosition()).isEqualTo(199);
  }
}
