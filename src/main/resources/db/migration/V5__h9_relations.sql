-- Message requests (issue 17): how this peer relates to each identity. Every peer stored before
-- was a contact. CONTACT: this peer dialled it or the user accepted it; REQUEST: it connected on
-- its own and nobody accepted it yet; BLOCKED: its connections are closed right after the
-- handshake and nothing it sends is stored. BLOCKED survives forgetting (the row stays).
ALTER TABLE peers ADD COLUMN relation TEXT NOT NULL DEFAULT 'CONTACT'
    CHECK (relation IN ('CONTACT', 'REQUEST', 'BLOCKED'));
