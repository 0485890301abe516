-- One-time grants carried by invites (issue 17, docs/PROTOCOL.md section 8.2). Only the SHA-256 of a
-- token is stored, never the token. A grant is open while used_at is NULL and expires_at is in the
-- future; it is used at most once: the commit that sets used_at also makes used_by a CONTACT.
CREATE TABLE invite_grants (
    token_hash BLOB    NOT NULL PRIMARY KEY CHECK (length(token_hash) = 32),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    used_by    TEXT    CHECK (used_by IS NULL OR length(used_by) = 64)
) STRICT;
CREATE INDEX invite_grants_open ON invite_grants (expires_at) WHERE used_at IS NULL;
