package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.factum.api.ChainAnchor;
import dev.factum.api.ChainHead;
import dev.factum.engine.spi.ChainCheck;
import dev.factum.engine.spi.VerifyReport;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The tamper-evident log over HTTP (docs/LIFECYCLE.md, "Tamper evidence"): {@code GET /admin/chain}
 * answers the caller's store's chain head (to note elsewhere as an anchor), and {@code GET
 * /admin/verify[?anchor=POS:HEX]} runs the store's full verify, chain included, and answers its
 * report.
 *
 * <p>What must stay true: admins only (the route's permission), each on the store the key belongs
 * to (a tenant's admin sees and verifies only the tenant's own store, which has its own chain). A
 * verify reads the whole store, so verifies run one at a time per server; a damaged store is a
 * {@code 200} whose report says {@code "ok": false} and names every problem, since the request
 * itself succeeded (it is the answer an operator asked for, not a failure of the server).
 */
final class ChainResource implements Resource {
  private final ReentrantLock oneVerifyAtATime = new ReentrantLock();

  @Override
  public Set<Route> routes() {
    return Set.of(Route.ADMIN_CHAIN, Route.ADMIN_VERIFY);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    if (match.route() == Route.ADMIN_CHAIN) {
      ChainHead head = request.store().chainHead();
      return Responses.json(request.exchange, 200, json -> writeHead(json, head));
    }
    String anchorText = request.param("anchor");
    ChainAnchor anchor = anchorText == null ? null : ChainAnchor.parse(anchorText);
    VerifyReport report;
    oneVerifyAtATime.lock();
    try {
      report = request.store().verify(anchor);
    } finally {
      oneVerifyAtATime.unlock();
    }
    return Responses.json(
        request.exchange,
        200,
        json -> {
          json.writeBooleanField("ok", report.ok());
          json.writeNumberField("events", report.events());
          json.writeNumberField("streams", report.streams());
          json.writeNumberField("indexEntries", report.indexEntries());
          json.writeNumberField("problemCount", report.problemCount());
          json.writeArrayFieldStart("problems");
          for (String problem : report.problems()) {
            json.writeString(problem);
          }
          json.writeEndArray();
          ChainCheck chain = report.chain();
          if (chain != null) {
            json.writeObjectFieldStart("chain");
            writeHead(json, chain.head());
            json.writeBooleanField("intact", chain.intact());
            if (chain.firstBreak() >= 0) {
              json.writeNumberField("firstBreak", chain.firstBreak());
            }
            if (chain.anchor() != null) {
              json.writeStringField("anchorChecked", chain.anchor().toString());
            }
            json.writeEndObject();
          }
        });
  }

  private static void writeHead(JsonGenerator json, ChainHead head) throws IOException {
    json.writeNumberField("position", head.position());
    json.writeStringField("hash", head.hash());
    json.writeNumberField("chainedFrom", head.chainedFrom());
    json.writeStringField("anchor", head.anchor().toString());
  }
}
