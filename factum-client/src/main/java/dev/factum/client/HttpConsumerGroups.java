package dev.factum.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupStatus;
import dev.factum.api.groups.ParkedEvent;
import dev.factum.wire.GroupJson;
import dev.factum.wire.Urls;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ConsumerGroups} over the server's {@code /groups} routes (docs/CONSUMERS.md, "HTTP"), so
 * code written against the embedded store's groups runs unchanged against a server.
 *
 * <p>What must stay true: only reads (status, list, parked, processed) are retried; a poll, ack,
 * nack, park, create, delete or ack-append is sent once, since repeating one that was applied would
 * deliver or act twice (a lost answer surfaces as the transport's exception); update is retried (it
 * sets absolute values). Waits are sent in whole seconds, rounded up, and at most half the request
 * timeout and {@link #MAX_WAIT_SECONDS} (the server's default {@code maxLongPoll} is 60 s) per
 * request: a longer poll wait is cut short (the poll may answer empty sooner), a longer {@link
 * #awaitProcessed} is repeated until its deadline.
 */
final class HttpConsumerGroups implements ConsumerGroups {
  static final long MAX_WAIT_SECONDS = 20;

  /** Sends one request: method, path, body (or null), whether it may be retried. */
  @FunctionalInterface
  interface Sender {
    CompletableFuture<JsonNode> send(
        String what, boolean idempotent, String method, String path, byte[] body);
  }

  /** Waits for a call and rethrows its failure as it was raised. */
  @FunctionalInterface
  interface Joiner {
    JsonNode join(CompletableFuture<JsonNode> future);
  }

  private final Sender sender;
  private final Joiner joiner;
  private final long maxWaitSeconds;

  /** With waits of at most half the request timeout (and {@link #MAX_WAIT_SECONDS}) per request. */
  HttpConsumerGroups(Sender sender, Joiner joiner, Duration requestTimeout) {
    this.sender = sender;
    this.joiner = joiner;
    this.maxWaitSeconds = Math.min(MAX_WAIT_SECONDS, requestTimeout.toSeconds() / 2);
  }

  private JsonNode call(String what, boolean idempotent, String method, String path, byte[] body) {
    return joiner.join(sender.send(what, idempotent, method, path, body));
  }

  private static String path(String group, String tail) {
    if (group == null || group.isEmpty()) {
      throw new InvalidArgumentException("a consumer group name is required");
    }
    return "/groups/" + Urls.encode(group) + tail;
  }

  @Override
  public GroupStatus create(GroupDefinition definition) {
    if (definition == null || definition.name() == null) {
      throw new InvalidArgumentException("a group definition with a name is required");
    }
    byte[] body = WireCodec.write(json -> GroupJson.writeDefinition(json, definition));
    return status(call("create group '" + definition.name() + "'", false, "POST", "/groups", body));
  }

  @Override
  public GroupStatus update(String group, GroupSettings settings) {
    if (settings == null) {
      throw new InvalidArgumentException("group settings are required");
    }
    byte[] body = WireCodec.write(json -> GroupJson.writeSettings(json, settings));
    return status(call("update group '" + group + "'", true, "PUT", path(group, ""), body));
  }

  @Override
  public void delete(String group) {
    call("delete group '" + group + "'", false, "DELETE", path(group, ""), null);
  }

  @Override
  public GroupStatus status(String group) {
    return status(call("status of group '" + group + "'", true, "GET", path(group, ""), null));
  }

  @Override
  public List<GroupStatus> list() {
    JsonNode answer = call("list groups", true, "GET", "/groups", null);
    return WireCodec.decoded(() -> GroupJson.readStatuses(answer));
  }

  @Override
  public List<Delivery> poll(String group, String consumer, int max, Duration wait) {
    long waitSeconds = Math.min(seconds(wait), maxWaitSeconds);
    byte[] body = WireCodec.write(json -> GroupJson.writePoll(json, consumer, max, waitSeconds));
    JsonNode answer = call("poll group '" + group + "'", false, "POST", path(group, "/poll"), body);
    return WireCodec.decoded(() -> GroupJson.readDeliveries(answer));
  }

  @Override
  public void ack(String group, String consumer, long position) {
    settle(group, "ack", consumer, position, null);
  }

  @Override
  public void nack(String group, String consumer, long position, String reason) {
    settle(group, "nack", consumer, position, reason);
  }

  @Override
  public void park(String group, String consumer, long position, String reason) {
    settle(group, "park", consumer, position, reason);
  }

  private void settle(String group, String kind, String consumer, long position, String reason) {
    byte[] body =
        WireCodec.write(json -> GroupJson.writeSettle(json, consumer, List.of(position), reason));
    call(kind + " in group '" + group + "'", false, "POST", path(group, "/" + kind), body);
  }

  @Override
  public AppendResult appendAndAck(
      String group, String consumer, List<Long> positions, AppendRequest request) {
    if (positions == null || positions.isEmpty() || positions.stream().anyMatch(p -> p == null)) {
      throw new InvalidArgumentException("an ack-append needs the positions it acks");
    }
    if (request == null) {
      throw new InvalidArgumentException("append request is missing");
    }
    AppendRequest withIds = EventIds.assign(request);
    byte[] body =
        WireCodec.write(
            json -> {
              json.writeStartObject();
              GroupJson.writeClaim(json, consumer, positions);
              WireCodec.writeAppend(json, withIds, true);
              json.writeEndObject();
            });
    JsonNode answer =
        call("ack-append in group '" + group + "'", false, "POST", path(group, "/append"), body);
    return WireCodec.appendResult(request.stream(), answer);
  }

  @Override
  public void leave(String group, String consumer) {
    byte[] body = WireCodec.write(json -> GroupJson.writeLeave(json, consumer));
    call("leave group '" + group + "'", false, "POST", path(group, "/leave"), body);
  }

  @Override
  public List<ParkedEvent> parked(String group) {
    JsonNode answer =
        call("parked of group '" + group + "'", true, "GET", path(group, "/parked"), null);
    return WireCodec.decoded(() -> GroupJson.readParked(answer));
  }

  @Override
  public void replayParked(String group, long position) {
    parkedAction(group, "replay", position);
  }

  @Override
  public void skipParked(String group, long position) {
    parkedAction(group, "skip", position);
  }

  private void parkedAction(String group, String kind, long position) {
    byte[] body = WireCodec.write(json -> GroupJson.writePositions(json, List.of(position)));
    call(kind + " in group '" + group + "'", false, "POST", path(group, "/" + kind), body);
  }

  @Override
  public boolean awaitProcessed(String group, long position, Duration timeout) {
    if (position < 0) {
      throw new InvalidArgumentException("a position is >= 0");
    }
    long deadline = System.nanoTime() + (timeout == null ? 0 : Math.max(0, timeout.toNanos()));
    while (true) {
      long left = deadline - System.nanoTime();
      long seconds = Math.min(maxWaitSeconds, seconds(Duration.ofNanos(Math.max(0, left))));
      String path = path(group, "/processed?position=" + position + "&wait=" + seconds);
      JsonNode answer = call("processed of group '" + group + "'", true, "GET", path, null);
      if (WireCodec.decoded(() -> GroupJson.readProcessed(answer))) {
        return true;
      }
      if (deadline - System.nanoTime() <= 0) {
        return false;
      }
    }
  }

  private static GroupStatus status(JsonNode answer) {
    return WireCodec.decoded(() -> GroupJson.readStatus(answer));
  }

  private static long seconds(Duration wait) {
    if (wait == null || wait.isNegative() || wait.isZero()) {
      return 0;
    }
    return (wait.toMillis() + 999) / 1000;
  }
}
