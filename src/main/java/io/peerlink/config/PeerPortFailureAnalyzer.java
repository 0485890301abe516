package io.peerlink.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a peer port that cannot be bound into a start-up report that says which setting to change. */
class PeerPortFailureAnalyzer extends AbstractFailureAnalyzer<PeerPortUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PeerPortUnavailableException cause) {
        return new FailureAnalysis(
                "The peer port " + cause.host() + ":" + cause.port() + " could not be bound: "
                        + cause.getCause().getMessage() + ".",
                "Stop whatever holds port " + cause.port() + " (perhaps another peer), or choose another with "
                        + "peerlink.listen-port (PEERLINK_LISTEN_PORT), or check peerlink.listen-host "
                        + "(PEERLINK_LISTEN_HOST).",
                cause);
    }
}
