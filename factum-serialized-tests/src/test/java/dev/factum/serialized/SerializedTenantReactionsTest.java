package dev.factum.serialized;

import static io.serialized.client.aggregate.AggregateRequest.saveRequest;
import static io.serialized.client.reaction.ReactionDefinition.newReactionDefinition;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.factum.tck.Await;
import io.serialized.client.SerializedClientConfig;
import io.serialized.client.aggregate.AggregateClient;
import io.serialized.client.aggregate.AggregateRequest;
import io.serialized.client.aggregate.Event;
import io.serialized.client.reaction.Actions;
import io.serialized.client.reaction.ListReactionsRequest;
import io.serialized.client.reaction.Reaction;
import io.serialized.client.reaction.ReactionClient;
import io.serialized.client.reaction.ReactionDefinition;
import io.serialized.client.tenant.Tenant;
import io.serialized.client.tenant.TenantClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serialized reactions in tenants' stores, through the official client against a real server
 * (RocksDB, with auth and tenant storage), POSTing to a real receiver on 127.0.0.1: each tenant's
 * definitions react on its own events only and are invisible to the others and to the root store; a
 * tenant's scheduled reaction fires after a restart without any request reaching that tenant first;
 * deleting the tenant stops its reactor.
 */
class SerializedTenantReactionsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path directory;
  FactumUnderTest factum;
  HttpServer receiver;
  final List<Received> received = new CopyOnWriteArrayList<>();
  SerializedClientConfig admin;

  /** One request the receiver got: which definition's header it carried, and its body. */
  record Received(String tenantHeader, JsonNode body) {
    String eventId() {
      return body.path("event").path("eventId").asText();
    }
  }

  /** No state needed. */
  public static final class Nothing {}

  @BeforeEach
  void start() throws Exception {
    open();
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(
              new Received(
                  exchange.getRequestHeaders().getFirst("X-Tenant"),
                  FactumUnderTest.JSON.readTree(body)));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
  }

  private void open() throws Exception {
    factum = FactumUnderTest.withAuth(directory);
    String adminKey = factum.adminKey();
    admin = factum.config(FactumUnderTest.idOf(adminKey), adminKey);
  }

  @AfterEach
  void stop() {
    receiver.stop(0);
    factum.close();
  }

  /** Creates a Serialized tenant and returns the config of an admin key of its own. */
  private SerializedClientConfig tenant(UUID id) throws Exception {
    TenantClient.tenantClient(admin).build().addTenant(Tenant.newTenant(id).build());
    String key = factum.createKey("admin", SerializedTenantsTest.factumName(id));
    return factum.config(FactumUnderTest.idOf(key), key);
  }

  private ReactionDefinition definition(String header, String offset) {
    ReactionDefinition.DefinitionBuilder builder =
        newReactionDefinition("notify")
            .feed("order")
            .reactOnEventType("OrderPlaced")
            .action(
                Actions.httpAction(
                        URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"))
                    .addHeader("X-Tenant", header)
                    .build());
    if (offset != null) {
      builder.offset(offset);
    }
    return builder.build();
  }

  /** Places an order in {@code tenant} (null: the root store) as the root admin; its event id. */
  private UUID place(UUID tenant) {
    Event<?> event = Event.newEvent("OrderPlaced").build();
    AggregateRequest.Builder request =
        saveRequest().withAggregateId(UUID.randomUUID()).withEvent(event);
    if (tenant != null) {
      request.withTenantId(tenant);
    }
    AggregateClient.aggregateClient("order", Nothing.class, admin).build().save(request.build());
    return event.eventId();
  }

  private List<Reaction> listed(UUID tenant, Reaction.Status status) {
    ListReactionsRequest.Builder request = new ListReactionsRequest.Builder();
    if (status != null) {
      request.withStatus(status);
    }
    if (tenant != null) {
      request.withTenantId(tenant);
    }
    return ReactionClient.reactionClient(admin).build().listReactions(request.build()).reactions();
  }

  private List<Received> of(UUID eventId) {
    return received.stream().filter(r -> r.eventId().equals(eventId.toString())).toList();
  }

  private double metric(String name) throws Exception {
    for (String line : factum.send("GET", "/metrics", null, null).body().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError("no metric " + name);
  }

  @Test
  void eachTenantsReactionsReactOnItsOwnEventsOnlyAndAreInvisibleToOthers() throws Exception {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    SerializedClientConfig adminOfA = tenant(a);
    SerializedClientConfig adminOfB = tenant(b);
    ReactionClient.reactionClient(adminOfA).build().createDefinition(definition("A", null));
    assertThat(ReactionClient.reactionClient(adminOfB).build().listDefinitions().definitions())
        .isEmpty();
    assertThat(ReactionClient.reactionClient(admin).build().listDefinitions().definitions())
        .isEmpty();
    ReactionClient.reactionClient(adminOfB).build().createDefinition(definition("B", null));

    UUID inA = place(a);
    UUID inB = place(b);
    UUID inRoot = place(null);
    Await.until("A's reaction", WAIT, () -> !of(inA).isEmpty());
    Await.until("B's reaction", WAIT, () -> !of(inB).isEmpty());
    Await.until("A's completed", WAIT, () -> listed(a, Reaction.Status.COMPLETED).size() == 1);
    Await.until("B's completed", WAIT, () -> listed(b, Reaction.Status.COMPLETED).size() == 1);

    // each definition fired for its own tenant's event, once; the root store has none
    assertThat(of(inA)).extracting(Received::tenantHeader).containsExactly("A");
    assertThat(of(inB)).extracting(Received::tenantHeader).containsExactly("B");
    assertThat(of(inRoot)).isEmpty();
    assertThat(listed(a, Reaction.Status.COMPLETED).getFirst().eventId()).isEqualTo(inA);
    assertThat(listed(b, Reaction.Status.COMPLETED).getFirst().eventId()).isEqualTo(inB);
    assertThat(listed(null, null)).isEmpty();
    assertThat(ReactionClient.reactionClient(admin).build().listDefinitions().definitions())
        .isEmpty();
    assertThat(metric("factum_serialized_reactors")).isEqualTo(3); // root, A and B
    assertThat(metric("factum_serialized_reactions_executed_total")).isEqualTo(2);
  }

  @Test
  void aTenantsScheduledReactionFiresAfterARestartAndStopsWithTheTenant() throws Exception {
    UUID a = UUID.randomUUID();
    ReactionClient.reactionClient(tenant(a)).build().createDefinition(definition("A", "PT1S"));
    UUID before = place(a);
    Await.until("scheduled", WAIT, () -> listed(a, Reaction.Status.SCHEDULED).size() == 1);
    factum.close();
    assertThat(of(before)).isEmpty();

    // no request reaches tenant A after the restart: its store is opened for its reactions
    open();
    Await.until("fired after the restart", WAIT, () -> !of(before).isEmpty());
    assertThat(metric("factum_serialized_reactors")).isEqualTo(2);

    UUID pending = place(a);
    Await.until("scheduled again", WAIT, () -> listed(a, Reaction.Status.SCHEDULED).size() == 1);
    TenantClient.tenantClient(admin).build().deleteTenant(a);
    assertThat(metric("factum_serialized_reactors")).isEqualTo(1); // the root store's
    Thread.sleep(2_000); // past the pending reaction's trigger time
    assertThat(of(pending)).isEmpty();
    assertThat(of(before)).hasSize(1);
  }
}
