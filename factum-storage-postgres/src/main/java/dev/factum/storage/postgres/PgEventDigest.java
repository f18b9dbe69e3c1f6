package dev.factum.storage.postgres;

import dev.factum.api.RecordedEvent;
import dev.factum.engine.spi.HashChain;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The one owner of what the hash chain digests on PostgreSQL: a canonical encoding of a {@code
 * factum_events} row, built from the values the writer binds (at commit) and from the columns as
 * stored (at verify), so that both sides agree byte for byte and any change of a stored column
 * changes the digest.
 *
 * <pre>
 *  0x01 (encoding version)
 *  position        int64
 *  stream          int32 length | UTF-8
 *  revision        int64
 *  event_id        16 bytes (most, then least significant half)
 *  recorded_micros int64
 *  type            int32 length | UTF-8
 *  category        int32 length | UTF-8
 *  content_type    int32 length | UTF-8
 *  data            int32 length | bytes
 *  metadata        int32 length | bytes   (length -1 for NULL)
 *  tags            int32 count, then each: int32 length | UTF-8, in the stored array's order
 * </pre>
 *
 * All integers are big-endian. The digest is SHA-256 of this encoding. What must stay true: the
 * writer digests the tags in the order it binds them ({@link BatchArrays#jsonArray} iterates the
 * same set), and PostgreSQL keeps a text[] in the order written, so verify reads them back in it.
 */
final class PgEventDigest {
  /** The columns verify reads, in this order. */
  static final String COLUMNS =
      "position, stream, revision, event_id, recorded_micros, type, category, content_type, data,"
          + " metadata, tags";

  private PgEventDigest() {}

  /** The encoding of an event about to be written. */
  static byte[] encode(RecordedEvent event) {
    return encode(
        event.position(),
        event.stream(),
        event.revision(),
        event.id(),
        EventRows.micros(event.timestamp()),
        event.type(),
        event.category(),
        event.contentType(),
        event.data(),
        event.metadata(),
        new ArrayList<>(event.tags()));
  }

  /** The encoding of a stored row, read with {@link #COLUMNS}. */
  static byte[] encode(ResultSet rs) throws SQLException {
    String[] tags = (String[]) rs.getArray(11).getArray();
    return encode(
        rs.getLong(1),
        rs.getString(2),
        rs.getLong(3),
        rs.getObject(4, UUID.class),
        rs.getLong(5),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        rs.getBytes(9),
        rs.getBytes(10),
        List.of(tags));
  }

  static byte[] digest(HashChain hashes, RecordedEvent event) {
    return hashes.digest(encode(event));
  }

  private static byte[] encode(
      long position,
      String stream,
      long revision,
      UUID id,
      long micros,
      String type,
      String category,
      String contentType,
      byte[] data,
      byte[] metadata,
      List<String> tags) {
    List<byte[]> texts = new ArrayList<>(5 + tags.size());
    for (String text : List.of(stream, type, category, contentType)) {
      texts.add(text.getBytes(StandardCharsets.UTF_8));
    }
    int size = 1 + 8 + 8 + 16 + 8 + 4 * 4 + 4 + data.length + 4 + 4;
    for (byte[] text : texts) {
      size += text.length;
    }
    size += metadata == null ? 0 : metadata.length;
    List<byte[]> tagBytes = new ArrayList<>(tags.size());
    for (String tag : tags) {
      byte[] bytes = tag.getBytes(StandardCharsets.UTF_8);
      tagBytes.add(bytes);
      size += 4 + bytes.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put((byte) 1).putLong(position);
    putBytes(out, texts.get(0));
    out.putLong(revision)
        .putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits())
        .putLong(micros);
    putBytes(out, texts.get(1));
    putBytes(out, texts.get(2));
    putBytes(out, texts.get(3));
    putBytes(out, data);
    if (metadata == null) {
      out.putInt(-1);
    } else {
      putBytes(out, metadata);
    }
    out.putInt(tagBytes.size());
    for (byte[] tag : tagBytes) {
      putBytes(out, tag);
    }
    return out.array();
  }

  private static void putBytes(ByteBuffer out, byte[] bytes) {
    out.putInt(bytes.length).put(bytes);
  }
}
