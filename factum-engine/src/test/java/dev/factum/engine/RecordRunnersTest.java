package dev.factum.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.InvalidArgumentException;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.testing.FaultInjectingStorage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordRunners} over a real store's records: one runner per record, launched, updated in
 * place or restarted as the owner says, stopped when its record goes, and never two under one name.
 * The runners here only log what is done to them, so the order of starts and stops shows.
 */
class RecordRunnersTest {
  private final List<String> log = new ArrayList<>();

  /** A runner of a value such as "a" or "a paused"; a pause change is taken in place. */
  private final class LoggingRunner implements RecordRunners.Runner {
    private final String name;
    private String value;

    LoggingRunner(String name, String value) {
      this.name = name;
      this.value = value;
    }

    @Override
    public void start() {
      log.add("start " + name + "=" + value);
    }

    @Override
    public void stop() {
      log.add("stop " + name + "=" + value);
    }
  }

  private final class Owner implements RecordRunners.Definitions<String, LoggingRunner> {
    @Override
    public Optional<String> decode(StoreRecord record) {
      String value = new String(record.value(), StandardCharsets.UTF_8);
      return value.equals("not yet") ? Optional.empty() : Optional.of(value);
    }

    @Override
    public boolean update(LoggingRunner runner, String running, String wanted) {
      if (!base(running).equals(base(wanted))) {
        return false;
      }
      log.add("update " + runner.name + "=" + wanted);
      runner.value = wanted;
      return true;
    }

    @Override
    public LoggingRunner create(String name, String wanted) {
      return new LoggingRunner(name, wanted);
    }

    private static String base(String value) {
      return value.replace(" paused", "");
    }
  }

  private static long put(FactumStore store, String key, String value, long expected) {
    return store
        .records()
        .write(
            List.of(
                RecordWrite.put("things", key, value.getBytes(StandardCharsets.UTF_8), expected)))
        .getFirst();
  }

  private RecordRunners<String, LoggingRunner> runners(FactumStore store) {
    return new RecordRunners<>(store, "things", "thing", new Object(), new Owner());
  }

  @Test
  void launchingUnderANameThatHasARunnerStopsTheOldOneFirst() {
    try (FactumStore store = FactumStore.open(FaultInjectingStorage.inMemory());
        RecordRunners<String, LoggingRunner> runners = runners(store)) {
      runners.open(Duration.ofHours(1));
      long first = put(store, "x", "a", RecordWrite.ABSENT);
      LoggingRunner old = runners.launch("x", "a", first);
      // The record deleted elsewhere and made again, before any pass saw the delete.
      store.records().write(List.of(RecordWrite.delete("things", "x", RecordWrite.ANY)));
      long second = put(store, "x", "b", RecordWrite.ABSENT);
      LoggingRunner replacement = runners.launch("x", "b", second);

      assertThat(replacement).isNotSameAs(old);
      assertThat(log).containsExactly("start x=a", "stop x=a", "start x=b");
      assertThat(runners.names()).containsExactly("x");
      assertThat(runners.runner("x")).isSameAs(replacement);
    }
    assertThat(log).containsExactly("start x=a", "stop x=a", "start x=b", "stop x=b");
  }

  @Test
  void aPassLaunchesUpdatesRestartsAndStopsAsTheRecordsSay() {
    try (FactumStore store = FactumStore.open(FaultInjectingStorage.inMemory())) {
      long x = put(store, "x", "a", RecordWrite.ABSENT);
      put(store, "y", "not yet", RecordWrite.ABSENT);
      try (RecordRunners<String, LoggingRunner> runners = runners(store)) {
        runners.open(Duration.ofHours(1));
        assertThat(log).containsExactly("start x=a");
        assertThat(runners.names()).containsExactly("x");

        x = put(store, "x", "a paused", x);
        runners.follow();
        assertThat(log).containsExactly("start x=a", "update x=a paused");

        put(store, "x", "c", x);
        runners.follow();
        assertThat(log)
            .containsExactly("start x=a", "update x=a paused", "stop x=a paused", "start x=c");

        store.records().write(List.of(RecordWrite.delete("things", "x", RecordWrite.ANY)));
        runners.follow();
        assertThat(log).endsWith("stop x=c");
        assertThat(runners.names()).isEmpty();
        assertThatThrownBy(() -> runners.runner("x"))
            .isInstanceOf(InvalidArgumentException.class)
            .hasMessage("no thing named 'x'");
      }
      assertThat(log).endsWith("stop x=c");
    }
  }

  @Test
  void closedRunnersRefuseAndFollowNothing() {
    try (FactumStore store = FactumStore.open(FaultInjectingStorage.inMemory())) {
      RecordRunners<String, LoggingRunner> runners = runners(store);
      runners.open(Duration.ofHours(1));
      runners.close();
      put(store, "x", "a", RecordWrite.ABSENT);
      runners.follow();
      assertThat(log).isEmpty();
      assertThatThrownBy(runners::checkOpen)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the things are closed");
    }
  }
}
