-- Factum schema, version 6: scavenging removes rows (docs/LIFECYCLE.md, "Scavenging"). A scavenging
-- step deletes an event's factum_events row and its factum_event_tags rows and, in the same
-- statement of the same commit (under the factum_log row lock), records here what stays of it: one
-- row per removed position, never deleted, never reused.
--
-- Why a row per position and not ranges: every reader of this table asks about single events. A
-- retry of an append whose events were removed is recognised by event id, stream and revision
-- (findPosition, then removedAt), so the id, stream and revision of each removed event must stay;
-- verify checks each marker against its stream's first visible revision and fills each stream's
-- revisions 0..n from the two tables; the chain audit skips removed positions one by one. Removed
-- positions are also scattered (streams interleave in the log), so ranges would rarely merge.
-- What it costs: about 100 bytes per removed event (row, primary key, event-id index), against the
-- whole event row, its tags and five index entries given up.
--
-- A position is in exactly one of factum_events and factum_removed (verify checks it), so a reader
-- can tell "removed" (a row here) from "missing" (in neither: data-corrupted). The event-id unique
-- constraint of factum_events no longer sees removed ids; the writer checks ids against both tables
-- under the commit lock, and this table's own constraint keeps its ids unique.
CREATE TABLE factum_removed (
  position bigint PRIMARY KEY,
  stream text NOT NULL,
  revision bigint NOT NULL,
  event_id uuid NOT NULL,
  reason smallint NOT NULL,               -- 1 retention, 2 soft delete, 3 tombstone
  CONSTRAINT factum_removed_event_id UNIQUE (event_id)
);
