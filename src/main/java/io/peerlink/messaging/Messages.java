package io.peerlink.messaging;

import io.peerlink.store.Store;
import io.peerlink.store.StoredMessage;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The stored messages as the API reads them: one by id, and a conversation page by page. Reads only
 * (sending is {@link PeerConnectionService#send}, the inbox {@link Inbox}). Thread-safe.
 */
public final class Messages {

    private final Store store;

    public Messages(Store store) {
        this.store = store;
    }

    /** The message with this id, either direction. */
    public Optional<StoredMessage> find(UUID id) {
        return store.messages().find(id);
    }

    /** The conversation with {@code peerId}, both directions, newest first, below cursor {@code before}. */
    public List<StoredMessage> conversation(String peerId, long before, int limit) {
        return store.messages().conversation(peerId, before, limit);
    }
}
