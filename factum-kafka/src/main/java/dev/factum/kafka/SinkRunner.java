package dev.factum.kafka;

import dev.factum.api.Direction;
import dev.factum.api.ReadPage;
import dev.factum.api.StoreClosedException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.RecordRunners;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Runs one sink: a thread that reads the log from the sink's checkpoint and forwards it to Kafka,
 * one transaction per page of events, each transaction also carrying the checkpoint past that page
 * ({@link Checkpoints}).
 *
 * <p>The cycle: make a transactional producer ({@code initTransactions} fences any earlier producer
 * of the sink, a zombie included, and completes or aborts its open transaction), recover the
 * position from the newest committed checkpoint, then forward. Any failure (broker down, a timeout,
 * a fenced producer, a commit whose outcome is unknown) throws the producer away and starts the
 * cycle again after a backoff (100 ms doubling to 5 s): since the position is always re-read from
 * what Kafka committed, a failure can neither skip events nor forward them twice.
 *
 * <p>What must stay true: the position only comes from a committed checkpoint (or the start of the
 * log for a new sink), never from what was merely sent; events of system streams ({@code $...},
 * such as API keys) are never forwarded; appends never wait for a sink (the sink only reads).
 */
final class SinkRunner implements RecordRunners.Runner {
  enum State {
    /** Connecting, or recovering the checkpoint. */
    STARTING,
    RUNNING,
    PAUSED,
    /** Another process sharing the storage holds the sink's lease and forwards it. */
    STANDBY,
    /** The last attempt failed; waiting for the backoff to pass. */
    RETRYING,
    STOPPED
  }

  /**
   * Most events per page, and so per Kafka transaction (capped by the store's read limit): a
   * transaction's commit costs a round trip to the coordinator and its markers, so fewer, larger
   * transactions forward faster (bin/bench transport: docs/BENCHMARKS.md).
   */
  static final int BATCH = 10_000;

  /**
   * Most events per Kafka transaction: while the log is behind, the pages ready one after the other
   * go into one transaction (each commit waits for every batch and then for the coordinator's
   * markers, ~0.5 s per 10,000-event transaction on a loaded machine: JFR, docs/KAFKA.md), read by
   * the reader thread while the producer ships the page before. A sink that is caught up commits
   * each page as it comes.
   */
  static final int TRANSACTION_EVENTS = 50_000;

  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Duration IDLE_WAIT = Duration.ofMillis(500);

  private final FactumStore store;
  private final SinkLease lease;
  private final String incarnation;
  private final Thread thread;
  private final AtomicLong forwarded = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile SinkDefinition definition;
  private volatile State state = State.STARTING;
  private volatile long next = -1;
  private volatile String lastError;
  private volatile boolean stopped;

  SinkRunner(FactumStore store, SinkDefinition definition, String incarnation, SinkLease lease) {
    this.store = store;
    this.lease = lease;
    this.definition = definition;
    this.incarnation = incarnation;
    this.thread = new Thread(this::run, "factum-sink-" + definition.name());
    thread.setDaemon(true);
  }

  @Override
  public void start() {
    thread.start();
  }

  /** Pauses or resumes: a transaction under way finishes first. */
  synchronized void update(SinkDefinition changed) {
    definition = changed;
    notifyAll();
  }

  /** Stops the thread and waits for it; a transaction under way is finished or abandoned. */
  @Override
  public void stop() throws InterruptedException {
    synchronized (this) {
      stopped = true;
      notifyAll();
    }
    thread.interrupt();
    thread.join(Duration.ofSeconds(30));
    lease.release();
  }

