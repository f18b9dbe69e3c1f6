package dev.factum.storage.postgres;

import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.tck.StoreFixture;
import dev.factum.tck.TckSupport;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Tags travel to PostgreSQL as JSON text: a tag with quotes, backslashes and non-ASCII characters
 * comes back exactly, on the event and through the tag index.
 */
class PostgresTagTextTest extends TckSupport {
  @Override
  protected StoreFixture createFixture() {
    return new PostgresFixture();
  }

  @Test
  void tagsNeedingJsonEscapesComeBackExactly() {
    Set<String> tags = Set.of("say \"hi\"", "back\\slash", "\\u0041", "é😀", "[]");
    store.append("tags-1", noStream(), List.of(event(1).withTags(tags)));
    List<RecordedEvent> read = readWholeStream("tags-1");
    assertThat(read).hasSize(1);
    assertThat(read.getFirst().tags()).containsExactlyInAnyOrderElementsOf(tags);
    for (String tag : tags) {
      assertThat(readWholeLog(LogFilter.tags(tag))).as(tag).hasSize(1);
    }
  }
}
