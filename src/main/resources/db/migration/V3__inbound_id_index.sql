-- GET /api/messages/{id} finds an inbound message by its id alone. messages_in_id is keyed by
-- (peer_id, id) and cannot serve that lookup, which read the whole table; this index can.
CREATE INDEX messages_in_by_id ON messages (id) WHERE direction = 'IN';
