package io.peerlink.config;

import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.crypto.CryptoProviders;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code peers} health component: UP while the peer port is bound, with the listening flag and
 * the number of connected peers, and which crypto providers serve RSA-OAEP decryption and AES-GCM. Counts,
 * flags and provider names only: no identities, no keys.
 */
class PeersHealthIndicator extends AbstractHealthIndicator {

    private final PeerConnectionService service;

    PeersHealthIndicator(PeerConnectionService service) {
        super("Peer service health check failed");
        this.service = service;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean listening = service.isListening();
        CryptoProviders.Selection cryptoProviders = CryptoProviders.selection();
        (listening ? builder.up() : builder.down())
                .withDetail("listening", listening)
                .withDetail("connectedPeers", service.connectedCount())
                .withDetail("rsaOaepDecryptProvider", cryptoProviders.rsaOaepDecrypt())
                .withDetail("aesGcmProvider", cryptoProviders.aesGcm());
    }
}
