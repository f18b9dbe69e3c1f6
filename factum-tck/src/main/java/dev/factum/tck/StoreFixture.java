package dev.factum.tck;

import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import java.io.IOException;

/**
 * What a storage supplies to run the TCK: fresh, empty storage for one test, which can be opened,
 * closed and opened again over the same data (to prove durability and recovery).
 */
public interface StoreFixture extends AutoCloseable {

  /** Opens a store over this fixture's data. At most one is open at a time. */
  FactumStore open(StoreOptions options);

  default FactumStore open() {
    return open(StoreOptions.DEFAULT);
  }

  /** Deletes the fixture's data. The store must be closed first. */
  @Override
  void close() throws IOException;
}
