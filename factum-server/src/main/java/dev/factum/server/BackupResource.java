package dev.factum.server;

import dev.factum.engine.spi.BackupReport;
import dev.factum.wire.ProblemCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code POST /admin/backup}: the running server backs the caller's store up (docs/LIFECYCLE.md,
 * "Online backup and restore"): the root store for an admin of the root, the tenant's own store for
 * a tenant's admin, each into its own directory under the server's {@link ServerConfig#backupRoot}.
 *
 * <p>What must stay true: the target directory is chosen by the server alone (the backup root from
 * the server's settings, then {@code root/} or {@code tenants/<tenant>-<id>/}); nothing in a
 * request names a path, so an admin key cannot make the server write anywhere else, and one
 * tenant's admin never reaches another tenant's backups. Backups run one at a time (a second
 * request waits), since two backup engines on one directory would race. The answer is sent after
 * the backup was written and verified; a backup that did not verify clean is a {@code
 * data-corrupted} problem, never a 200.
 */
final class BackupResource implements Resource {
  private final Path backupRoot;
  private final long maxRequestBytes;
  private final TenantRegistry tenants;
  private final ReentrantLock oneAtATime = new ReentrantLock();

  BackupResource(ServerConfig config, TenantRegistry tenants) {
    this.backupRoot = config.backupRoot();
    this.maxRequestBytes = config.maxRequestBytes();
    this.tenants = tenants;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(Route.ADMIN_BACKUP);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    refuseOptions(request);
    if (backupRoot == null) {
      throw new HttpProblem(
          ProblemCode.BACKUP_UNAVAILABLE,
          "this server was started without a backup directory (factum serve --backup-dir DIR)");
    }
    Path target = targetOf(request.store().principal());
    BackupReport report;
    oneAtATime.lock();
    try {
      report = request.store().backup(target);
    } catch (UnsupportedOperationException e) {
      throw new HttpProblem(ProblemCode.BACKUP_UNAVAILABLE, e.getMessage());
    } finally {
      oneAtATime.unlock();
    }
    if (!report.ok()) {
      throw new HttpProblem(
          ProblemCode.DATA_CORRUPTED, "the backup was written but did not verify: " + report);
    }
    return Responses.json(
        request.exchange,
        200,
        json -> {
          json.writeStringField("directory", report.directory().toString());
          json.writeNumberField("backupId", report.backupId());
          json.writeNumberField("lastPosition", report.lastPosition());
          json.writeNumberField("bytes", report.bytes());
          json.writeNumberField("bytesAdded", report.bytesAdded());
          json.writeNumberField("verifiedEvents", report.verify().events());
          json.writeNumberField("verifiedStreams", report.verify().streams());
        });
  }

  /** The body may be absent or {@code {}}: there are no options yet, and none is ignored. */
  private void refuseOptions(Request request) throws IOException {
    if (request.header("Content-Type") == null) {
      if (request.exchange.getRequestBody().read() != -1) {
        throw new HttpProblem(
            ProblemCode.UNSUPPORTED_MEDIA_TYPE,
            "the body must be sent as Content-Type: application/json");
      }
      return;
    }
    Iterator<String> fields =
        WireFormat.parseObject(request.jsonBody(maxRequestBytes)).fieldNames();
    if (fields.hasNext()) {
      throw HttpProblem.badRequest("unknown field '" + fields.next() + "': a backup takes none");
    }
  }

  private Path targetOf(Principal principal) {
    if (principal.root()) {
      return backupRoot.resolve("root");
    }
    TenantRecord tenant = tenants.get(principal.tenant());
    if (tenant == null) {
      throw TenantStores.notFound();
    }
    return backupRoot.resolve("tenants").resolve(tenant.location());
  }
}
