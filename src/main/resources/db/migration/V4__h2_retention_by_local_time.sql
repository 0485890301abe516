-- History retention counts from when this peer received a message (inbound: received_at) or accepted
-- it for sending (outbound: created_at), never from the sender's clock, which an inbound created_at
-- holds. MessageRepository.KEPT_SINCE is this expression: keep the two the same, or the prune scans
-- the table.
CREATE INDEX messages_kept_since ON messages (coalesce(received_at, created_at));
