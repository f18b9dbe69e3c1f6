package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.scavenge.ScavengeStatus;
import dev.factum.wire.ProblemCode;
import dev.factum.wire.ScavengeJson;
import java.io.IOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.Set;

/**
 * {@code POST /admin/scavenge} starts a scavenging run of the caller's store in the background
 * (docs/LIFECYCLE.md, "Scavenging") and answers {@code 202} with its status at once; {@code GET
 * /admin/scavenge} answers the current or last run's status. The caller's store: the root store for
 * an admin of the root, the tenant's own store for a tenant's admin (the route's permission is
 * admin, and {@link Request#store} is already the caller's store).
 *
 * <p>What must stay true: a second {@code POST} while a run goes on starts nothing and answers the
 * running one; a storage that cannot remove events (none of Factum's own) is {@code 409
 * scavenge-unavailable}, and nothing is written. The only option, {@code eventsPerSecond}, is
 * checked strictly (an unknown member or a negative rate is {@code invalid-request}). Both answers
 * also show the server's automatic schedule ({@link ScavengeScheduler}), {@code "schedule"}.
 */
final class ScavengeResource implements Resource {
  private final long maxRequestBytes;
  private final ScavengeScheduler scheduler;

  ScavengeResource(ServerConfig config, ScavengeScheduler scheduler) {
    this.maxRequestBytes = config.maxRequestBytes();
    this.scheduler = scheduler;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(Route.ADMIN_SCAVENGE, Route.ADMIN_SCAVENGE_STATUS);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    if (match.route() == Route.ADMIN_SCAVENGE_STATUS) {
      return answer(request, 200, request.store().scavengeStatus());
    }
    long rate = rateOf(request);
    ScavengeStatus started;
    try {
      started = request.store().startScavenge(rate);
    } catch (UnsupportedOperationException e) {
      throw new HttpProblem(ProblemCode.SCAVENGE_UNAVAILABLE, e.getMessage());
    }
    return answer(request, 202, started);
  }

  private int answer(Request request, int status, ScavengeStatus scavenge) throws IOException {
    return Responses.json(
        request.exchange,
        status,
        json -> {
          ScavengeJson.write(json, scavenge);
          writeSchedule(json);
        });
  }

  /**
   * {@code "schedule"}: null without one, else {@code {"every", "eventsPerSecond", "nextRunAt"}}
   * (ISO-8601 duration and time). The same for every caller: it is the server's, not a store's.
   */
  private void writeSchedule(JsonGenerator json) throws IOException {
    ScavengeSchedule schedule = scheduler.schedule();
    if (!schedule.enabled()) {
      json.writeNullField("schedule");
      return;
    }
    json.writeObjectFieldStart("schedule");
    json.writeStringField("every", schedule.every().toString());
    json.writeNumberField("eventsPerSecond", schedule.eventsPerSecond());
    Instant next = scheduler.nextRunAt();
    if (next == null) {
      json.writeNullField("nextRunAt");
    } else {
      json.writeStringField("nextRunAt", next.toString());
    }
    json.writeEndObject();
  }

  /** The body may be absent, {@code {}}, or {@code {"eventsPerSecond": N}} (0: the default). */
  private long rateOf(Request request) throws IOException {
    if (request.header("Content-Type") == null) {
      if (request.exchange.getRequestBody().read() != -1) {
        throw new HttpProblem(
            ProblemCode.UNSUPPORTED_MEDIA_TYPE,
            "the body must be sent as Content-Type: application/json");
      }
      return 0;
    }
    JsonNode body = WireFormat.parseObject(request.jsonBody(maxRequestBytes));
    Iterator<String> fields = body.fieldNames();
    while (fields.hasNext()) {
      String field = fields.next();
      if (!field.equals("eventsPerSecond")) {
        throw HttpProblem.badRequest(
            "unknown field '" + field + "': a scavenge takes only eventsPerSecond");
      }
    }
    JsonNode rate = body.get("eventsPerSecond");
    if (rate == null) {
      return 0;
    }
    if (!rate.isIntegralNumber() || rate.asLong() < 0 || !rate.canConvertToLong()) {
      throw HttpProblem.badRequest("eventsPerSecond must be a whole number, 0 or more");
    }
    return rate.asLong();
  }
}
