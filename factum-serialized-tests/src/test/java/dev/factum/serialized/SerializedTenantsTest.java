package dev.factum.serialized;

import static io.serialized.client.aggregate.AggregateExists.existsRequest;
import static io.serialized.client.aggregate.AggregateRequest.appendRequest;
import static io.serialized.client.aggregate.AggregateRequest.saveRequest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.serialized.client.ApiException;
import io.serialized.client.SerializedClientConfig;
import io.serialized.client.aggregate.AggregateClient;
import io.serialized.client.aggregate.AggregateUpdate;
import io.serialized.client.aggregate.Event;
import io.serialized.client.feed.Feed;
import io.serialized.client.feed.FeedClient;
import io.serialized.client.feed.FeedRequests;
import io.serialized.client.tenant.Tenant;
import io.serialized.client.tenant.TenantClient;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Serialized-Tenant-Id} and the tenant endpoints through the official client, with auth on:
 * a Serialized tenant is a Factum tenant (isolated store) named by the documented derivation; two
 * tenants with the same aggregate ids share nothing; wrong keys are the client's authorization
 * errors and write nothing.
 */
class SerializedTenantsTest {
  @TempDir Path directory;
  FactumUnderTest factum;
  SerializedClientConfig admin;
  SerializedClientConfig writer;

  /** The state the client builds: the items of a cart. */
  public static final class Cart {
    public final List<String> items = new ArrayList<>();
  }

  /** An event of the aggregate type {@code cart}. */
  public static final class ItemAdded {
    public String item;

    public ItemAdded() {}

    ItemAdded(String item) {
      this.item = item;
    }
  }

  @BeforeEach
  void start() throws Exception {
    factum = FactumUnderTest.withAuth(directory);
    String adminKey = factum.adminKey();
    admin = factum.config(FactumUnderTest.idOf(adminKey), adminKey);
    String writerKey = factum.createKey("writer");
    writer = factum.config(FactumUnderTest.idOf(writerKey), writerKey);
  }

  @AfterEach
  void stop() {
    factum.close();
  }

  /** The documented derivation: {@code s-} and the id's 128 bits in base 36, 25 digits. */
  static String factumName(UUID id) {
    ByteBuffer bytes = ByteBuffer.allocate(16);
    bytes.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    String digits = new BigInteger(1, bytes.array()).toString(36);
    return "s-" + "0".repeat(25 - digits.length()) + digits;
  }

  private AggregateClient<Cart> carts(SerializedClientConfig config) {
    return AggregateClient.aggregateClient("cart", Cart.class, config)
        .registerHandler(
            ItemAdded.class,
            (Cart cart, Event<ItemAdded> event) -> {
              cart.items.add(event.data().item);
              return cart;
            })
        .build();
  }

  private static void save(AggregateClient<Cart> carts, UUID tenant, UUID id, String item) {
    carts.save(
        saveRequest()
            .withTenantId(tenant)
            .withAggregateId(id)
            .withEvent(Event.newEvent(new ItemAdded(item)).build())
            .build());
  }

  /** The cart's items as the client loads them in {@code tenant}. */
  private static List<String> items(AggregateClient<Cart> carts, UUID tenant, UUID id) {
    List<String> seen = new ArrayList<>();
    carts.update(
        id,
        new AggregateUpdate<Cart>() {
          @Override
          public List<Event<?>> apply(Cart state) {
            seen.addAll(state.items);
            return List.of();
          }

          @Override
          public Optional<UUID> tenantId() {
            return Optional.of(tenant);
          }
        });
    return seen;
  }

  private static int status(Runnable call) {
    try {
      call.run();
    } catch (ApiException e) {
      return e.statusCode();
    }
    return 200;
  }

