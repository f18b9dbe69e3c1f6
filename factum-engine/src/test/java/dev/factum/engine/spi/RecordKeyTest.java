package dev.factum.engine.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Record keys are equal by value, namespace and key alike, whatever the string instances. */
class RecordKeyTest {
  @Test
  void equalityAndHashAreByBothComponents() {
    RecordKey a = new RecordKey("group/g", "done/1");
    RecordKey same = new RecordKey(new String("group/g"), new String("done/1"));
    assertThat(same).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(new RecordKey("group/g", "done/2")).isNotEqualTo(a);
    assertThat(new RecordKey("group/h", "done/1")).isNotEqualTo(a);
    // the components are not interchangeable
    assertThat(new RecordKey("a", "b")).isNotEqualTo(new RecordKey("b", "a"));
    assertThat(a).isNotEqualTo("group/g" + "done/1");
    Set<RecordKey> keys = new HashSet<>(Set.of(a, new RecordKey("group/g", "done/2")));
    assertThat(keys).contains(same).hasSize(2);
  }
}
