/**
 * The Java client of a Factum server: {@link dev.factum.client.FactumClient} is the {@link
 * dev.factum.api.EventStore} interface over the v1 HTTP API, and {@link
 * dev.factum.client.AggregateRepository} runs event-sourced commands with optimistic concurrency on
 * any {@code EventStore}, embedded or remote.
 *
 * <pre>{@code
 * try (FactumClient store = FactumClient.connect(URI.create("http://127.0.0.1:7117"))) {
 *   store.append("order-1", ExpectedRevision.noStream(), List.of(EventData.json("Placed", "{}")));
 *   AggregateRepository<Order> orders =
 *       AggregateRepository.of(store, id -> "order-" + id, Order::empty, Order::evolve);
 *   orders.execute("1", order -> order.pay(42));
 * }
 * }</pre>
 *
 * <p>Failures keep the embedded store's exception types; failures only a network has are {@link
 * dev.factum.client.FactumClientException}s, which say whether the request may have been applied.
 */
package dev.factum.client;
