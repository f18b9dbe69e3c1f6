package dev.factum.storage.postgres;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.StreamHead;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds a commit batch to the parameters of {@link PgCommitSession}'s single write statement: one
 * array per column, one element per row, so a batch of any size is one statement and one round trip
 * instead of a statement per row.
 */
final class BatchArrays {
  private static final JsonFactory JSON = new JsonFactory();

  private BatchArrays() {}

  /** Binds the batch from parameter 1 on; returns the next parameter's index. */
  static int bind(
      Connection connection,
      PreparedStatement write,
      CommitBatch batch,
      long lastPosition,
      Instant lastTimestamp)
      throws SQLException {
    List<RecordedEvent> events = batch.events();
    int n = events.size();
    Long[] positions = new Long[n];
    String[] streams = new String[n];
    Long[] revisions = new Long[n];
    Object[] ids = new Object[n];
    Long[] micros = new Long[n];
    String[] types = new String[n];
    String[] categories = new String[n];
    String[] contentTypes = new String[n];
    byte[][] data = new byte[n][];
    byte[][] metadata = new byte[n][];
    String[] tags = new String[n];
    for (int i = 0; i < n; i++) {
      RecordedEvent event = events.get(i);
      positions[i] = event.position();
      streams[i] = event.stream();
      revisions[i] = event.revision();
      ids[i] = event.id();
      micros[i] = EventRows.micros(event.timestamp());
      types[i] = event.type();
      categories[i] = event.category();
      contentTypes[i] = event.contentType();
      data[i] = event.data();
      metadata[i] = event.metadata();
      tags[i] = jsonArray(event.tags());
    }
    int p = 1;
    write.setArray(p++, connection.createArrayOf("bigint", positions));
    write.setArray(p++, connection.createArrayOf("text", streams));
    write.setArray(p++, connection.createArrayOf("bigint", revisions));
    write.setArray(p++, connection.createArrayOf("uuid", ids));
    write.setArray(p++, connection.createArrayOf("bigint", micros));
    write.setArray(p++, connection.createArrayOf("text", types));
    write.setArray(p++, connection.createArrayOf("text", categories));
    write.setArray(p++, connection.createArrayOf("text", contentTypes));
    write.setArray(p++, connection.createArrayOf("bytea", data));
    write.setArray(p++, connection.createArrayOf("bytea", metadata));
    write.setArray(p++, connection.createArrayOf("text", tags));

    int h = batch.heads().size();
    String[] headStreams = new String[h];
    Long[] lastRevisions = new Long[h];
    Long[] lastPositions = new Long[h];
    Long[] firstVisible = new Long[h];
    Short[] statuses = new Short[h];
    int i = 0;
    for (Map.Entry<String, StreamHead> entry : batch.heads().entrySet()) {
      StreamHead head = entry.getValue();
      headStreams[i] = entry.getKey();
      lastRevisions[i] = head.lastRevision();
      lastPositions[i] = head.lastPosition();
      firstVisible[i] = head.firstVisibleRevision();
      statuses[i] = EventRows.code(head.status());
      i++;
    }
    write.setArray(p++, connection.createArrayOf("text", headStreams));
    write.setArray(p++, connection.createArrayOf("bigint", lastRevisions));
    write.setArray(p++, connection.createArrayOf("bigint", lastPositions));
    write.setArray(p++, connection.createArrayOf("bigint", firstVisible));
    write.setArray(p++, connection.createArrayOf("smallint", statuses));

    write.setLong(p++, n == 0 ? lastPosition : events.getLast().position());
    write.setLong(p++, EventRows.micros(n == 0 ? lastTimestamp : events.getLast().timestamp()));
    return p;
  }

  /** The tags as a JSON array of strings, written (and so escaped) by Jackson. */
  static String jsonArray(Set<String> values) {
    if (values.isEmpty()) {
      return "[]"; // compared as text by the write statement
    }
    StringWriter out = new StringWriter(16 * values.size());
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartArray();
      for (String value : values) {
        json.writeString(value);
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }
}
