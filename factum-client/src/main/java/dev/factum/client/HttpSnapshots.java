package dev.factum.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.snapshots.Snapshot;
import dev.factum.api.snapshots.Snapshots;
import dev.factum.wire.SnapshotJson;
import dev.factum.wire.Urls;
import java.util.Optional;

/**
 * {@link Snapshots} over the server's {@code /streams/{stream}/snapshot} routes, so a repository
 * written against the embedded store's snapshots runs unchanged against a server. Both calls are
 * retried: a save is a {@code PUT} of absolute content (saving the same snapshot twice keeps it
 * once), a load only reads.
 */
final class HttpSnapshots implements Snapshots {

  /** Sends one request: what, method, path, body (or null), the stream it concerns. */
  @FunctionalInterface
  interface Caller {
    JsonNode call(String what, String method, String path, byte[] body, String stream);
  }

  private final Caller caller;

  HttpSnapshots(Caller caller) {
    this.caller = caller;
  }

  @Override
  public boolean save(Snapshot snapshot) {
    if (snapshot == null) {
      throw new InvalidArgumentException("the snapshot is missing");
    }
    String stream = snapshot.stream();
    byte[] body =
        WireCodec.write(
            json -> {
              json.writeStartObject();
              SnapshotJson.writeSave(json, snapshot);
              json.writeEndObject();
            });
    JsonNode answer =
        caller.call(
            "save a snapshot of '" + stream + "'",
            "PUT",
            Urls.stream(stream) + "/snapshot",
            body,
            stream);
    return SnapshotJson.readSaved(answer);
  }

  @Override
  public Optional<Snapshot> load(String stream) {
    JsonNode answer =
        caller.call(
            "load the snapshot of '" + stream + "'",
            "GET",
            Urls.stream(stream) + "/snapshot",
            null,
            stream);
    return answer.isNull() ? Optional.empty() : Optional.of(SnapshotJson.read(answer));
  }
}
