package dev.factum.tck.memory;

import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.engine.testing.InMemoryStorage;
import dev.factum.tck.StoreFixture;

/**
 * An {@link InMemoryStorage} as a TCK fixture: reopening gives a new storage over the same
 * committed data, as reopening a directory does.
 */
final class InMemoryFixture implements StoreFixture {
  private InMemoryStorage storage;

  @Override
  public FactumStore open(StoreOptions options) {
    storage = storage == null ? InMemoryStorage.create() : storage.reopen();
    return FactumStore.open(storage, options);
  }

  @Override
  public void close() {
    // nothing on disk; the data goes with the fixture
  }
}
