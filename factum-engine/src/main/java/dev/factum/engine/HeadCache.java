package dev.factum.engine;

import dev.factum.engine.spi.StreamHead;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The writer's memory of committed stream heads, least recently used first out. Only the writer
 * thread touches it, and only with heads that are durable, so a miss is always safe: the head is
 * loaded again from storage.
 */
final class HeadCache {
  private final LinkedHashMap<String, StreamHead> heads;

  HeadCache(int capacity) {
    this.heads =
        new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, StreamHead> eldest) {
            return size() > capacity;
          }
        };
  }

  StreamHead get(String stream) {
    return heads.get(stream);
  }

  void put(String stream, StreamHead head) {
    heads.put(stream, head);
  }

  void putAll(Map<String, StreamHead> committed) {
    heads.putAll(committed);
  }

  void clear() {
    heads.clear();
  }
}
