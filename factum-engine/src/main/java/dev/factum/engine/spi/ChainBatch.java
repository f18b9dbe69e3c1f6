package dev.factum.engine.spi;

import java.util.List;

/**
 * One chain record, written with a commit batch that has events: the batch's positions {@code
 * first..last}, the chain value after {@code last}, and the full digest of every event of the
 * batch, in position order. Storages keep these records apart from the events (RocksDB: the {@code
 * chain} column family; PostgreSQL: {@code factum_chain}) and nothing but the writer ever changes
 * them: scavenging replaces removed events by stubs but leaves chain records alone, so {@code
 * verify} still checks a removed event's place in the chain from the digest kept here.
 */
public record ChainBatch(long first, long last, byte[] chain, List<byte[]> digests) {
  public ChainBatch {
    if (first < 0 || last < first || digests.size() != last - first + 1) {
      throw new IllegalArgumentException(
          "a chain record of [" + first + ".." + last + "] with " + digests.size() + " digests");
    }
    chain = HashChain.copy(chain);
    digests = digests.stream().map(HashChain::copy).toList();
  }

  /** The digest of the event at {@code position} (within the batch). */
  public byte[] digest(long position) {
    return digests.get((int) (position - first));
  }

  /** {@code [first..last]}, as problems name a batch. */
  public String range() {
    return "[" + first + ".." + last + "]";
  }
}
