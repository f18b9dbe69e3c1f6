package dev.factum.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal Server-Sent Events reader for tests: parses frames (id, event, data lines, comments) on
 * a background thread and records them.
 */
final class SseClient implements AutoCloseable {
  /** One dispatched frame. */
  record Frame(String id, String event, String data) {
    JsonNode json() throws IOException {
      return TestServer.JSON.readTree(data);
    }
  }

  final List<Frame> frames = new CopyOnWriteArrayList<>();
  final List<String> comments = new CopyOnWriteArrayList<>();
  final int status;
  private final InputStream body;
  private final Thread reader;
  private volatile boolean ended;

  SseClient(HttpClient client, URI uri, String lastEventId) throws Exception {
    this(client, uri, lastEventId, null);
  }

  /** With {@code authorization} as the {@code Authorization} header (null: none). */
  SseClient(HttpClient client, URI uri, String lastEventId, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<InputStream> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    status = response.statusCode();
    body = response.body();
    reader = Thread.ofVirtual().start(this::read);
  }

  List<Frame> events() {
    return frames.stream().filter(f -> f.event() == null).toList();
  }

  private void read() {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String id = null;
      String event = null;
      StringBuilder data = null;
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null) {
            frames.add(new Frame(id, event, data.toString()));
          }
          id = null;
          event = null;
          data = null;
        } else if (line.startsWith(":")) {
          comments.add(line.substring(1).trim());
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data =
              data == null
                  ? new StringBuilder(line.substring(6))
                  : data.append('\n').append(line.substring(6));
        }
      }
    } catch (IOException closed) {
      // the test closed the connection
    } finally {
      ended = true;
    }
  }

  /** Whether the server ended the stream (or the test closed it). */
  boolean ended() {
    return ended;
  }

  @Override
  public void close() throws IOException {
    body.close();
    reader.interrupt();
  }
}
