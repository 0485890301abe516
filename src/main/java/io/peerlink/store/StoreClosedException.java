package io.peerlink.store;

/** A write was submitted after the store began to close: it was not committed. */
public final class StoreClosedException extends RuntimeException {

    StoreClosedException() {
        super("the store is closed", null, false, false);
    }
}
