package dev.factum.engine;

import dev.factum.engine.spi.StoreRecord;

/**
 * A condition on store records that a write command must meet to commit, checked by the single
 * writer when it stages the command (after everything before it in the batch). It must decide from
 * what {@link View} returns alone (the writer's determinism), and rejects by throwing a {@link
 * dev.factum.api.FactumException}; a rejected command stages nothing.
 */
@FunctionalInterface
interface RecordGuard {
  RecordGuard NONE = view -> {};

  void check(View view);

  /** Records as of everything committed and staged before the command. */
  @FunctionalInterface
  interface View {
    /** The record, or null when the key holds none. */
    StoreRecord read(String namespace, String key);
  }
}
