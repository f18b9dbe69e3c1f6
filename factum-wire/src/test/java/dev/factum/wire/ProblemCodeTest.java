package dev.factum.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.ErrorCode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The problem table covers every store code once, and no two codes share an id or a title. */
class ProblemCodeTest {
  @Test
  void everyStoreCodeHasItsProblemAndEveryProblemItsOwnIdAndTitle() {
    for (ErrorCode code : ErrorCode.values()) {
      ProblemCode problem = ProblemCode.of(code);
      assertThat(problem.id()).isEqualTo(code.id());
      assertThat(problem.errorCode()).contains(code);
      assertThat(ProblemCode.byId(code.id())).contains(problem);
    }
    assertThat(Arrays.stream(ProblemCode.values()).map(ProblemCode::id)).doesNotHaveDuplicates();
    assertThat(Arrays.stream(ProblemCode.values()).map(ProblemCode::title)).doesNotHaveDuplicates();
    assertThat(ProblemCode.byId("no-such-code")).isEmpty();
  }
}
