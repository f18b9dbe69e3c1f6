package dev.factum.api.groups;

import dev.factum.api.LogFilter;
import dev.factum.api.StreamNames;
import java.util.Objects;

/**
 * What a consumer group reads: the whole log, one stream, or the events a {@link LogFilter} matches
 * (categories, types or tags), in log order.
 *
 * @param stream the one stream read, or null
 * @param filter the filter of the log read ({@link LogFilter#none()} for the whole log; for a
 *     stream, the stream's category)
 */
public record GroupSource(String stream, LogFilter filter) {
  public GroupSource {
    Objects.requireNonNull(filter, "filter");
  }

  public static GroupSource all() {
    return new GroupSource(null, LogFilter.none());
  }

  public static GroupSource filtered(LogFilter filter) {
    return new GroupSource(null, filter);
  }

  public static GroupSource stream(String stream) {
    Objects.requireNonNull(stream, "stream");
    return new GroupSource(stream, LogFilter.categories(StreamNames.category(stream)));
  }

  public boolean isStream() {
    return stream != null;
  }
}
