package io.peerlink.e2e;

import java.nio.file.Path;

/**
 * A peer process ({@link io.peerlink.support.PeerProcess}, shared with the benchmark) with the
 * end-to-end tests' settings: the packaged jar of this build ({@link E2e#jar()}), its log in
 * {@code target/e2e/<name>.log}, RSA-2048 identities (key generation stays quick) and, when given,
 * the peers it dials at start-up.
 */
class PeerProcess extends io.peerlink.support.PeerProcess {

    final String connect;

    /**
     * @param connect {@code PEERLINK_CONNECT} (peers dialled at start-up), or null for none
     */
    PeerProcess(String name, String host, Path dataDir, String connect) {
        this(e2e(name, host, dataDir, connect), connect);
    }

    private PeerProcess(Builder builder, String connect) {
        super(builder);
        this.connect = connect;
    }

    /**
     * The same, launched under {@code launcher} (e.g. {@code ip netns exec <ns>}: a peer inside a
     * {@link io.peerlink.support.NatLab} namespace).
     */
    static PeerProcess launchedBy(java.util.List<String> launcher, String name, String host, Path dataDir,
            String connect) {
        return new PeerProcess(e2e(name, host, dataDir, connect).launcher(launcher), connect);
    }

    private static Builder e2e(String name, String host, Path dataDir, String connect) {
        return builder(name, host, E2e.jar()).dataDir(dataDir).log(E2e.logs().resolve(name + ".log"))
                .env("PEERLINK_KEY_SIZE", "2048").env("PEERLINK_CONNECT", connect);
    }

    @Override
    public PeerProcess env(String key, String value) {
        super.env(key, value);
        return this;
    }

    @Override
    public PeerProcess jvmOptions(java.util.List<String> options) {
        super.jvmOptions(options);
        return this;
    }

    @Override
    public PeerProcess api(String apiHost, int apiPort) {
        super.api(apiHost, apiPort);
        return this;
    }

    @Override
    public PeerProcess bearer(String token) {
        super.bearer(token);
        return this;
    }
}
