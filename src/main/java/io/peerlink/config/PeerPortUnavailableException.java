package io.peerlink.config;

/** The peer port could not be bound at start-up; {@link PeerPortFailureAnalyzer} explains it. */
final class PeerPortUnavailableException extends IllegalStateException {

    private final String host;
    private final int port;

    PeerPortUnavailableException(String host, int port, Throwable cause) {
        super("Cannot listen for peers on " + host + ":" + port + ": " + cause.getMessage(), cause);
        this.host = host;
        this.port = port;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }
}
