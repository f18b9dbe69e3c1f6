package dev.factum.tck.memory;

import dev.factum.tck.ImportTck;
import dev.factum.tck.StoreFixture;

class InMemoryImportTest extends ImportTck {
  @Override
  protected StoreFixture createFixture() {
    return new InMemoryFixture();
  }
}
