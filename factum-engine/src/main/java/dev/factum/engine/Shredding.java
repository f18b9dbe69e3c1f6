package dev.factum.engine;

import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.RecordedEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Crypto-shredding in the engine (docs/LIFECYCLE.md, "Crypto-shredding"): seals the events that
 * name a data subject on their way to the writer, and opens (or redacts) sealed events on their way
 * out of every read, so each storage gets it without knowing of it.
 *
 * <p>Design note: sealing runs on the appending thread, before the command is queued, so the single
 * writer does no cryptography (the append throughput goal); opening runs on the reading thread.
 * Every read path of the store (stream and log reads, subscriptions, and through them consumer
 * groups, sinks, webhooks, projections and exports) passes through {@link #open}; nothing below the
 * engine ever sees a plaintext of a subject's data.
 *
 * <p>What must stay true: an event without a subject, and a page without a sealed event, pass
 * through untouched (one content type comparison per event); a sealed event is shown either
 * decrypted exactly as appended, or redacted, never as its envelope; appends may not use the sealed
 * content type themselves.
 */
final class Shredding {
  private final SubjectKeys keys;
  private final RequestValidator validator;
  private final AppendPipeline pipeline;
  private final ShreddingStats stats;

  Shredding(
      SubjectKeys keys, RequestValidator validator, AppendPipeline pipeline, ShreddingStats stats) {
    this.keys = keys;
    this.validator = validator;
    this.pipeline = pipeline;
    this.stats = stats;
  }

  /** The parts with every event that names a subject sealed (validated already). */
  List<AppendRequest> seal(List<AppendRequest> parts) {
    List<AppendRequest> out = null;
    for (int p = 0; p < parts.size(); p++) {
      AppendRequest part = parts.get(p);
      if (!needsSealing(part.events())) {
        if (out != null) {
          out.add(part);
        }
        continue;
      }
      if (out == null) {
        out = new ArrayList<>(parts.subList(0, p));
      }
      long start = System.nanoTime();
      byte[] streamAad = SubjectEnvelope.streamAad(part.stream());
      List<EventData> sealed = new ArrayList<>(part.events().size());
      for (EventData event : part.events()) {
        sealed.add(event.subject() == null ? event : seal(event, streamAad));
      }
      stats.sealed(sealed.size(), System.nanoTime() - start);
      out.add(new AppendRequest(part.stream(), part.expected(), sealed, part.condition()));
    }
    return out == null ? parts : out;
  }

  private boolean needsSealing(List<EventData> events) {
    boolean any = false;
    for (EventData event : events) {
      if (SubjectEnvelope.CONTENT_TYPE.equals(event.contentType())) {
        throw new InvalidArgumentException(
            "content type " + SubjectEnvelope.CONTENT_TYPE + " is reserved for the store");
      }
      any |= event.subject() != null;
    }
    return any;
  }

  private EventData seal(EventData event, byte[] streamAad) {
    validator.checkName("data subject", event.subject());
    if (pipeline.isPipelineThread()) {
      throw new IllegalStateException(
          "an append of events with a data subject from a completion callback could wait for the"
              + " writer (a new subject's key); append from another thread");
    }
    SubjectDataKey key = keys.forWrite(event.subject());
    byte[] envelope =
        SubjectEnvelope.seal(
            key, event.contentType(), event.data(), event.metadata(), streamAad, event.id());
    return new EventData(
        event.id(), event.type(), SubjectEnvelope.CONTENT_TYPE, envelope, null, event.tags());
  }

  /**
   * Imported events as they are to be stored: one with a subject sealed (an export shows it
   * decrypted), one exported redacted stored redacted for good.
   */
  List<RecordedEvent> sealImports(List<RecordedEvent> events) {
    boolean any = false;
    for (RecordedEvent event : events) {
      if (SubjectEnvelope.CONTENT_TYPE.equals(event.contentType())) {
        throw new InvalidArgumentException(
            "content type " + SubjectEnvelope.CONTENT_TYPE + " is reserved for the store");
      }
      if (event.redacted() && event.subject() == null) {
        throw new InvalidArgumentException(
            "imported event " + event.id() + " is redacted but names no data subject");
      }
      any |= event.subject() != null;
    }
    if (!any) {
      return events;
    }
    long start = System.nanoTime();
    List<RecordedEvent> out = new ArrayList<>(events.size());
    for (RecordedEvent event : events) {
      if (event.subject() == null) {
        out.add(event);
        continue;
      }
      validator.checkName("data subject", event.subject());
      byte[] envelope =
          event.redacted()
              ? SubjectEnvelope.redacted(event.subject(), event.contentType())
              : SubjectEnvelope.seal(
                  keys.forWrite(event.subject()),
                  event.contentType(),
                  event.data(),
                  event.metadata(),
                  SubjectEnvelope.streamAad(event.stream()),
                  event.id());
      out.add(
          new RecordedEvent(
              event.id(),
              event.stream(),
              event.revision(),
              event.position(),
              event.timestamp(),
              event.type(),
              SubjectEnvelope.CONTENT_TYPE,
              envelope,
              null,
              event.tags()));
    }
    stats.sealed(out.size(), System.nanoTime() - start);
    return out;
  }

  /** The events as a reader sees them: sealed ones opened, or redacted. */
  List<RecordedEvent> open(List<RecordedEvent> events) {
    int index = firstSealed(events);
    if (index < 0) {
      return events;
    }
    long start = System.nanoTime();
    long epoch = keys.epoch();
    List<RecordedEvent> out = new ArrayList<>(events.size());
    out.addAll(events.subList(0, index));
    int opened = 0;
    int redacted = 0;
    String stream = null;
    byte[] streamAad = null;
    for (int i = index; i < events.size(); i++) {
      RecordedEvent event = events.get(i);
      if (!SubjectEnvelope.CONTENT_TYPE.equals(event.contentType())) {
        out.add(event);
        continue;
      }
      if (!event.stream().equals(stream)) {
        stream = event.stream();
        streamAad = SubjectEnvelope.streamAad(stream);
      }
      RecordedEvent shown = open(event, streamAad, epoch);
      if (shown.redacted()) {
        redacted++;
      } else {
        opened++;
      }
      out.add(shown);
    }
    stats.opened(opened, System.nanoTime() - start);
    stats.redacted(redacted);
    return out;
  }

  private RecordedEvent open(RecordedEvent event, byte[] streamAad, long epoch) {
    SubjectEnvelope.Header header = SubjectEnvelope.header(event.data());
    SubjectDataKey key = keys.forRead(header.subject(), header.keyId(), epoch);
    byte[] data;
    byte[] metadata;
    if (key == null) {
      data = RecordedEvent.redactedData();
      metadata = null;
    } else {
      SubjectEnvelope.Content content =
          SubjectEnvelope.open(key, event.data(), header, streamAad, event.id());
      data = content.data();
      metadata = content.metadata();
    }
    return new RecordedEvent(
        event.id(),
        event.stream(),
        event.revision(),
        event.position(),
        event.timestamp(),
        event.type(),
        header.contentType(),
        data,
        metadata,
        event.tags(),
        header.subject(),
        key == null);
  }

  private static int firstSealed(List<RecordedEvent> events) {
    for (int i = 0; i < events.size(); i++) {
      if (SubjectEnvelope.CONTENT_TYPE.equals(events.get(i).contentType())) {
        return i;
      }
    }
    return -1;
  }

  void forget(String subject) {
    validator.checkName("data subject", subject);
    keys.forget(subject);
  }

  int cachedKeys() {
    return keys.cachedKeys();
  }
}
