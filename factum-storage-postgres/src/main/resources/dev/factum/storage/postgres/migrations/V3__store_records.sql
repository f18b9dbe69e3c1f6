-- Factum schema, version 3: store records, a small durable key-value space beside the log that the
-- engine's features keep their state in (consumer groups: definitions, checkpoints, acks, parked
-- events). Rows are written only inside a commit session (holding the factum_log row lock), in the
-- same transaction as the batch's events, so events and records commit atomically. version is 1
-- on a record's first write and +1 on every write; the engine checks expected versions under the
-- lock, and the commit's upsert refuses a version that is not the stored one + 1.
CREATE TABLE factum_records (
  namespace text NOT NULL,
  key text NOT NULL,
  version bigint NOT NULL CHECK (version >= 1),
  value bytea NOT NULL,
  PRIMARY KEY (namespace, key)
);
