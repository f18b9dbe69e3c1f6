package dev.factum.server;

import java.util.Set;

/**
 * {@code DELETE /admin/subjects/{subject}}: forgets a data subject of the caller's store
 * (crypto-shredding, docs/LIFECYCLE.md): its key is destroyed durably before the answer, and every
 * read from then on shows the subject's events redacted. An admin of the root forgets in the root
 * store, a tenant's admin in the tenant's own store only. An unknown subject is {@code 404
 * subject-not-found}, a server without a master key {@code 409 encryption-unavailable}.
 */
final class SubjectResource implements Resource {
  @Override
  public Set<Route> routes() {
    return Set.of(Route.ADMIN_FORGET_SUBJECT);
  }

  @Override
  public int handle(Request request, Route.Match match) throws Exception {
    String subject = request.segments.get(2);
    request.store().forget(subject);
    return Responses.json(
        request.exchange,
        200,
        json -> {
          json.writeStringField("subject", subject);
          json.writeBooleanField("forgotten", true);
        });
  }
}
