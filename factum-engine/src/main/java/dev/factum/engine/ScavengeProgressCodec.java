package dev.factum.engine;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.scavenge.ScavengeStatus;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The value of the scavenger's progress record ({@value Scavenger#NAMESPACE}/{@value
 * Scavenger#KEY}): one {@link ScavengeStatus}.
 *
 * <pre>
 *  +--------+----------+-------------+-------------+--------------+-------------+
 *  | ver=1  | state(1) | runId (8)   | started ms  | finished ms  | head (8)    |
 *  +--------+----------+-------------+-------------+--------------+-------------+
 *  | visited (8) | removed (8) | bytes removed (8) | reclaimed (8) | rate (8)    |
 *  +-------------+-------------+-------------------+---------------+-------------+
 *  | u16 len + cursor (len 0xFFFF: none) | u16 len + failure (0xFFFF: none)      |
 *  +-------------------------------------+---------------------------------------+
 * </pre>
 *
 * Times are epoch milliseconds, -1 for none. The record store checksums the value; a version this
 * build does not know, or a value of the wrong shape, is a {@link DataCorruptedException}.
 */
final class ScavengeProgressCodec {
  static final byte VERSION = 1;
  private static final int NONE = 0xFFFF;
  private static final int MAX_FAILURE_CHARS = 2000;

  private ScavengeProgressCodec() {}

  static byte[] encode(ScavengeStatus status) {
    byte[] cursor = utf8(status.streamCursor());
    String failureText = status.failure();
    if (failureText != null && failureText.length() > MAX_FAILURE_CHARS) {
      failureText = failureText.substring(0, MAX_FAILURE_CHARS);
    }
    byte[] failure = utf8(failureText);
    ByteBuffer out =
        ByteBuffer.allocate(
            2
                + 8 * 9
                + 4
                + (cursor == null ? 0 : cursor.length)
                + (failure == null ? 0 : failure.length));
    out.put(VERSION).put(stateCode(status.state()));
    out.putLong(status.runId());
    out.putLong(millis(status.startedAt())).putLong(millis(status.finishedAt()));
    out.putLong(status.headPosition()).putLong(status.streamsVisited());
    out.putLong(status.eventsRemoved()).putLong(status.bytesRemoved());
    out.putLong(status.bytesReclaimed()).putLong(status.eventsPerSecond());
    putString(out, cursor);
    putString(out, failure);
    return out.array();
  }

  static ScavengeStatus decode(byte[] value) {
    try {
      ByteBuffer in = ByteBuffer.wrap(value);
      byte version = in.get();
      if (version != VERSION) {
        throw new DataCorruptedException(
            "the scavenger's progress record has version " + version + "; this build knows 1");
      }
      ScavengeStatus.State state = stateOf(in.get());
      long runId = in.getLong();
      Instant started = instant(in.getLong());
      Instant finished = instant(in.getLong());
      long head = in.getLong();
      long visited = in.getLong();
      long removed = in.getLong();
      long bytesRemoved = in.getLong();
      long reclaimed = in.getLong();
      long rate = in.getLong();
      String cursor = readString(in);
      String failure = readString(in);
      ScavengeStatus status =
          new ScavengeStatus(
              state,
              runId,
              started,
              finished,
              head,
              cursor,
              visited,
              removed,
              bytesRemoved,
              reclaimed,
              rate,
              failure);
      if (in.hasRemaining()) {
        throw new DataCorruptedException("the scavenger's progress record has trailing bytes");
      }
      return status;
    } catch (BufferUnderflowException e) {
      throw new DataCorruptedException("the scavenger's progress record is cut short", e);
    }
  }

  private static byte stateCode(ScavengeStatus.State state) {
    return switch (state) {
      case IDLE -> 0;
      case RUNNING -> 1;
      case DONE -> 2;
      case FAILED -> 3;
    };
  }

  private static ScavengeStatus.State stateOf(byte code) {
    return switch (code) {
      case 0 -> ScavengeStatus.State.IDLE;
      case 1 -> ScavengeStatus.State.RUNNING;
      case 2 -> ScavengeStatus.State.DONE;
      case 3 -> ScavengeStatus.State.FAILED;
      default ->
          throw new DataCorruptedException("the scavenger's progress record names state " + code);
    };
  }

  private static String readString(ByteBuffer in) {
    int length = Short.toUnsignedInt(in.getShort());
    if (length == NONE) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void putString(ByteBuffer out, byte[] bytes) {
    if (bytes == null) {
      out.putShort((short) NONE);
    } else {
      out.putShort((short) bytes.length).put(bytes);
    }
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static long millis(Instant instant) {
    return instant == null ? -1 : instant.toEpochMilli();
  }

  private static Instant instant(long millis) {
    return millis < 0 ? null : Instant.ofEpochMilli(millis);
  }
}
