package dev.factum.bench.load;

import java.io.IOException;
import java.util.List;

/**
 * A system under test of {@code bin/bench compare}: Factum embedded, over HTTP or on PostgreSQL,
 * Message DB, Kafka, or the raw disk. The comparison runs the same workloads against each through
 * this interface, so a workload is written once and every system is measured the same way.
 *
 * <p>Design note: a target owns the running system (a broker or database it started, a directory);
 * a {@link Session} is one fresh, empty store inside it (a new store, topic or database), so no
 * measurement inherits another's data. Workloads a system cannot do honestly are declared through
 * {@link #supports}, and the report prints them as "not supported" with {@link #whyNot}: that is a
 * result, not a gap.
 *
 * <p>What must stay true: every append a {@link Writer} acknowledges is durable as the system
 * promises it (the report states each system's durability setting in {@link #setup}); a {@link
 * Reader} returns the number of events it actually loaded, so the workloads can check it; and
 * {@link #close} stops whatever the target started and removes its files.
 */
public interface BenchTarget extends AutoCloseable {

  /** What a workload needs from a system. */
  enum Capability {
    /** Durable appends of one or more events to an entity, without a concurrency check. */
    APPEND,
    /** Appends that carry the revision the writer expects the entity to be at. */
    EXPECTED_REVISION,
    /** Loading one entity's events. */
    ENTITY_LOAD,
    /** Reading the whole log from the start, as a new consumer. */
    CATCH_UP
  }

  /** The outcome of a conditional append: written at {@code revision}, or a conflict. */
  record Outcome(boolean written, long revision) {}

  /** The name in the report, e.g. "Kafka, flush per write". */
  String name();

  /** How the system is set up: version, durability setting, client; one line for the report. */
  String setup();

  boolean supports(Capability capability);

  /** Why a capability is not supported, for the report. */
  default String whyNot(Capability capability) {
    return "not supported";
  }

  /** A fresh, empty store; closed (and its data dropped) when the workload is done. */
  Session open(String label) throws Exception;

  /** Stops what the target started and removes its files. */
  @Override
  void close() throws IOException;

  /** One fresh store of a target. Thread-safe: writers and readers are made per load thread. */
  interface Session extends AutoCloseable {
    /** A writer for one load thread, closed with the session. */
    Writer writer() throws Exception;

    /** A reader for one load thread, closed with the session. */
    Reader reader() throws Exception;

    /**
     * Reads the whole log from its start as a new consumer would and returns the events read,
     * checking what the system lets it check (order, count).
     */
    long catchUp() throws Exception;

    @Override
    void close() throws IOException;
  }

  /** Appends for one load thread. */
  interface Writer extends AutoCloseable {
    /** Appends {@code bodies} (JSON objects) to {@code entity}, all or nothing, and waits. */
    void append(String entity, List<byte[]> bodies) throws Exception;

    /**
     * Appends one event if {@code entity} is at {@code expected} (-1: the entity has no events);
     * else reports the conflict and the entity's actual revision.
     */
    default Outcome appendExpecting(String entity, long expected, byte[] body) throws Exception {
      throw new UnsupportedOperationException("expected revision");
    }

    @Override
    default void close() throws IOException {}
  }

  /** Entity loads for one load thread. */
  interface Reader extends AutoCloseable {
    /** Loads all events of {@code entity} and returns how many there were. */
    int load(String entity) throws Exception;

    @Override
    default void close() throws IOException {}
  }
}
