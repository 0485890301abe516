package io.peerlink.transport;

import io.peerlink.wire.Limits;
import io.peerlink.wire.WireConstants;
import java.time.Duration;
import java.util.List;

/**
 * What the peer service (messaging.PeerConnectionService) needs to know, free of Spring so that tests can build it.
 *
 * @param listenHost address the peer port binds to
 * @param listenPort the peer port (0 picks a free one)
 * @param connect peers dialled at start-up and re-dialled while unreachable
 * @param maxConnections established connections (inbound and outbound, dials included) open at once
 * @param reservedConnectionsPercent the share of {@code maxConnections} (in percent, rounded down) that
 *        only contacts and this peer's own dials may hold; 0: no priority for them
 * @param maxUnknownConnectionsPerAddress established connections of unknown identities (inbound peers
 *        that are not contacts) from one address (an IPv6 /64 is one)
 * @param maxHandshakes inbound connections still in their handshake at once, apart from {@code maxConnections}
 * @param maxHandshakesPerAddress of those, from one address
 * @param handshakeTimeout the whole handshake must finish within this
 * @param handshakeIdleTimeout an inbound handshake that receives nothing for this long is dropped
 * @param cryptoThreads threads for the RSA and ML-KEM work of inbound handshakes
 * @param cryptoQueue steps of that work waiting at most; beyond it new handshakes are refused
 * @param keepAliveInterval an idle direction sends KEEP_ALIVE this often
 * @param idleTimeout a connection that receives nothing for this long is declared dead
 * @param reconnectMinDelay first back-off of start-up dialling
 * @param reconnectMaxDelay cap of the exponential back-off
 * @param limits frame and message limits of the record layer
 * @param maxProtocolVersion the highest protocol version this peer speaks: it offers (as a server)
 *        and accepts (as a client) versions 1 up to it; 1 makes a peer of version 1 only
 */
