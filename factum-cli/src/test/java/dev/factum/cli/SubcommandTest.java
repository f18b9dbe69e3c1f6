package dev.factum.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubcommandTest {
  private static final Map<String, Integer> COUNTS = Subcommand.operandCounts("list show:1 get:2");
  private static final List<String> NOUNS = List.of("a projection name", "a document id");

  private static Subcommand parse(String... argv) {
    return Subcommand.of(new Args(argv, 1, Set.of("url"), Set.of()), "things", COUNTS, NOUNS);
  }

  @Test
  void takesTheSubcommandAndExactlyItsOperands() {
    assertThat(parse("things", "list", "--url", "u")).isEqualTo(new Subcommand("list", List.of()));
    assertThat(parse("things", "list").first()).isNull();
    assertThat(parse("things", "show", "p").first()).isEqualTo("p");
    assertThat(parse("things", "get", "p", "7").operands()).containsExactly("p", "7");
    assertThat(COUNTS.keySet()).as("in the help's order").containsExactly("list", "show", "get");
  }

  @Test
  void wordsEveryMistakeTheSameWay() {
    assertThatThrownBy(() -> parse("things"))
        .isInstanceOf(Args.UsageException.class)
        .hasMessage("give list, show or get");
    assertThatThrownBy(() -> parse("things", "make")).hasMessage("unknown things command 'make'");
    assertThatThrownBy(() -> parse("things", "list", "extra")).hasMessage("unexpected argument");
    assertThatThrownBy(() -> parse("things", "show")).hasMessage("give a projection name");
    assertThatThrownBy(() -> parse("things", "get", "p"))
        .hasMessage("give a projection name and a document id");
  }
}
