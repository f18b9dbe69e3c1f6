package dev.factum.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import org.junit.jupiter.api.Test;

/** A next link the server builds reads back as the cursor it was built from. */
class PageCursorTest {
  @Test
  void linksReadBackAsTheirCursor() {
    assertThat(
            PageCursor.ofLink(Urls.readAll(42, Direction.FORWARD, 7, LogFilter.tags("a&b", "c"))))
        .isEqualTo(new PageCursor(42, Direction.FORWARD, 7));
    assertThat(PageCursor.ofLink(Urls.readStream("from=9", 3, Direction.BACKWARD, 100)))
        .isEqualTo(new PageCursor(3, Direction.BACKWARD, 100));
  }

  @Test
  void aLinkWithoutANumericPositionIsRefused() {
    assertThatThrownBy(() -> PageCursor.ofLink("/all?direction=forward&limit=5"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PageCursor.ofLink("/all?from=12x&limit=5"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PageCursor.ofLink("/all"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
