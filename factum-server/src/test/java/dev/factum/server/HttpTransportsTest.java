package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both HTTP transports answer the same requests alike: the same statuses, content types, caching
 * and framing headers, and the same bytes wherever the answer does not hold a commit time. The rest
 * of the suite runs on the default (Factum's own server); this keeps the JDK one honest.
 */
class HttpTransportsTest {
  @TempDir Path directory;

  private static List<String> exchange(TestServer server) throws Exception {
    List<String> seen = new ArrayList<>();
    List<TestServer.Reply> replies =
        List.of(
            server.post(
                "/streams/order-1",
                "{\"expectedRevision\":\"no_stream\",\"events\":[{\"type\":\"T\",\"data\":{}}]}"),
            server.post("/streams/order-1", "{\"expectedRevision\":\"no_stream\",\"events\":[]}"),
            server.get("/streams/missing-1"),
            server.get("/streams/order-1?limit=1&nope=1"),
            server.get("/openapi.json"),
            server.get("/health/live"));
    for (TestServer.Reply reply : replies) {
      seen.add(
          reply.status()
              + " "
              + reply.contentType()
              + " "
              + reply.raw().headers().firstValue("Cache-Control").orElse("-"));
    }
    seen.add(replies.get(0).body()); // no timestamp in an append's result
    seen.add(replies.get(4).body());
    return seen;
  }

  @Test
  void theJdkServerAndFactumsOwnAnswerAlike() throws Exception {
    List<String> own;
    try (TestServer server =
        new TestServer(
            directory.resolve("own"),
            ServerConfig.DEFAULT.withPort(0).withTransport(HttpTransport.FACTUM))) {
      own = exchange(server);
    }
    List<String> jdk;
    try (TestServer server =
        new TestServer(
            directory.resolve("jdk"),
            ServerConfig.DEFAULT.withPort(0).withTransport(HttpTransport.JDK))) {
      jdk = exchange(server);
    }
    assertThat(own).isEqualTo(jdk);
    assertThat(own.get(0)).startsWith("200 application/json");
    assertThat(own.get(2)).startsWith("404 application/problem+json");
  }
}
