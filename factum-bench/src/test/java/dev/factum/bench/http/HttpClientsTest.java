package dev.factum.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.bench.load.Payloads;
import dev.factum.bench.load.Progress;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The load generator's HTTP clients against a real server (both must append, read and stream the
 * same), and its framing and event-stream parsing against hand-made bytes, one byte per read, so
 * every buffer boundary is crossed.
 */
class HttpClientsTest {

  @ParameterizedTest
  @EnumSource(HttpClientKind.class)
  void appendsReadsAndStreamsThroughTheServer(HttpClientKind kind, @TempDir Path temp)
      throws Exception {
    appendsReadsAndStreams(kind, false, temp);
  }

  @ParameterizedTest
  @EnumSource(HttpClientKind.class)
  void appendsReadsAndStreamsOverTls(HttpClientKind kind, @TempDir Path temp) throws Exception {
    appendsReadsAndStreams(kind, true, temp);
  }

  private static void appendsReadsAndStreams(HttpClientKind kind, boolean tls, Path temp)
      throws Exception {
    Progress progress = new Progress(System.err); // not closed: the rig does not own stderr
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("store"));
        HttpRig rig = HttpRig.start(store, kind, tls, progress)) {
      assertThat(rig.uri().getScheme()).isEqualTo(tls ? "https" : "http");
      HttpConnection connection = rig.connect();
      Payloads payloads = new Payloads(1);
      for (int i = 0; i < 10; i++) {
        HttpReply reply =
            connection.send("POST", "/streams/order-7", AppendBodies.body(payloads, 10));
        reply.expect(200, "append");
      }
      assertThat(store.headPosition()).isEqualTo(99);
      assertThat(store.readAll(0, Direction.FORWARD, 1, LogFilter.none()).events())
          .first()
          .satisfies(event -> assertThat(event.data()).hasSize(Payloads.SIZE));

      HttpReply page = connection.send("GET", "/streams/order-7?limit=100", null);
      StreamPageCheck.check(page.expect(200, "read").body(), "order-7", 100);
      assertThatThrownBy(() -> StreamPageCheck.check(page.body(), "order-8", 100))
          .hasMessageContaining("not revision 0");
      assertThat(connection.send("GET", "/nope", null).status()).isEqualTo(404);

      long events = 0;
      try (SseReader reader = new SseReader(connection.openEventStream("/all/events?from=0"))) {
        long id;
        while ((id = reader.next()) != SseReader.CAUGHT_UP) {
          assertThat(id).isEqualTo(events);
          events++;
        }
      }
      assertThat(events).isEqualTo(100);
    }
  }

  @Test
  void chunkedBodiesAreReassembled() throws IOException {
    String wire = "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\nNEXT";
    InputStream in = oneByteAtATime(wire);
    try (ChunkedBody body = new ChunkedBody(in, false)) {
      assertThat(new String(body.readAllBytes(), StandardCharsets.US_ASCII))
          .isEqualTo("hello, world");
    }
    assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("NEXT");

    try (ChunkedBody cut = new ChunkedBody(oneByteAtATime("5\r\nhel"), true)) {
      assertThatThrownBy(cut::readAllBytes).isInstanceOf(EOFException.class);
    }
  }

  @Test
  void theEventStreamReaderReportsIdsAndCaughtUp() throws IOException {
    String stream =
        "retry: 1000\r\n\r\n"
            + "id: 0\ndata: {\"a\":1}\n\n"
            + ": heartbeat\n\n"
            + "id:1\ndata: {\"id\":\"not an id: 5\"}\n\n"
            + "event: caught-up\ndata: {}\n\n"
            + "id: 123456789012\ndata: {}\n\n"
            + "event: error\ndata: {\"title\":\"store closed\"}\n\n";
    try (SseReader reader = new SseReader(oneByteAtATime(stream))) {
      assertThat(reader.next()).isZero();
      assertThat(reader.next()).isEqualTo(1);
      assertThat(reader.next()).isEqualTo(SseReader.CAUGHT_UP);
      assertThat(reader.next()).isEqualTo(123_456_789_012L);
      assertThatThrownBy(reader::next).hasMessageContaining("store closed");
    }
    try (SseReader reader = new SseReader(oneByteAtATime("id: 4\n"))) {
      assertThat(reader.next()).isEqualTo(4);
      assertThatThrownBy(reader::next).isInstanceOf(EOFException.class);
    }
  }

  private static InputStream oneByteAtATime(String text) {
    return new FilterInputStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))) {
      @Override
      public int read(byte[] into, int offset, int length) throws IOException {
        return super.read(into, offset, Math.min(1, length));
      }
    };
  }
}
