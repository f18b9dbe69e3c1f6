package dev.factum.storage.postgres;

import dev.factum.tck.ImportTck;
import dev.factum.tck.StoreFixture;

class PostgresImportTest extends ImportTck {
  @Override
  protected StoreFixture createFixture() {
    return new PostgresFixture();
  }
}
