package dev.factum.tck;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.api.ExpectedRevision.exact;
import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletion;
import dev.factum.api.SystemStreams;
import dev.factum.api.WrongExpectedRevisionException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store's own system streams ({@code $keys}, {@code $audit}): written only through {@code
 * FactumStore.appendSystem}, atomically and durably like any append, readable by stream and in the
 * global log; every ordinary write path still refuses them.
 */
public abstract class SystemStreamsTck extends TckSupport {

  private static EventData system(String type) {
    return EventData.json(type, "{\"id\":\"k1\"}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSystemAppendWritesKeysAndAuditAtomicallyAndDurably() {
    store.append("order-1", noStream(), events(1));
    MultiAppendResult result =
        store.appendSystem(
            List.of(
                AppendRequest.of(SystemStreams.KEYS, any(), system("$key-created")),
                AppendRequest.of(SystemStreams.AUDIT, any(), system("$admin-action"))));
    assertThat(result.results()).extracting(r -> r.lastPosition()).containsExactly(1L, 2L);

    reopen();
    List<RecordedEvent> keys = readWholeStream(SystemStreams.KEYS);
    assertThat(keys).extracting(RecordedEvent::type).containsExactly("$key-created");
    assertThat(readWholeStream(SystemStreams.AUDIT))
        .extracting(RecordedEvent::type)
        .containsExactly("$admin-action");
    assertThat(positions(readWholeLog(LogFilter.none()))).containsExactly(0L, 1L, 2L);
  }

  @Test
  void aSystemAppendWithAConflictWritesNothing() {
    store.appendSystem(List.of(AppendRequest.of(SystemStreams.KEYS, any(), system("$a"))));
    long head = store.headPosition();
    assertThatThrownBy(
            () ->
                store.appendSystem(
                    List.of(
                        AppendRequest.of(SystemStreams.AUDIT, any(), system("$b")),
                        AppendRequest.of(SystemStreams.KEYS, exact(5), system("$c")))))
        .isInstanceOf(WrongExpectedRevisionException.class);
    assertThat(store.headPosition()).isEqualTo(head);
    assertThat(store.readAll(0, Direction.FORWARD, 10, LogFilter.none()).events()).hasSize(1);
  }

  @Test
  void ordinaryWritesCannotNameSystemStreamsAndTheSystemPathWritesNothingElse() {
    for (String stream : List.of(SystemStreams.KEYS, SystemStreams.AUDIT)) {
      assertThatThrownBy(() -> store.append(stream, any(), events(1)))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> store.delete(stream, any()))
          .isInstanceOf(InvalidArgumentException.class);
    }
    for (String stream : List.of("order-1", StreamDeletion.STREAM, "$other")) {
      assertThatThrownBy(
              () -> store.appendSystem(List.of(AppendRequest.of(stream, any(), system("$x")))))
          .isInstanceOf(InvalidArgumentException.class);
    }
    assertThat(store.headPosition()).isEqualTo(-1L);
  }
}