public record ConnectionSettings(
        String listenHost,
        int listenPort,
        List<DialTarget> connect,
        int maxConnections,
        int reservedConnectionsPercent,
        int maxUnknownConnectionsPerAddress,
        int maxHandshakes,
        int maxHandshakesPerAddress,
        Duration handshakeTimeout,
        Duration handshakeIdleTimeout,
        int cryptoThreads,
        int cryptoQueue,
        Duration keepAliveInterval,
        Duration idleTimeout,
        Duration reconnectMinDelay,
        Duration reconnectMaxDelay,
        Limits limits,
        int maxProtocolVersion) {

    /** Default of {@code peerlink.reserved-connections-percent}: 16 of the default 64 connections. */
    public static final int DEFAULT_RESERVED_CONNECTIONS_PERCENT = 25;
    /** Default of {@code peerlink.max-unknown-connections-per-address}. */
    public static final int DEFAULT_MAX_UNKNOWN_CONNECTIONS_PER_ADDRESS = 4;
    /** Default of {@code peerlink.max-handshakes}. */
    public static final int DEFAULT_MAX_HANDSHAKES = 32;
    /** Default of {@code peerlink.max-handshakes-per-address}. */
    public static final int DEFAULT_MAX_HANDSHAKES_PER_ADDRESS = 8;
    /**
     * Queued crypto steps per crypto thread: at most about 64 ms of RSA-3072 decryptions (4 ms each)
     * wait for a thread, and with one thread per core on 2 cores the queue holds the whole default
     * handshake budget.
     */
    static final int CRYPTO_QUEUE_PER_THREAD = 16;

    public ConnectionSettings {
        connect = List.copyOf(connect);
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max-connections must be at least 1");
        }
        if (reservedConnectionsPercent < 0 || reservedConnectionsPercent > 100) {
            throw new IllegalArgumentException("reserved-connections-percent must be between 0 and 100");
        }
        if (maxUnknownConnectionsPerAddress < 1) {
            throw new IllegalArgumentException("max-unknown-connections-per-address must be at least 1");
        }
        if (maxHandshakes < 1 || maxHandshakesPerAddress < 1 || maxHandshakesPerAddress > maxHandshakes) {
            throw new IllegalArgumentException("max-handshakes and max-handshakes-per-address must be at least 1, "
                    + "and max-handshakes-per-address at most max-handshakes");
        }
        if (!handshakeTimeout.isPositive() || !handshakeIdleTimeout.isPositive()) {
            throw new IllegalArgumentException("handshake-timeout and handshake-idle-timeout must be positive");
        }
        if (cryptoThreads < 1 || cryptoQueue < 1) {
            throw new IllegalArgumentException("the crypto pool needs at least one thread and one queue place");
        }
        if (maxProtocolVersion < WireConstants.VERSION_1 || maxProtocolVersion > WireConstants.MAX_VERSION) {
            throw new IllegalArgumentException("protocol-max-version must be " + WireConstants.VERSION_1 + ".."
                    + WireConstants.MAX_VERSION);
        }
        if (!idleTimeout.minus(keepAliveInterval).isPositive()) {
            throw new IllegalArgumentException("idle timeout must exceed the keep-alive interval");
        }
    }

    /**
     * Slots of {@code maxConnections} that only contacts and this peer's own dials may hold:
     * {@code reservedConnectionsPercent} of it, rounded down (16 of 64).
     */
    public int reservedConnections() {
        return (int) ((long) maxConnections * reservedConnectionsPercent / 100);
    }

    /** Slots that unknown identities may hold at most, together: all but the reserved ones. */
    public int maxUnknownConnections() {
        return maxConnections - reservedConnections();
    }

    /** One crypto thread per core. */
    public static int defaultCryptoThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** {@value #CRYPTO_QUEUE_PER_THREAD} queued steps per crypto thread. */
    public static int defaultCryptoQueue(int cryptoThreads) {
        return CRYPTO_QUEUE_PER_THREAD * cryptoThreads;
    }

    /** Defaults for tests: loopback, a free port, short time-outs, the product's admission limits. */
    public static ConnectionSettings forTests(String host) {
        int threads = defaultCryptoThreads();
        return new ConnectionSettings(host, 0, List.of(), 64, DEFAULT_RESERVED_CONNECTIONS_PERCENT,
                DEFAULT_MAX_UNKNOWN_CONNECTIONS_PER_ADDRESS, DEFAULT_MAX_HANDSHAKES,
                DEFAULT_MAX_HANDSHAKES_PER_ADDRESS, Duration.ofSeconds(5), Duration.ofSeconds(3), threads,
                defaultCryptoQueue(threads), Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofMillis(100),
                Duration.ofSeconds(2), Limits.DEFAULTS, WireConstants.MAX_VERSION);
    }

    public ConnectionSettings withConnect(List<DialTarget> targets) {
        return new ConnectionSettings(listenHost, listenPort, targets, maxConnections, reservedConnectionsPercent,
                maxUnknownConnectionsPerAddress, maxHandshakes,
                maxHandshakesPerAddress, handshakeTimeout, handshakeIdleTimeout, cryptoThreads, cryptoQueue,
                keepAliveInterval, idleTimeout, reconnectMinDelay, reconnectMaxDelay, limits, maxProtocolVersion);
    }

    public ConnectionSettings withListenPort(int port) {
        return new ConnectionSettings(listenHost, port, connect, maxConnections, reservedConnectionsPercent,
                maxUnknownConnectionsPerAddress, maxHandshakes,
                maxHandshakesPerAddress, handshakeTimeout, handshakeIdleTimeout, cryptoThreads, cryptoQueue,
                keepAliveInterval, idleTimeout, reconnectMinDelay, reconnectMaxDelay, limits, maxProtocolVersion);
    }

    public ConnectionSettings withMaxConnections(int max) {
        return new ConnectionSettings(listenHost, listenPort, connect, max, reservedConnectionsPercent,
                maxUnknownConnectionsPerAddress, maxHandshakes,
                maxHandshakesPerAddress, handshakeTimeout, handshakeIdleTimeout, cryptoThreads, cryptoQueue,
                keepAliveInterval, idleTimeout, reconnectMinDelay, reconnectMaxDelay, limits, maxProtocolVersion);
    }

    /** These settings with {@code percent} of the connections reserved and {@code perAddress} unknowns per address. */
    public ConnectionSettings withContactReserve(int percent, int perAddress) {
        return new ConnectionSettings(listenHost, listenPort, connect, maxConnections, percent, perAddress,
                maxHandshakes, maxHandshakesPerAddress, handshakeTimeout, handshakeIdleTimeout, cryptoThreads,
                cryptoQueue, keepAliveInterval, idleTimeout, reconnectMinDelay, reconnectMaxDelay, limits, maxProtocolVersion);
    }

    public ConnectionSettings withHandshakeBudget(int max, int perAddress) {
        return new ConnectionSettings(listenHost, listenPort, connect, maxConnections, reservedConnectionsPercent,
                maxUnknownConnectionsPerAddress, max, perAddress,
                handshakeTimeout, handshakeIdleTimeout, cryptoThreads, cryptoQueue, keepAliveInterval, idleTimeout,
                reconnectMinDelay, reconnectMaxDelay, limits, maxProtocolVersion);
    }

    public ConnectionSettings withHandshakeTimeout(Duration timeout) {
        return new ConnectionSettings(listenHost, listenPort, connect, maxConnections, reservedConnectionsPercent,
                maxUnknownConnectionsPerAddress, maxHandshakes,
                maxHandshakesPerAddress, timeout, handshakeIdleTimeout, cryptoThreads, cryptoQueue,
                keepAliveInterval, idleTimeout, reconnectMinDelay, reconnectMaxDelay, limits, maxProtocolVersion);
    }

    public ConnectionSettings withHandshakeIdleTimeout(Duration idle) {
        return new ConnectionSettings(listenHost, listenPort, connect, maxConnections, reservedConnectionsPercent,
                maxUnknownConnectionsPerAddress, maxHandshakes,
                maxHandshakesPerAddress, handshakeTimeout, idle, cryptoThreads, cryptoQueue, keepAliveInterval,
                idleTimeout, reconnectMinDelay, reconnectMaxDelay, limits, maxProtocolVersion);
    }

    public ConnectionSettings withCryptoPool(int threads, int queue) {
        return new ConnectionSettings(listenHost, listenPort, connect, maxConnections, reservedConnectionsPercent,
                maxUnknownConnectionsPerAddress, maxHandshakes,
                maxHandshakesPerAddress, handshakeTimeout, handshakeIdleTimeout, threads, queue, keepAliveInterval,
                idleTimeout, reconnectMinDelay, reconnectMaxDelay, limits, maxProtocolVersion);
    }

    /** These settings speaking protocol versions 1 up to {@code version} only (1: a version-1 peer). */
    public ConnectionSettings withMaxProtocolVersion(int version) {
        return new ConnectionSettings(listenHost, listenPort, connect, maxConnections, reservedConnectionsPercent,
                maxUnknownConnectionsPerAddress, maxHandshakes,
                maxHandshakesPerAddress, handshakeTimeout, handshakeIdleTimeout, cryptoThreads, cryptoQueue,
                keepAliveInterval, idleTimeout, reconnectMinDelay, reconnectMaxDelay, limits, version);
    }

    public ConnectionSettings withLimits(Limits newLimits) {
        return new ConnectionSettings(listenHost, listenPort, connect, maxConnections, reservedConnectionsPercent,
                maxUnknownConnectionsPerAddress, maxHandshakes,
                maxHandshakesPerAddress, handshakeTimeout, handshakeIdleTimeout, cryptoThreads, cryptoQueue,
                keepAliveInterval, idleTimeout, reconnectMinDelay, reconnectMaxDelay, newLimits, maxProtocolVersion);
    }
}
