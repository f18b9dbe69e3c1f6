package dev.factum.engine.spi;

import dev.factum.api.ChainAnchor;
import dev.factum.api.ChainHead;

/**
 * What {@code verify} found of the hash chain (see {@link ChainAudit}).
 *
 * @param head the chain as recomputed from the chain records (position and value after the last)
 * @param firstBreak the first position where the chain breaks, or -1 when it holds
 * @param anchor the anchor checked, or null when none was given
 */
public record ChainCheck(ChainHead head, long firstBreak, ChainAnchor anchor) {
  public boolean intact() {
    return firstBreak < 0;
  }

  @Override
  public String toString() {
    String from = head.chainedFrom() > 0 ? " (not chained before " + head.chainedFrom() + ")" : "";
    String checked = anchor == null ? "" : ", anchor " + anchor.position() + " checked";
    return (intact() ? "chain intact" : "chain BROKEN first at position " + firstBreak)
        + from
        + ", head "
        + head.position()
        + ":"
        + head.hash()
        + checked;
  }
}