  /** The lease was taken over or could not be renewed: stop forwarding, wait as standby. */
  private static final class LeaseLost extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LeaseLost() {
      super("the sink's lease is held by another process", null, false, false);
    }
  }

  SinkStatus status() {
    long head = store.headPosition();
    long position = next;
    long lagEvents = position < 0 ? head + 1 : Math.max(0, head + 1 - position);
    double lagSeconds = 0;
    if (lagEvents > 0 && position >= 0) {
      ReadPage page = store.readAll(position, Direction.FORWARD, 1, definition.filter());
      if (!page.events().isEmpty()) {
        long millis =
            System.currentTimeMillis() - page.events().getFirst().timestamp().toEpochMilli();
        lagSeconds = Math.max(0, millis) / 1000.0;
      }
    }
    return new SinkStatus(
        definition,
        stopped ? "stopped" : state.name().toLowerCase(Locale.ROOT),
        position,
        lagEvents,
        lagSeconds,
        forwarded.get(),
        errors.get(),
        lastError);
  }

  private void run() {
    Duration backoff = MIN_BACKOFF;
    while (!stopped) {
      if (definition.paused()) {
        state = State.PAUSED;
        waitWhilePaused();
        continue;
      }
      if (!lease.acquire()) {
        state = State.STANDBY;
        if (!sleep(lease.retryInterval())) {
          return;
        }
        continue;
      }
      state = State.STARTING;
      KafkaProducer<byte[], byte[]> producer = null;
      try {
        producer = producer();
        producer.initTransactions();
        Properties common = common();
        Checkpoints.ensureTopic(definition, common);
        next = Checkpoints.recover(definition, incarnation, common, 0);
        state = State.RUNNING;
        backoff = MIN_BACKOFF;
        forward(producer);
      } catch (LeaseLost e) {
        state = State.STANDBY; // another process forwards from here; the producer is dropped
      } catch (InterruptedException e) {
        if (!stopped) {
          Thread.currentThread().interrupt();
        }
        return;
      } catch (StoreClosedException e) {
        return;
      } catch (RuntimeException e) {
        if (stopped) {
          return;
        }
        errors.incrementAndGet();
        lastError = e.toString();
        state = State.RETRYING;
        if (!sleep(backoff)) {
          return;
        }
        backoff = backoff.multipliedBy(2);
        if (backoff.compareTo(MAX_BACKOFF) > 0) {
          backoff = MAX_BACKOFF;
        }
      } finally {
        if (producer != null) {
          // Not waiting for sends in flight: their transaction is aborted, or completed by the
          // next producer's initTransactions.
          producer.close(Duration.ZERO);
        }
      }
    }
  }

  /**
   * Forwards pages until paused or stopped, one transaction at a time: the next page is read and
   * encoded on the reader thread while the current one is sent and committed. A transaction takes
   * the page it began with and, while the log is behind (the page was full), the pages after it, up
   * to {@link #TRANSACTION_EVENTS}, then its checkpoint: the position after its last page. The next
   * transaction begins only after that commit returned, so the order of transactions, and the rule
   * that the position only moves past a committed checkpoint, are those of a loop that does one
   * page after the other.
   *
   * <p>The futures of the sends are not needed: {@code commitTransaction} flushes them and throws
   * if any of them failed, and nothing of the transaction is then visible. Any failure drops the
   * page being prepared with the producer; the next cycle reads again from the committed
   * checkpoint.
   */
  @SuppressWarnings("FutureReturnValueIgnored")
  private void forward(KafkaProducer<byte[], byte[]> producer) throws InterruptedException {
    SinkDefinition current = definition;
    int limit = Math.min(BATCH, store.options().limits().maxReadLimit());
    ExecutorService reader =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "factum-sink-" + current.name() + "-reader");
              thread.setDaemon(true);
              return thread;
            });
    try {
      Future<SinkPage> pending = prepare(reader, current, next, limit);
      while (!stopped && !definition.paused()) {
        if (!lease.renewIfDue()) {
          throw new LeaseLost();
        }
        SinkPage page = await(pending);
        pending = prepare(reader, current, page.next(), limit);
        long after = page.next();
        int sent = page.records().size();
        if (page.events() > 0) {
          producer.beginTransaction();
          send(producer, page);
          while (!page.end() && sent < TRANSACTION_EVENTS && !stopped && !definition.paused()) {
            page = await(pending);
            pending = prepare(reader, current, page.next(), limit);
            send(producer, page);
            sent += page.records().size();
            after = page.next();
          }
          producer.send(Checkpoints.record(current, incarnation, after));
          producer.commitTransaction();
        }
        next = Math.max(next, after);
        forwarded.addAndGet(sent);
        if (page.end()) {
          // next is head + 1 here: wait for a new commit (or the idle wait, to notice a pause);
          // the page under way may have been read before that commit, so it is read again.
          if (store.awaitHeadBeyond(next - 1, IDLE_WAIT)) {
            pending.cancel(false);
            pending = prepare(reader, current, next, limit);
          }
        }
      }
    } finally {
      reader.shutdownNow();
    }
  }

  @SuppressWarnings("FutureReturnValueIgnored")
  private static void send(KafkaProducer<byte[], byte[]> producer, SinkPage page) {
    for (ProducerRecord<byte[], byte[]> record : page.records()) {
      producer.send(record);
    }
  }

  private Future<SinkPage> prepare(
      ExecutorService reader, SinkDefinition current, long from, int limit) {
    return reader.submit(() -> SinkPage.read(store, current, from, limit));
  }

  /** The page the reader made, or what went wrong making it (a closed store, say). */
  private static SinkPage await(Future<SinkPage> page) throws InterruptedException {
    try {
      return page.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException("reading a page for the sink failed", e.getCause());
    }
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Properties properties = common();
    SinkDefinition current = definition;
    for (Map.Entry<String, String> property : current.producerProperties().entrySet()) {
      properties.put(property.getKey(), property.getValue());
    }
    properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, current.transactionalId());
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    // A page is sent in one burst and then committed, and the commit waits for every batch: with
    // Kafka's 16 KiB batches a 10,000-event page (~4 MB) took ~30 produce requests, five in flight
    // on the one connection, and the commit waited ~400 ms for them (JFR, docs/KAFKA.md). Batches
    // of 512 KiB (under the broker's 1 MiB message.max.bytes) in requests of up to 8 MiB send a
    // page in a few requests.
    properties.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    properties.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
    // Short timeouts: a failed attempt is retried from the committed checkpoint, so giving up
    // early costs nothing but a reconnect, and the sink notices a broker that is gone sooner.
    properties.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    properties.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    properties.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    properties.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
    return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private Properties common() {
    Properties properties = new Properties();
    properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, definition.bootstrapServers());
    properties.put(CommonClientConfigs.CLIENT_ID_CONFIG, "factum-sink-" + definition.name());
    properties.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
    return properties;
  }

  private synchronized void waitWhilePaused() {
    while (!stopped && definition.paused()) {
      try {
        wait();
      } catch (InterruptedException e) {
        if (stopped) {
          return;
        }
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Waits out a backoff; false when stopped meanwhile. */
  private synchronized boolean sleep(Duration backoff) {
    long deadline = System.nanoTime() + backoff.toNanos();
    try {
      for (long left = backoff.toMillis(); !stopped && left > 0; ) {
        wait(left);
        left = (deadline - System.nanoTime()) / 1_000_000;
      }
    } catch (InterruptedException e) {
      return false;
    }
    return !stopped;
  }
}
