package dev.factum.storage.rocksdb;

/** A chain value at a position: {@code chain(position)} (see {@code HashChain}). */
record ChainLink(long position, byte[] value) {}
