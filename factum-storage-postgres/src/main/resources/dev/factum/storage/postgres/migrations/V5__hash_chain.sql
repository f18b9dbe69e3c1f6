-- Factum schema, version 5: the tamper-evident hash chain over the global log (docs/LIFECYCLE.md,
-- "Tamper evidence"). One row per commit batch with events, written in the batch's transaction
-- under the factum_log row lock: the batch's positions first_position..last_position, the chain
-- value after last_position, and the SHA-256 digest of every event of the batch (32 bytes each, in
-- position order) over its canonical row encoding (PgEventDigest). Nothing but the writer ever
-- changes a row here (scavenging included). The chain head lives on the locked factum_log row, so
-- the next commit, on whatever server, continues from it. A database that already holds events is
-- chained from its next position (chain_start); verify reports "not chained before chain_start".
CREATE TABLE factum_chain (
  last_position bigint PRIMARY KEY,
  first_position bigint NOT NULL,
  chain bytea NOT NULL,
  digests bytea NOT NULL
);
ALTER TABLE factum_log ADD COLUMN chain_start bigint, ADD COLUMN chain_head bytea;
UPDATE factum_log SET chain_start = last_position + 1, chain_head = decode(repeat('00', 32), 'hex');
ALTER TABLE factum_log ALTER COLUMN chain_start SET NOT NULL, ALTER COLUMN chain_head SET NOT NULL;
