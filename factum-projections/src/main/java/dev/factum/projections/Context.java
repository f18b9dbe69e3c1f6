package dev.factum.projections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What one function application sees: the event's data and metadata, the projection's data. */
record Context(JsonNode event, ObjectNode metadata, ObjectNode projection) {
  JsonNode select(Selector selector) {
    return selector.read(
        switch (selector.root()) {
          case EVENT -> event;
          case METADATA -> metadata;
          case PROJECTION -> projection;
        });
  }
}
