package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.ChainHead;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /admin/chain} and {@code GET /admin/verify}: the chain head as the store keeps it, a
 * verify that passes with the head as anchor and fails with another, and a malformed anchor refused
 * as {@code invalid-request} (the route walks of AuthHttpTest and TenantsHttpTest check that only
 * admins reach both, each on its own store).
 */
class ChainHttpTest {
  @TempDir Path directory;

  @Test
  void theHeadIsServedAndVerifyChecksTheChainAgainstAnAnchor() throws Exception {
    try (TestServer server = new TestServer(directory.resolve("data"))) {
      TestServer.Reply appended =
          server.post(
              "/streams/order-1",
              "{\"expectedRevision\":\"any\",\"events\":" + HttpApiTest.events(5) + "}");
      assertThat(appended.status()).as(appended.body()).isEqualTo(200);

      JsonNode head = server.get("/admin/chain").json();
      ChainHead stored = server.store.chainHead();
      assertThat(head.get("position").asLong()).isEqualTo(4);
      assertThat(head.get("hash").asText()).isEqualTo(stored.hash());
      assertThat(head.get("chainedFrom").asLong()).isZero();
      assertThat(head.get("anchor").asText()).isEqualTo("4:" + stored.hash());

      JsonNode clean = server.get("/admin/verify?anchor=" + head.get("anchor").asText()).json();
      assertThat(clean.get("ok").asBoolean()).as("%s", clean).isTrue();
      assertThat(clean.get("events").asLong()).isEqualTo(5);
      assertThat(clean.get("chain").get("intact").asBoolean()).isTrue();
      assertThat(clean.get("chain").get("anchorChecked").asText()).isEqualTo("4:" + stored.hash());

      TestServer.Reply wrong = server.get("/admin/verify?anchor=2:" + "ab".repeat(32));
      assertThat(wrong.status()).isEqualTo(200);
      assertThat(wrong.json().get("ok").asBoolean()).isFalse();
      assertThat(wrong.json().get("chain").get("firstBreak").asLong()).isEqualTo(2);
      assertThat(wrong.json().get("problems").get(0).asText())
          .contains("not the anchor's " + "ab".repeat(32));

      TestServer.Reply malformed = server.get("/admin/verify?anchor=4:xyz");
      assertThat(malformed.status()).isEqualTo(400);
      assertThat(malformed.json().get("code").asText()).isEqualTo("invalid-request");
    }
  }
}
