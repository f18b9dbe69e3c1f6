-- Factum schema, version 2: deletes are events. Every soft delete and tombstone commits one row to
-- the reserved stream '$deletions' (type '$stream-deleted' or '$stream-tombstoned', data
-- {"stream":"order-123","truncateBefore":N}) in the same transaction as the head change; its
-- category is the category of the stream it deletes, so category feeds show their deletions.
-- No table changes: this version exists so that a server of schema version 1, which writes deletes
-- without events (and whose verify would take these categories for damage), refuses a database
-- that may hold them. Data written under version 1 stays readable as it is.
COMMENT ON COLUMN factum_events.category IS
  'split_part(stream, ''-'', 1); for a $deletions event, the category of the stream it deletes';