  @Test
  void tenantsAreManagedThroughTheClientAsFactumTenants() throws Exception {
    TenantClient tenants = TenantClient.tenantClient(admin).build();
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    tenants.addTenant(Tenant.newTenant(a).reference("acme").build());
    tenants.addTenant(Tenant.newTenant(b).build());

    Map<UUID, Tenant> listed =
        tenants.listTenants().stream().collect(Collectors.toMap(Tenant::tenantId, t -> t));
    assertThat(listed).containsOnlyKeys(a, b);
    assertThat(listed.get(a).reference()).isEqualTo("acme");
    assertThat(listed.get(b).reference()).isNull();
    assertThat(listed.get(a).addedAt()).isPositive();

    tenants.updateTenant(Tenant.newTenant(b).reference("globex").build());
    assertThat(
            tenants.listTenants().stream()
                .filter(t -> t.tenantId().equals(b))
                .map(Tenant::reference)
                .toList())
        .containsExactly("globex");

    // natively: ordinary tenants, named by the documented derivation
    JsonNode native1 =
        FactumUnderTest.JSON.readTree(
            factum.send("GET", "/admin/tenants", null, factum.adminKey()).body());
    List<String> names = new ArrayList<>();
    native1.get("tenants").forEach(t -> names.add(t.get("name").asText()));
    assertThat(names).containsExactlyInAnyOrder(factumName(a), factumName(b));

    // the same id twice is the client's 409; an unknown one 404
    assertThat(status(() -> tenants.addTenant(Tenant.newTenant(a).build()))).isEqualTo(409);
    assertThat(status(() -> tenants.deleteTenant(UUID.randomUUID()))).isEqualTo(404);
    assertThat(status(() -> tenants.updateTenant(Tenant.newTenant(UUID.randomUUID()).build())))
        .isEqualTo(404);

    // a writer key may not manage tenants
    TenantClient asWriter = TenantClient.tenantClient(writer).build();
    assertThat(status(() -> asWriter.addTenant(Tenant.newTenant(UUID.randomUUID()).build())))
        .isEqualTo(403);
    assertThat(status(asWriter::listTenants)).isEqualTo(403);

    // deleting removes the tenant and its store
    AggregateClient<Cart> carts = carts(writer);
    UUID cart = UUID.randomUUID();
    save(carts, a, cart, "x");
    tenants.deleteTenant(a);
    assertThat(tenants.listTenants()).extracting(Tenant::tenantId).containsExactly(b);
    assertThat(status(() -> save(carts, a, cart, "y"))).isEqualTo(404);
  }

  @Test
  void twoTenantsWithTheSameAggregateIdsShareNothing() throws Exception {
    TenantClient tenants = TenantClient.tenantClient(admin).build();
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    tenants.addTenant(Tenant.newTenant(a).build());
    tenants.addTenant(Tenant.newTenant(b).build());
    long rootHead = factum.store.headPosition();

    AggregateClient<Cart> carts = carts(writer);
    UUID id = UUID.randomUUID();
    save(carts, a, id, "apple");
    save(carts, b, id, "banana");
    carts.save(
        appendRequest(1)
            .withTenantId(b)
            .withAggregateId(id)
            .withEvent(Event.newEvent(new ItemAdded("cherry")).build())
            .build());

    assertThat(items(carts, a, id)).containsExactly("apple");
    assertThat(items(carts, b, id)).containsExactly("banana", "cherry");
    // the root store has neither: nothing was written there
    assertThat(carts.exists(existsRequest().withAggregateId(id).build())).isFalse();
    assertThat(factum.store.headPosition()).isEqualTo(rootHead);

    FeedClient feeds = FeedClient.feedClient(writer).build();
    List<Feed> feedsOfA = feeds.execute(FeedRequests.listFeeds().withTenantId(a).build());
    List<Feed> feedsOfB = feeds.execute(FeedRequests.listFeeds().withTenantId(b).build());
    assertThat(feedsOfA).singleElement().satisfies(f -> assertThat(f.batchCount()).isEqualTo(1));
    assertThat(feedsOfB).singleElement().satisfies(f -> assertThat(f.batchCount()).isEqualTo(2));
    assertThat(feeds.execute(FeedRequests.listFeeds().build())).isEmpty();

    // a key of tenant A acts in A with or without the header, and never in B
    String keyOfA = factum.createKey("writer", factumName(a));
    AggregateClient<Cart> asA = carts(factum.config(FactumUnderTest.idOf(keyOfA), keyOfA));
    assertThat(items(asA, a, id)).containsExactly("apple");
    assertThat(asA.exists(existsRequest().withAggregateId(id).build())).isTrue();
    assertThat(status(() -> save(asA, b, id, "intruder"))).isEqualTo(403);
    assertThat(status(() -> items(asA, b, id))).isEqualTo(403);
    assertThat(items(carts, b, id)).containsExactly("banana", "cherry");
  }

