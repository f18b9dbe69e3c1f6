package dev.factum.storage.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Learns of commits made by any server and passes the newest position on, so that subscribers on
 * this server see events written through another one promptly.
 *
 * <p>Design note: every commit runs {@code pg_notify(channel, last_position)} (one channel per
 * schema, {@link #CHANNEL_SQL}) inside its transaction; PostgreSQL delivers it only if and after
 * the commit succeeds. This thread LISTENs on its own connection. Notifications can be lost (the
 * connection breaks, the server restarts), so whenever none arrives for one poll interval it also
 * reads {@code factum_log.last_position} itself: polling is the fallback that bounds the delay even
 * when notifications fail. A broken connection is replaced after a pause; the positions passed on
 * never decrease.
 */
final class CommitWatcher implements AutoCloseable {
  /**
   * The channel of the schema the connection works in, as SQL: {@code factum_commits} for {@code
   * public} (so servers of every version agree), {@code <schema>_commits} for any other. One
   * channel per schema: the commits of one store (a tenant's schema) never wake the watchers of
   * another, and a position of one log is never taken for a position of another.
   */
  static final String CHANNEL_SQL =
      "(CASE current_schema() WHEN 'public' THEN 'factum_commits'"
          + " ELSE current_schema() || '_commits' END)";

  private final Supplier<Connection> connector;
  private final long pollMillis;
  private final LongConsumer listener;
  private final AtomicLong newest = new AtomicLong(-1);
  private final Thread thread;
  private volatile boolean closed;
  private volatile Connection connection;

  CommitWatcher(Supplier<Connection> connector, long pollMillis, LongConsumer listener) {
    this.connector = connector;
    this.pollMillis = pollMillis;
    this.listener = listener;
    this.thread =
        Thread.ofPlatform().name("factum-pg-commit-watcher").daemon().unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  private void run() {
    while (!closed) {
      try {
        if (connection == null) {
          connection = connector.get();
          try (Statement listen = connection.createStatement()) {
            String channel;
            try (ResultSet rs = listen.executeQuery("SELECT " + CHANNEL_SQL)) {
              rs.next();
              channel = rs.getString(1);
            }
            listen.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
          }
          offer(PgQueries.lastPosition(connection)); // anything committed while not listening
        }
        PGNotification[] notifications =
            connection.unwrap(PGConnection.class).getNotifications((int) pollMillis);
        if (notifications == null || notifications.length == 0) {
          offer(PgQueries.lastPosition(connection));
          continue;
        }
        for (PGNotification notification : notifications) {
          offer(Long.parseLong(notification.getParameter()));
        }
      } catch (SQLException | RuntimeException e) {
        dropConnection();
        pause();
      }
    }
    dropConnection();
  }

  private void offer(long position) {
    if (position > newest.get()) {
      newest.accumulateAndGet(position, Math::max);
      listener.accept(position);
    }
  }

  private void dropConnection() {
    Connection broken = connection;
    connection = null;
    if (broken != null) {
      try {
        broken.close();
      } catch (SQLException ignored) {
        // already broken
      }
    }
  }

  private void pause() {
    try {
      Thread.sleep(pollMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
