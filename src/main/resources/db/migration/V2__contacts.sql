-- Contacts and trust (issue 10): names, verification, and which identity answered at each address.

ALTER TABLE peers ADD COLUMN alias TEXT;
ALTER TABLE peers ADD COLUMN trust TEXT NOT NULL DEFAULT 'UNVERIFIED'
    CHECK (trust IN ('UNVERIFIED', 'VERIFIED', 'CHANGED'));
ALTER TABLE peers ADD COLUMN verified_at INTEGER;
CREATE UNIQUE INDEX peers_alias ON peers (alias COLLATE NOCASE) WHERE alias IS NOT NULL;

-- Trust on first use, as SSH's known_hosts: the identity that answered at each address this peer
-- dialled. Another identity at a bound address is refused unless the user pins it.
CREATE TABLE addresses (
    address    TEXT    NOT NULL PRIMARY KEY,    -- host:port as dialled
    peer_id    TEXT    NOT NULL REFERENCES peers (peer_id),
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
) STRICT;
CREATE INDEX addresses_peer ON addresses (peer_id);

INSERT INTO addresses (address, peer_id, first_seen, last_seen)
    SELECT dial_address, peer_id, first_seen, last_seen FROM peers WHERE dial_address IS NOT NULL;
