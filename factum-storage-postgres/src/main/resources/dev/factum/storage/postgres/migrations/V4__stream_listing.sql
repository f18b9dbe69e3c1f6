-- Factum schema, version 4: stream listing by name prefix. The streams are listed in the byte order
-- of their UTF-8 names (the order RocksDB keeps them in), which is the "C" collation; an index in
-- that collation lets a page be one range scan from its cursor, whatever the database's default
-- collation. No table changes.
CREATE INDEX factum_streams_by_name ON factum_streams (stream COLLATE "C");