  @Test
  void wrongKeysAndUnknownTenantsWriteNothing() throws Exception {
    TenantClient tenants = TenantClient.tenantClient(admin).build();
    UUID a = UUID.randomUUID();
    tenants.addTenant(Tenant.newTenant(a).build());
    AggregateClient<Cart> carts = carts(writer);
    UUID id = UUID.randomUUID();

    String writerKey = factum.createKey("writer");
    AggregateClient<Cart> wrongSecret =
        carts(factum.config(FactumUnderTest.idOf(writerKey), writerKey + "x"));
    assertThat(status(() -> save(wrongSecret, a, id, "x"))).isEqualTo(401);
    TenantClient wrongAdmin =
        TenantClient.tenantClient(factum.config(FactumUnderTest.idOf(writerKey), "fk_nonsense"))
            .build();
    assertThat(status(() -> wrongAdmin.addTenant(Tenant.newTenant(UUID.randomUUID()).build())))
        .isEqualTo(401);
    String readerKey = factum.createKey("reader");
    AggregateClient<Cart> reader = carts(factum.config(FactumUnderTest.idOf(readerKey), readerKey));
    assertThat(status(() -> save(reader, a, id, "x"))).isEqualTo(403);
    assertThat(status(() -> save(carts, UUID.randomUUID(), id, "x"))).isEqualTo(404);

    // nothing was written in the tenant, and no tenant was added
    assertThat(carts.exists(existsRequest().withTenantId(a).withAggregateId(id).build())).isFalse();
    assertThat(tenants.listTenants()).extracting(Tenant::tenantId).containsExactly(a);
  }

  @Test
  void badTenantInputIsRefusedAndWritesNothing() throws Exception {
    String key = factum.adminKey();
    long head = factum.store.headPosition();
    UUID id = UUID.randomUUID();
    for (String body :
        List.of(
            "",
            "{",
            "[]",
            "{}",
            "{\"tenantId\":\"not-a-uuid\"}",
            "{\"tenantId\":42}",
            "{\"tenantId\":\"" + id + "\",\"colour\":\"red\"}",
            "{\"tenantId\":\"" + id + "\",\"reference\":7}",
            "{\"tenantId\":\"" + id + "\",\"deleted\":true}",
            "{\"tenantId\":\"" + id + "\",\"reference\":\"" + "r".repeat(1001) + "\"}")) {
      assertThat(factum.send("POST", "/serialized/tenants", body, key).statusCode())
          .as(body)
          .isEqualTo(400);
    }
    assertThat(factum.send("PUT", "/serialized/tenants/nope", "{}", key).statusCode())
        .isEqualTo(400);
    assertThat(
            factum
                .send(
                    "PUT",
                    "/serialized/tenants/" + id,
                    "{\"tenantId\":\"" + UUID.randomUUID() + "\"}",
                    key)
                .statusCode())
        .isEqualTo(400);
    assertThat(factum.send("DELETE", "/serialized/tenants/" + id + "x", null, key).statusCode())
        .isEqualTo(400);
    assertThat(factum.store.headPosition()).isEqualTo(head);

    // a tenant header that is not a UUID: 400 before anything is done
    AggregateClient<Cart> carts = carts(writer);
    HttpResponse<String> refused =
        factum.sendWithHeaders(
            "POST",
            "/serialized/aggregates/cart/" + id + "/events",
            "{\"events\":[{\"eventType\":\"ItemAdded\",\"data\":{}}]}",
            key,
            Map.of("Serialized-Tenant-Id", "tenant-one"));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(carts.exists(existsRequest().withAggregateId(id).build())).isFalse();
    assertThat(factum.store.headPosition()).isEqualTo(head);
  }
}
