-- peerlink's durable store (issue 8). Times are epoch milliseconds (UTC). Released migrations never
-- change: add V2__..., V3__... for every later change.

-- Every identity this peer has had a connection with.
CREATE TABLE peers (
    peer_id      TEXT    NOT NULL PRIMARY KEY CHECK (length(peer_id) = 64),
    public_key   BLOB    NOT NULL,            -- X.509 SubjectPublicKeyInfo, DER
    dial_address TEXT,                        -- host:port this peer last dialled it at; NULL: only inbound
    first_seen   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    forgotten_at INTEGER                      -- DELETE /api/peers/{peerId}; NULL while the peer is known
) STRICT;

-- Both directions. seq is the cursor: it only grows, also across restarts (AUTOINCREMENT never
-- reuses a value).
CREATE TABLE messages (
    seq          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    id           TEXT    NOT NULL,            -- UUID, carried on the wire
    peer_id      TEXT    NOT NULL REFERENCES peers (peer_id),
    direction    TEXT    NOT NULL CHECK (direction IN ('IN', 'OUT')),
    body         TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('QUEUED', 'SENT', 'DELIVERED', 'FAILED', 'RECEIVED')),
    created_at   INTEGER NOT NULL,            -- OUT: accepted here; IN: the sender's clock when it sent it
    sent_at      INTEGER,
    delivered_at INTEGER,
    received_at  INTEGER,
    failed_at    INTEGER,
    failure      TEXT
) STRICT;
-- an outbound id is the client's idempotency key; an inbound copy is dropped by (sender, id)
CREATE UNIQUE INDEX messages_out_id ON messages (id) WHERE direction = 'OUT';
CREATE UNIQUE INDEX messages_in_id ON messages (peer_id, id) WHERE direction = 'IN';
CREATE INDEX messages_undelivered ON messages (peer_id, seq) WHERE status IN ('QUEUED', 'SENT');
CREATE INDEX messages_conversation ON messages (peer_id, seq);
CREATE INDEX messages_created ON messages (created_at);

-- What GET /api/events streams. id is the SSE event id: a client resumes after it.
CREATE TABLE events (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    type        TEXT    NOT NULL CHECK (type IN ('message', 'status', 'peer')),
    at          INTEGER NOT NULL,
    peer_id     TEXT    NOT NULL,
    message_id  TEXT,                         -- message and status events
    message_seq INTEGER,                      -- message and status events
    detail      TEXT    NOT NULL              -- the new status, or connected / disconnected / forgotten
) STRICT;
CREATE INDEX events_at ON events (at);
