package dev.factum.engine;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.LogFilter;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupSource;
import dev.factum.api.groups.GroupStart;
import dev.factum.api.groups.ParkedEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * How consumer groups keep their state in store records.
 *
 * <pre>
 * namespace factum.groups        key: group name       value: definition (below)
 * namespace factum.group.UUID    key: checkpoint       value: 1 | checkpoint (int64)
 *   (UUID: the group's            key: done/P           value: 1 [| partition (int8)] (acked above
 *    incarnation)                                                          the checkpoint)
 *                                 key: acks/P           value: 1 | n × (partition (int8) | position
 *                                                          (int64)) (ack-appends of one commit)
 *                                 key: parked/P         value: 1 | attempts (int32) | stream | reason
 * namespace factum.group.UUID.parts key: checkpoint/NN  value: 1 | checkpoint (int64) (partition NN)
 *   (partitions and leases)      key: lease/NN        value: 1 | holder | epoch (int64)
 *                                 key: member/ID       value: 1   (a heartbeat: rewritten each round)
 * definition: 1 | incarnation (2 × int64) | name | has-stream (bool) [| stream] | filter kind
 *             (name) | n (int32) | n values | start (int64) | max in-flight (int32) | ack timeout
 *             ns (int64) | max retries (int32) | backoff ns (int64)
 * </pre>
 *
 * Strings are Java modified UTF-8 ({@link DataOutputStream#writeUTF}); P is the position as 19
 * zero-padded digits, so a namespace's keys are in position order. The leading 1 is the value's
 * format version; an unknown one is {@link DataCorruptedException}. The per-group namespace is
 * named by the group's incarnation, so a deleted group's leftovers can never be read as the state
 * of a new group of the same name.
 *
 * <p>A group's streams fall into {@value #PARTITIONS} partitions by {@link #partitionOf}, a stable
 * hash of the stream name (every process computes the same one). The {@code checkpoint} record in
 * the group's namespace is its base: the start, or the checkpoint a build without partitions wrote;
 * a partition's own {@code checkpoint/NN} overrides it once written. A lease names its holder (a
 * process id, empty when released) and an epoch that grows with every new holder.
 *
 * <p>An {@code acks/P} record holds the positions that the ack-appends of one commit acked (P is
 * the first position of that commit's first ack-append of the group: a {@link RecordGather}); it is
 * written only when this process is the storage's sole writer, and deleted once every position it
 * holds is below its partition's durable checkpoint. On a shared storage, and for an ack whose
 * earlier attempt had an unknown outcome, an ack-append writes {@code done/P} records instead.
 */
final class GroupCodec {
  static final String DEFINITIONS = "factum.groups";
  static final String CHECKPOINT = "checkpoint";
  static final String DONE = "done/";
  static final String ACKS = "acks/";
  static final String PARKED = "parked/";
  static final String PARTITION_CHECKPOINT = "checkpoint/";
  static final String LEASE = "lease/";
  static final String MEMBER = "member/";
  static final int PARTITIONS = 16;
  private static final byte VERSION = 1;
  private static final int ACK_ENTRY = 9;

  private GroupCodec() {}

  /** A group's definition as stored: with its incarnation and its start resolved to a position. */
  record Stored(UUID incarnation, GroupDefinition definition) {
    String namespace() {
      return namespaceOf(incarnation);
    }
  }

  static String namespaceOf(UUID incarnation) {
    return "factum.group." + incarnation;
  }

  static String partsNamespaceOf(UUID incarnation) {
    return namespaceOf(incarnation) + ".parts";
  }

  /**
   * The partition of a stream: {@link String#hashCode} (specified by the Java language, so the same
   * in every process and release), mixed, modulo {@value #PARTITIONS}.
   */
  static int partitionOf(String stream) {
    int h = stream.hashCode() * 0x9E3779B1;
    return Math.floorMod(h ^ (h >>> 16), PARTITIONS);
  }

  static String partitionKey(String prefix, int partition) {
    return padded(prefix, partition, 2);
  }

  /**
   * {@code prefix} then {@code value} in decimal, zero-padded to {@code digits} (as {@code
   * String.format("%0<digits>d")}, without its cost: the keys of every ack and flush pass here).
   */
  private static String padded(String prefix, long value, int digits) {
    if (value < 0) {
      return prefix + String.format("%0" + digits + "d", value);
    }
    String decimal = Long.toString(value);
    StringBuilder out = new StringBuilder(prefix.length() + Math.max(digits, decimal.length()));
    out.append(prefix);
    for (int i = decimal.length(); i < digits; i++) {
      out.append('0');
    }
    return out.append(decimal).toString();
  }

  static int partitionOfKey(String prefix, String key) {
    try {
      int partition = Integer.parseInt(key.substring(prefix.length()));
      if (partition < 0 || partition >= PARTITIONS) {
        throw new IllegalArgumentException("partition " + partition);
      }
      return partition;
    } catch (RuntimeException e) {
      throw new DataCorruptedException("consumer-group record key '" + key + "' is damaged");
    }
  }

  /** A partition's lease as stored: its holder (empty when released) and epoch. */
  record Lease(String holder, long epoch) {
    boolean isFree() {
      return holder.isEmpty();
    }
  }

  static byte[] lease(Lease lease) {
    return write(
        out -> {
          out.writeUTF(lease.holder());
          out.writeLong(lease.epoch());
        });
  }

  static Lease lease(byte[] value) {
    return read(value, in -> new Lease(in.readUTF(), in.readLong()));
  }

  static String positionKey(String prefix, long position) {
    return padded(prefix, position, 19);
  }

  static long positionOf(String prefix, String key) {
    try {
      return Long.parseLong(key.substring(prefix.length()));
    } catch (RuntimeException e) {
      throw new DataCorruptedException("consumer-group record key '" + key + "' is damaged");
    }
  }

  static byte[] definition(Stored stored) {
    GroupDefinition d = stored.definition();
    return write(
        out -> {
          out.writeLong(stored.incarnation().getMostSignificantBits());
          out.writeLong(stored.incarnation().getLeastSignificantBits());
          out.writeUTF(d.name());
          out.writeBoolean(d.source().isStream());
          if (d.source().isStream()) {
            out.writeUTF(d.source().stream());
          }
          LogFilter filter = d.source().filter();
          out.writeUTF(filter.kind().name());
          out.writeInt(filter.values().size());
          for (String value : filter.values().stream().sorted().toList()) {
            out.writeUTF(value);
          }
          out.writeLong(d.start().position());
          GroupSettings s = d.settings();
          out.writeInt(s.maxInFlight());
          out.writeLong(s.ackTimeout().toNanos());
          out.writeInt(s.maxRetries());
          out.writeLong(s.retryBackoff().toNanos());
        });
  }

  static Stored definition(byte[] value) {
    return read(
        value,
        in -> {
          UUID incarnation = new UUID(in.readLong(), in.readLong());
          String name = in.readUTF();
          String stream = in.readBoolean() ? in.readUTF() : null;
          LogFilter.Kind kind = LogFilter.Kind.valueOf(in.readUTF());
          int count = in.readInt();
          Set<String> values = new HashSet<>();
          for (int i = 0; i < count; i++) {
            values.add(in.readUTF());
          }
          GroupStart start = GroupStart.at(in.readLong());
          GroupSettings settings =
              new GroupSettings(
                  in.readInt(),
                  Duration.ofNanos(in.readLong()),
                  in.readInt(),
                  Duration.ofNanos(in.readLong()));
          GroupSource source = new GroupSource(stream, new LogFilter(kind, values));
          return new Stored(incarnation, new GroupDefinition(name, source, start, settings));
        });
  }

  /**
   * Only the incarnation of a stored definition (what the writer's guards compare), without
   * decoding the rest.
   */
  static UUID incarnation(byte[] value) {
    if (value.length < 17 || value[0] != VERSION) {
      return definition(value).incarnation(); // reports the damage
    }
    ByteBuffer in = ByteBuffer.wrap(value, 1, 16);
    return new UUID(in.getLong(), in.getLong());
  }

  static byte[] checkpoint(long position) {
    return write(out -> out.writeLong(position));
  }

  static long checkpoint(byte[] value) {
    return read(value, DataInputStream::readLong);
  }

  static byte[] done(int partition) {
    return write(out -> out.writeByte(partition));
  }

  /** The partition a done record names, or -1 for one written before partitions existed. */
  static int donePartition(byte[] value) {
    return read(value, in -> in.available() > 0 ? (int) in.readByte() : -1);
  }

  /** The start of an {@code acks/P} record's value, before its entries. */
  static byte[] ackSetHead() {
    return new byte[] {VERSION};
  }

  /** An ack-append's entries in an {@code acks/P} record: its positions and their partitions. */
  static byte[] ackSetEntries(int[] partitions, long[] positions) {
    ByteBuffer out = ByteBuffer.allocate(ACK_ENTRY * positions.length);
    for (int i = 0; i < positions.length; i++) {
      out.put((byte) partitions[i]).putLong(positions[i]);
    }
    return out.array();
  }

  /** The entries of an {@code acks/P} record, in the order written. */
  static AckSet ackSet(byte[] value) {
    if (value.length < 1 || value[0] != VERSION || (value.length - 1) % ACK_ENTRY != 0) {
      throw new DataCorruptedException(
          "a consumer group's acks record is damaged (" + value.length + " bytes)");
    }
    int n = (value.length - 1) / ACK_ENTRY;
    int[] partitions = new int[n];
    long[] positions = new long[n];
    ByteBuffer in = ByteBuffer.wrap(value, 1, value.length - 1);
    for (int i = 0; i < n; i++) {
      partitions[i] = in.get();
      positions[i] = in.getLong();
      if (partitions[i] < 0 || partitions[i] >= PARTITIONS || positions[i] < 0) {
        throw new DataCorruptedException(
            "a consumer group's acks record names partition "
                + partitions[i]
                + " and position "
                + positions[i]);
      }
    }
    return new AckSet(partitions, positions);
  }

  /** The positions of an {@code acks/P} record, each with its partition. */
  record AckSet(int[] partitions, long[] positions) {
    boolean contains(long position) {
      for (long each : positions) {
        if (each == position) {
          return true;
        }
      }
      return false;
    }
  }

  static byte[] heartbeat() {
    return write(out -> {});
  }

  static byte[] parked(ParkedEvent parked) {
    return write(
        out -> {
          out.writeInt(parked.attempts());
          out.writeUTF(parked.stream());
          out.writeUTF(parked.reason());
        });
  }

  static ParkedEvent parked(long position, byte[] value) {
    return read(
        value,
        in -> {
          int attempts = in.readInt();
          String stream = in.readUTF();
          return new ParkedEvent(position, stream, in.readUTF(), attempts);
        });
  }

  /** Cuts a reason to what a record holds (writeUTF takes at most 65,535 bytes). */
  static String reason(String reason) {
    String text = reason == null || reason.isBlank() ? "(no reason given)" : reason;
    return text.length() > 2000 ? text.substring(0, 2000) + "…" : text;
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static byte[] write(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static <T> T read(byte[] value, Reader<T> reader) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      byte version = in.readByte();
      if (version != VERSION) {
        throw new DataCorruptedException(
            "a consumer-group record has format version " + version + "; this build reads 1");
      }
      T result = reader.read(in);
      if (in.available() > 0) {
        throw new DataCorruptedException("a consumer-group record has trailing bytes");
      }
      return result;
    } catch (IOException | RuntimeException e) {
      if (e instanceof DataCorruptedException corrupted) {
        throw corrupted;
      }
      throw new DataCorruptedException("a consumer-group record is damaged: " + e, e);
    }
  }
}
