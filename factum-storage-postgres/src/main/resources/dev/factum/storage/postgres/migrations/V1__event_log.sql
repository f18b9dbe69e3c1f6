-- Factum schema, version 1: the global log, the stream heads and the filter indexes.
-- Applied by SchemaMigrator inside one transaction holding an advisory lock, so several servers
-- starting at once apply it exactly once.

-- The one row every commit locks (SELECT ... FOR UPDATE): it serializes commits across servers,
-- and positions are assigned under it, which is what keeps them dense and commit-ordered.
CREATE TABLE factum_log (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_position bigint NOT NULL,          -- newest committed position, -1 when empty
  generation bigint NOT NULL,             -- +1 per commit (appends and deletes): cache validity
  last_timestamp_micros bigint NOT NULL   -- newest commit time: timestamps never go backwards
);
INSERT INTO factum_log VALUES (true, -1, 0, 0);

-- Every event, by position. Data and metadata are stored as the exact bytes received.
CREATE TABLE factum_events (
  position bigint PRIMARY KEY,
  stream text NOT NULL,
  revision bigint NOT NULL,
  event_id uuid NOT NULL,
  recorded_micros bigint NOT NULL,
  type text NOT NULL,
  category text NOT NULL,
  content_type text NOT NULL,
  data bytea NOT NULL,
  metadata bytea,
  tags text[] NOT NULL,
  CONSTRAINT factum_events_stream_revision UNIQUE (stream, revision),
  CONSTRAINT factum_events_event_id UNIQUE (event_id)
);
CREATE INDEX factum_events_by_category ON factum_events (category, position);
CREATE INDEX factum_events_by_type ON factum_events (type, position);

-- One row per (tag, event), so a tag feed reads its own index in position order.
CREATE TABLE factum_event_tags (
  tag text NOT NULL,
  position bigint NOT NULL,
  PRIMARY KEY (tag, position)
);

-- The head of every stream ever written or deleted (status: 1 active, 2 deleted, 3 tombstoned).
CREATE TABLE factum_streams (
  stream text PRIMARY KEY,
  last_revision bigint NOT NULL,
  last_position bigint NOT NULL,
  first_visible_revision bigint NOT NULL,
  status smallint NOT NULL
);
