package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.InvalidArgumentException;
import dev.factum.tck.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API keys, roles, scopes, revocation and rate limits over real HTTP on a real RocksDB store, with
 * auth on: the attack corpus against every route (SSE included), scope escapes, scoped log reads
 * and feeds, revocation closing open feeds, the first admin key's file, and the data directory
 * searched for key material afterwards.
 */
class AuthHttpTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SEED = "SEEDED-DATA";

  @TempDir Path directory;
  private TestServer server;
  private String admin;

  private ServerConfig authOn() {
    return ServerConfig.DEFAULT.withAuth(AuthSettings.on(directory.resolve("admin.key")));
  }

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(directory, authOn());
    admin = Files.readString(directory.resolve("admin.key")).trim();
    assertThat(call("POST", "/streams/order-1", admin, append(SEED)).status()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String append(String marker) {
    return "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{\"m\":\""
        + marker
        + "\"}}]}";
  }

  private TestServer.Reply call(String method, String path, String key, String body)
      throws IOException, InterruptedException {
    return server.send(
        TestServer.request(server.server.uri(), method, path, key, body).timeout(WAIT).build());
  }

  private JsonNode createKey(String json) throws Exception {
    TestServer.Reply reply = call("POST", "/admin/keys", admin, json);
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply.json();
  }

  private String key(String role, String scopes) throws Exception {
    return createKey("{\"name\":\"k\",\"role\":\"" + role + "\"" + scopes + "}")
        .get("key")
        .asText();
  }

  private long head() {
    return server.store.headPosition();
  }

  private static String target(Route route) {
    String path =
        route
            .template
            .replace("{stream}", "order-1")
            .replace("{id}", "0000000000000000")
            .replace("{group}", "g")
            .replace("{subject}", "s")
            .replace("{name}", "t")
            .replace("{aggregateType}", "order")
            .replace("{aggregateId}", "6f1c2a4e-0000-4000-8000-000000000001")
            .replace("{feedName}", "order")
            .replace("{projectionName}", "p")
            .replace("{projectionId}", "x")
            .replace("{reactionName}", "r")
            .replace("{reactionId}", "6f1c2a4e-0000-4000-8000-000000000002")
            .replace("{tenantId}", "6f1c2a4e-0000-4000-8000-000000000003");
    return route == Route.DELETE_STREAM ? path + "?expectedRevision=any" : path;
  }

  private static String body(Route route) {
    return switch (route) {
      case APPEND -> append("ATTACK");
      case MULTI_APPEND ->
          "{\"appends\":[{\"stream\":\"order-1\",\"expectedRevision\":\"any\",\"events\":"
              + "[{\"type\":\"T\",\"data\":{\"m\":\"ATTACK\"}}]}]}";
      case IMPORT ->
          "{\"events\":[{\"id\":\"6f1c2a4e-0000-4000-8000-000000000001\",\"stream\":\"x-1\","
              + "\"type\":\"T\",\"revision\":0,\"timestamp\":\"2030-01-01T00:00:00Z\","
              + "\"data\":{}}]}";
      case ADMIN_CREATE_KEY -> "{\"name\":\"evil\",\"role\":\"admin\"}";
      case GROUP_CREATE -> "{\"name\":\"evil\"}";
      case GROUP_UPDATE -> "{\"maxInFlight\":1}";
      case GROUP_POLL, GROUP_LEAVE -> "{\"consumer\":\"evil\"}";
      case GROUP_ACK, GROUP_NACK, GROUP_PARK -> "{\"consumer\":\"evil\",\"positions\":[0]}";
      case GROUP_REPLAY, GROUP_SKIP -> "{\"positions\":[0]}";
      case GROUP_APPEND ->
          "{\"consumer\":\"evil\",\"positions\":[0],\"stream\":\"order-1\","
              + "\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{\"m\":\"ATTACK\"}}]}";
      case SERIALIZED_SAVE -> "{\"events\":[{\"eventType\":\"T\",\"data\":{\"m\":\"ATTACK\"}}]}";
      case SERIALIZED_BULK_SAVE ->
          "{\"batches\":[{\"aggregateId\":\"6f1c2a4e-0000-4000-8000-000000000001\","
              + "\"events\":[{\"eventType\":\"T\",\"data\":{\"m\":\"ATTACK\"}}]}]}";
      default -> route.method.equals("POST") ? "{}" : null;
    };
  }

  private List<byte[]> badAuthorizations() throws Exception {
    String revoked = key("admin", "");
    String revokedId = revoked.substring(3, 19);
    assertThat(call("DELETE", "/admin/keys/" + revokedId, admin, null).status()).isEqualTo(200);
    String expired =
        createKey(
                "{\"name\":\"old\",\"role\":\"admin\",\"expiresAt\":\""
                    + Instant.now().minusSeconds(60)
                    + "\"}")
            .get("key")
            .asText();
    String upper = admin.substring(0, 20) + admin.substring(20).toUpperCase(Locale.ROOT);
    char last = admin.charAt(admin.length() - 1);
    String wrongSecret = admin.substring(0, admin.length() - 1) + (last == '0' ? '1' : '0');
    String unknownId = "fk_0123456789abcdef" + admin.substring(19);
    List<String> texts =
        List.of(
            "Basic "
                + Base64.getEncoder()
                    .encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8)),
            "Bearer",
            "Bearer ",
            "Token " + admin,
            "Bearer " + admin.substring(0, admin.length() - 1),
            "Bearer " + admin + "0",
            "Bearer " + admin.substring(0, 19),
            "Bearer  " + admin,
            "Bearer " + admin + ",Bearer " + admin,
            "Bearer " + upper,
            "Bearer " + wrongSecret,
            "Bearer " + unknownId,
            "Bearer " + revoked,
            "Bearer " + expired,
            "Bearer fk_" + "x".repeat(16_000));
    List<byte[]> out = new ArrayList<>();
    out.add(null);
    for (String text : texts) {
      out.add(text.getBytes(StandardCharsets.ISO_8859_1));
    }
    // a Unicode look-alike: Cyrillic 'а' (UTF-8 d0 b0) in place of the first 'a' of the secret
    int a = admin.indexOf('a', 20);
    if (a > 0) {
      out.add(
          ("Bearer " + admin.substring(0, a) + "\u0430" + admin.substring(a + 1))
              .getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void theAttackCorpusGetsUnauthorizedOnEveryRouteAndWritesNothing() throws Exception {
    List<byte[]> corpus = badAuthorizations();
    long head = head();
    int keys = call("GET", "/admin/keys", admin, null).json().get("keys").size();
    for (Route route : Route.values()) {
      if (route.permission == Permission.PUBLIC) {
        continue;
      }
      for (byte[] authorization : corpus) {
        RawHttp.Response reply;
        try (RawHttp http = new RawHttp(server.server.port())) {
          reply = http.send(route.method, target(route), authorization, body(route));
        }
        String what =
            route
                + " with "
                + (authorization == null
                    ? "no header"
                    : new String(
                        authorization,
                        0,
                        Math.min(40, authorization.length),
                        StandardCharsets.ISO_8859_1));
        assertThat(reply.status()).as(what).isIn(400, 401);
        if (route.method.equals("HEAD")) {
          continue; // no body: the status is the answer
        }
        assertThat(reply.headers().get("content-type"))
            .as(what)
            .startsWith("application/problem+json");
        assertThat(reply.body()).as(what).doesNotContain(SEED).doesNotContain(admin.substring(20));
        if (reply.status() == 401) {
          assertThat(TestServer.JSON.readTree(reply.body()).get("code").asText())
              .isEqualTo("unauthorized");
          assertThat(TestServer.JSON.readTree(reply.body()).get("detail").asText())
              .as("one answer for every refusal")
              .isEqualTo("a valid API key is required");
        }
      }
    }
    assertThat(head()).isEqualTo(head);
    assertThat(call("GET", "/admin/keys", admin, null).json().get("keys").size()).isEqualTo(keys);
    String metrics = call("GET", "/metrics", null, null).body();
    assertThat(metrics).contains("factum_auth_failures_total{reason=\"unauthorized\"}");
    assertThat(metrics).doesNotContain("order-1").doesNotContain(SEED);
  }

  private TestServer.Reply poll(String group, String key) throws Exception {
    return call("POST", "/groups/" + group + "/poll", key, "{\"consumer\":\"c\"}");
  }

  @Test
  void consumerGroupsAreManagedByAdminsAndUsedOnlyWithinScope() throws Exception {
    assertThat(call("POST", "/streams/acct-1", admin, append("A")).status()).isEqualTo(200);
    for (String group :
        List.of(
            "{\"name\":\"orders\",\"source\":{\"category\":[\"order\"]}}",
            "{\"name\":\"one\",\"source\":{\"stream\":\"order-1\"}}",
            "{\"name\":\"both\",\"source\":{\"category\":[\"order\",\"acct\"]}}",
            "{\"name\":\"tagged\",\"source\":{\"tag\":[\"t\"]}}",
            "{\"name\":\"all\"}")) {
      assertThat(call("POST", "/groups", admin, group).status()).as(group).isEqualTo(201);
    }
    String reader = key("reader", "");
    String writer = key("writer", ",\"categories\":[\"order\"]");
    String prefixed = key("reader", ",\"prefixes\":[\"ord\"]");
    String scopedAdmin = key("admin", ",\"categories\":[\"order\"]");

    // using: the key must be able to read the group's whole source
    assertThat(poll("orders", reader).status()).isEqualTo(200);
    assertThat(poll("tagged", reader).status()).as("tags never match system events").isEqualTo(200);
    assertThat(poll("all", reader).status()).as("the whole log holds $keys").isEqualTo(403);
    TestServer.Reply delivered =
        call("POST", "/groups/one/poll", writer, "{\"consumer\":\"c\",\"wait\":10}");
    assertThat(delivered.json().at("/deliveries/0/event/stream").asText()).isEqualTo("order-1");
    long position = delivered.json().at("/deliveries/0/event/position").asLong();
    assertThat(poll("orders", prefixed).status())
        .as("prefix ord covers category order")
        .isEqualTo(200);
    for (String group : List.of("both", "tagged", "all")) {
      TestServer.Reply refused = poll(group, writer);
      assertThat(refused.status()).as(group).isEqualTo(403);
      assertThat(refused.json().get("code").asText()).isEqualTo("forbidden");
      assertThat(call("GET", "/groups/" + group, writer, null).status()).isEqualTo(403);
      assertThat(call("GET", "/groups/" + group + "/parked", writer, null).status()).isEqualTo(403);
      assertThat(call("GET", "/groups/" + group + "/processed?position=0", writer, null).status())
          .isEqualTo(403);
    }
    List<String> listed = new ArrayList<>();
    call("GET", "/groups", writer, null)
        .json()
        .get("groups")
        .forEach(g -> listed.add(g.get("name").asText()));
    assertThat(listed).containsExactlyInAnyOrder("orders", "one");

    // managing: admin, and a scoped admin only over a source in its scope
    assertThat(call("DELETE", "/groups/orders", writer, null).status()).isEqualTo(403);
    assertThat(call("POST", "/groups", scopedAdmin, "{\"name\":\"wide\"}").status()).isEqualTo(403);
    assertThat(call("DELETE", "/groups/both", scopedAdmin, null).status()).isEqualTo(403);
    assertThat(
            call(
                    "POST",
                    "/groups",
                    scopedAdmin,
                    "{\"name\":\"mine\",\"source\":{\"stream\":\"order-7\"}}")
                .status())
        .isEqualTo(201);

    // ack-append: writer role and the stream written in scope; a refusal writes and acks nothing
    long head = head();
    String ackAppend =
        "{\"consumer\":\"c\",\"positions\":["
            + position
            + "],\"stream\":\"STREAM\","
            + "\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{}}]}";
    TestServer.Reply outOfScope =
        call("POST", "/groups/one/append", writer, ackAppend.replace("STREAM", "acct-2"));
    assertThat(outOfScope.status()).isEqualTo(403);
    assertThat(head()).isEqualTo(head);
    TestServer.Reply done =
        call("POST", "/groups/one/append", writer, ackAppend.replace("STREAM", "order-2"));
    assertThat(done.status()).as(done.body()).isEqualTo(200);
    assertThat(
            call("POST", "/groups/orders/append", reader, ackAppend.replace("STREAM", "order-3"))
                .status())
        .isEqualTo(403);
  }

  private List<String> listed(String query, String key) throws Exception {
    TestServer.Reply reply = call("GET", "/streams" + query, key, null);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    reply.json().get("streams").forEach(s -> names.add(s.get("stream").asText()));
    return names;
  }

  @Test
  void aStreamListingShowsOnlyWhatTheKeyMaySee() throws Exception {
    for (String stream : List.of("acct-1", "order", "order-2", "orders-1", "zeta-1")) {
      assertThat(call("POST", "/streams/" + stream, admin, append("L")).status()).isEqualTo(200);
    }
    String prefixed = key("reader", ",\"prefixes\":[\"order-\"]");
    String category = key("reader", ",\"categories\":[\"order\"],\"prefixes\":[\"zeta\"]");
    String reader = key("reader", "");
    assertThat(listed("", prefixed)).containsExactly("order-1", "order-2");
    assertThat(listed("?prefix=order", prefixed)).containsExactly("order-1", "order-2");
    assertThat(listed("?category=acct", prefixed)).isEmpty();
    assertThat(listed("?system=true", category))
        .containsExactly("order", "order-1", "order-2", "zeta-1");
    assertThat(listed("?limit=1&after=order-1", category)).containsExactly("order-2");
    // an unscoped reader sees every user stream, but no system stream even when asking
    assertThat(listed("?system=true", reader))
        .containsExactly("acct-1", "order", "order-1", "order-2", "orders-1", "zeta-1");
    assertThat(listed("?system=true&prefix=%24", admin)).contains("$keys", "$audit");
    assertThat(listed("?prefix=%24", admin)).isEmpty();
    assertThat(call("GET", "/streams", null, null).status()).isEqualTo(401);
  }

  @Test
  void rolesAndScopesAreEnforcedAndEscapesAreRefused() throws Exception {
    String reader = key("reader", "");
    String writer = key("writer", ",\"categories\":[\"order\"]");
    String prefixed = key("writer", ",\"prefixes\":[\"acct-\"]");
    long head = head();
    for (Route route : Route.values()) {
      if (route.permission == Permission.WRITE || route.permission == Permission.ADMIN) {
        TestServer.Reply reply = call(route.method, target(route), reader, body(route));
        assertThat(reply.status()).as("reader " + route).isEqualTo(403);
        assertThat(reply.json().get("code").asText()).isEqualTo("forbidden");
      }
      if (route.permission == Permission.ADMIN) {
        assertThat(call(route.method, target(route), writer, body(route)).status())
            .as("writer " + route)
            .isEqualTo(403);
      }
    }
    List<String> escapes =
        List.of(
            "/streams/orders-1",
            "/streams/orders%2D1",
            "/streams/%D0%BErder-1", // Cyrillic 'о'
            "/streams/ORDER-1",
            "/streams/%2E%2E",
            "/streams/order%2F..%2Forders-1",
            "/streams/%20order-1");
    for (String path : escapes) {
      TestServer.Reply write = call("POST", path, writer, append("ATTACK"));
      assertThat(write.status()).as(path).isIn(400, 403);
      assertThat(call("GET", path, writer, null).status()).as(path).isIn(400, 403);
      assertThat(call("GET", path + "/state", writer, null).status()).as(path).isIn(400, 403);
      assertThat(call("GET", path + "/events", writer, null).status()).as(path).isIn(400, 403);
      assertThat(call("DELETE", path + "?expectedRevision=any", writer, null).status())
          .as(path)
          .isIn(400, 403);
    }
    for (String path : List.of("/streams/acc-1", "/streams/ACCT-1", "/streams/xacct-1")) {
      assertThat(call("POST", path, prefixed, append("ATTACK")).status()).as(path).isEqualTo(403);
    }
    for (String system : List.of("%24keys", "%24audit")) {
      assertThat(call("GET", "/streams/" + system, writer, null).status()).isEqualTo(403);
      assertThat(call("GET", "/streams/" + system, reader, null).status()).isEqualTo(403);
      assertThat(call("GET", "/streams/" + system + "/events", reader, null).status())
          .isEqualTo(403);
    }
    // one stream out of scope refuses the whole multi-stream append
    String multi =
        "{\"appends\":[{\"stream\":\"order-9\",\"expectedRevision\":\"any\",\"events\":"
            + "[{\"type\":\"T\",\"data\":{}}]},{\"stream\":\"orders-9\",\"expectedRevision\":"
            + "\"any\",\"events\":[{\"type\":\"T\",\"data\":{}}]}]}";
    assertThat(call("POST", "/append", writer, multi).status()).isEqualTo(403);
    assertThat(head()).isEqualTo(head);
    assertThat(call("GET", "/streams/order-9", admin, null).status()).isEqualTo(404);

    // what the scope allows works
    assertThat(call("POST", "/streams/order-2", writer, append("ok")).status()).isEqualTo(200);
    assertThat(call("POST", "/streams/acct-1", prefixed, append("ok")).status()).isEqualTo(200);
    assertThat(call("GET", "/streams/order-1", reader, null).status()).isEqualTo(200);
  }

  /** A condition's outcome tells about every event its query matches, so it needs their rights. */
  @Test
  void appendConditionsNeedAKeyThatCouldReadWhatTheyMatch() throws Exception {
    String scoped = key("writer", ",\"categories\":[\"order\"]");
    String writer = key("writer", "");
    long head = head();
    for (String query :
        List.of("{\"items\":[{\"types\":[\"T\"]}]}", "{\"items\":[{\"tags\":[\"a\"]}]}")) {
      String body =
          "{\"expectedRevision\":\"any\",\"condition\":{\"failIfEventsMatch\":"
              + query
              + "},\"events\":[{\"type\":\"T\",\"data\":{}}]}";
      TestServer.Reply refused = call("POST", "/streams/order-5", scoped, body);
      assertThat(refused.status()).as(query).isEqualTo(403);
      assertThat(refused.json().get("code").asText()).isEqualTo("forbidden");
    }
    // an unscoped writer may not ask about the system streams' events: any type, or a $-type
    for (String query :
        List.of(
            "{\"items\":[]}",
            "{\"items\":[{}]}",
            "{\"items\":[{\"types\":[\"$key-created\"]}]}",
            "{\"items\":[{\"types\":[\"T\"]},{\"types\":[\"$key-revoked\",\"T\"]}]}")) {
      String body =
          "{\"expectedRevision\":\"any\",\"condition\":{\"failIfEventsMatch\":"
              + query
              + "},\"events\":[{\"type\":\"T\",\"data\":{}}]}";
      assertThat(call("POST", "/streams/order-5", writer, body).status()).as(query).isEqualTo(403);
    }
    String dcb =
        "{\"events\":[{\"type\":\"T\",\"data\":\"x\",\"tags\":[]}],\"condition\":"
            + "{\"failIfEventsMatch\":{\"items\":[{}]}}}";
    assertThat(call("POST", "/dcb/append", writer, dcb).status()).isEqualTo(403);
    assertThat(head()).isEqualTo(head);
    // what the rights cover works: types or tags of user events, and anything for an admin
    String typed =
        "{\"expectedRevision\":\"any\",\"condition\":{\"failIfEventsMatch\":"
            + "{\"items\":[{\"types\":[\"Nothing\"]},{\"tags\":[\"a\"]}]}},"
            + "\"events\":[{\"type\":\"T\",\"data\":{}}]}";
    assertThat(call("POST", "/streams/order-5", writer, typed).status()).isEqualTo(200);
    assertThat(call("POST", "/dcb/append", admin, dcb).status()).isEqualTo(200);
  }

  private List<JsonNode> wholeLog(String key, int limit) throws Exception {
    List<JsonNode> events = new ArrayList<>();
    String next = "/all?limit=" + limit;
    int pages = 0;
    while (next != null) {
      TestServer.Reply reply = call("GET", next, key, null);
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      reply.json().get("events").forEach(events::add);
      next = reply.json().get("endOfRead").asBoolean() ? null : reply.json().get("next").asText();
      assertThat(++pages).isLessThan(1000);
    }
    return events;
  }

  @Test
  void scopedLogReadsAndFeedsShowOnlyInScopeEventsAtTheirRealPositions() throws Exception {
    for (String stream : List.of("other-1", "order-2", "other-2", "other-3", "order-3")) {
      call("POST", "/streams/" + stream, admin, append(stream));
    }
    call("DELETE", "/streams/other-1?expectedRevision=any", admin, null);
    call("DELETE", "/streams/order-2?expectedRevision=any", admin, null);
    String scoped = key("reader", ",\"categories\":[\"order\"]");
    String unscoped = key("reader", "");

    List<JsonNode> all = wholeLog(admin, 100);
    List<JsonNode> expected =
        all.stream()
            .filter(
                e -> {
                  String stream = e.get("stream").asText();
                  return stream.startsWith("order-")
                      || (stream.equals("$deletions")
                          && e.at("/data/stream").asText().startsWith("order-"));
                })
            .toList();
    assertThat(expected).hasSizeGreaterThan(3);
    for (int limit : List.of(1, 2, 100)) {
      List<JsonNode> seen = wholeLog(scoped, limit);
      assertThat(seen).as("limit " + limit).containsExactlyElementsOf(expected);
    }
    List<JsonNode> reader = wholeLog(unscoped, 3);
    assertThat(reader).isNotEmpty();
    assertThat(reader)
        .allMatch(e -> !e.get("stream").asText().equals("$keys"))
        .allMatch(e -> !e.get("stream").asText().equals("$audit"));
    assertThat(all).anyMatch(e -> e.get("stream").asText().equals("$keys"));

    try (SseClient feed =
        new SseClient(server.client, server.uri("/all/events?from=0"), null, "Bearer " + scoped)) {
      assertThat(feed.status).isEqualTo(200);
      Await.until(
          "the scoped feed to catch up",
          WAIT,
          () -> feed.frames.stream().anyMatch(f -> "caught-up".equals(f.event())));
      List<String> ids = feed.events().stream().map(SseClient.Frame::id).toList();
      assertThat(ids)
          .containsExactlyElementsOf(
              expected.stream().map(e -> e.get("position").asText()).toList());
    }
  }

  @Test
  void revocationRefusesTheNextRequestAndClosesTheKeysFeeds() throws Exception {
    JsonNode created = createKey("{\"name\":\"feed\",\"role\":\"reader\"}");
    String key = created.get("key").asText();
    String other = key("reader", "");
    try (SseClient feed =
            new SseClient(server.client, server.uri("/all/events"), null, "Bearer " + key);
        SseClient kept =
            new SseClient(server.client, server.uri("/all/events"), null, "Bearer " + other)) {
      assertThat(feed.status).isEqualTo(200);
      Await.until(
          "the feed to open", WAIT, () -> feed.frames.stream().anyMatch(f -> f.event() != null));
      TestServer.Reply revoked =
          call("DELETE", "/admin/keys/" + created.get("id").asText(), admin, null);
      assertThat(revoked.status()).isEqualTo(200);
      assertThat(revoked.json().get("status").asText()).isEqualTo("revoked");
      assertThat(call("GET", "/all", key, null).status()).isEqualTo(401);
      Await.until("the revoked key's feed to close", WAIT, feed::ended);
      assertThat(kept.ended()).isFalse();
      assertThat(call("GET", "/all", other, null).status()).isEqualTo(200);
    }
    JsonNode audit = call("GET", "/admin/audit", admin, null).json().get("events");
    List<String> actions = new ArrayList<>();
    audit.forEach(
        e -> actions.add(e.at("/data/action").asText() + " " + e.at("/data/keyId").asText()));
    assertThat(actions).contains("key-revoked " + created.get("id").asText());
    assertThat(audit.get(audit.size() - 1).at("/data/by/keyId").asText())
        .isEqualTo(admin.substring(3, 19));
  }

  @Test
  void aFeedEndsWhenItsKeyExpires() throws Exception {
    server.close();
    server = new TestServer(directory, authOn().withHeartbeat(Duration.ofMillis(100)));
    String expiring =
        createKey(
                "{\"name\":\"soon\",\"role\":\"reader\",\"expiresAt\":\""
                    + Instant.now().plusSeconds(2)
                    + "\"}")
            .get("key")
            .asText();
    String lasting = key("reader", "");
    try (SseClient feed =
            new SseClient(server.client, server.uri("/all/events"), null, "Bearer " + expiring);
        SseClient kept =
            new SseClient(server.client, server.uri("/all/events"), null, "Bearer " + lasting)) {
      assertThat(feed.status).isEqualTo(200);
      Await.until("the expired key's feed to end", WAIT, feed::ended);
      assertThat(Instant.now()).isAfter(Instant.parse(createdExpiry(expiring)));
      assertThat(kept.ended()).isFalse();
    }
  }

  private String createdExpiry(String key) throws Exception {
    for (JsonNode listed : call("GET", "/admin/keys", admin, null).json().get("keys")) {
      if (listed.get("id").asText().equals(key.substring(3, 19))) {
        return listed.get("expiresAt").asText();
      }
    }
    throw new AssertionError("no such key");
  }

  @Test
  void aKeyOverItsRateGetsRateLimitedWithRetryAfter() throws Exception {
    String limited = key("reader", ",\"ratePerSecond\":2");
    List<TestServer.Reply> replies = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      replies.add(call("GET", "/all?limit=1", limited, null));
    }
    TestServer.Reply refused =
        replies.stream().filter(r -> r.status() == 429).findFirst().orElseThrow();
    assertThat(refused.json().get("code").asText()).isEqualTo("rate-limited");
    assertThat(refused.raw().headers().firstValue("Retry-After")).hasValue("1");
    assertThat(replies).anyMatch(r -> r.status() == 200);
    assertThat(call("GET", "/metrics", null, null).body())
        .contains("factum_auth_failures_total{reason=\"rate-limited\"}");
  }

  @Test
  void aRefusedRequestLeavesTheConnectionUsable() throws Exception {
    try (RawHttp http = new RawHttp(server.server.port())) {
      for (int i = 0; i < 3; i++) {
        // an unread body up to 64 KiB is drained, so the next request on the connection is read
        RawHttp.Response refused =
            http.send("POST", "/streams/order-1", null, append("x".repeat(60_000)));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.headers()).doesNotContainKey("connection");
        RawHttp.Response next = http.send("GET", "/health/live", null, null);
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.body()).contains("up");
      }
    }
  }

  @Test
  void theFirstAdminKeyIsWrittenOnceToAFileOnlyItsOwnerCanRead() throws Exception {
    Path file = directory.resolve("admin.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(admin).matches("fk_[0-9a-f]{16}_[0-9a-f]{64}");
    server.close();
    server = new TestServer(directory, authOn()); // keys exist: no second key, the file stays
    server.close();
    server = null;
    assertThat(Files.readString(file).trim()).isEqualTo(admin);

    Path fresh = Files.createDirectory(directory.resolve("fresh"));
    Path taken = fresh.resolve("taken.key");
    Files.writeString(taken, "someone else's");
    ServerConfig config = ServerConfig.DEFAULT.withAuth(AuthSettings.on(taken));
    assertThatThrownBy(() -> new TestServer(fresh.resolve("data"), config))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void theDataDirectoryNeverHoldsAKeyInPlainText() throws Exception {
    List<String> keys = new ArrayList<>(List.of(admin));
    for (int i = 0; i < 5; i++) {
      keys.add(key(i % 2 == 0 ? "reader" : "writer", ""));
    }
    server.close();
    server = null;
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (file.getFileName().toString().equals("admin.key")) {
          continue; // the one place the first key is meant to be
        }
        String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        for (String key : keys) {
          assertThat(bytes).as(file.toString()).doesNotContain(key.substring(20));
        }
      }
    }
  }
}
