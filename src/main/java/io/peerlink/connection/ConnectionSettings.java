package io.peerlink.connection;

import io.peerlink.wire.Limits;
import java.time.Duration;
import java.util.List;

/**
 * What {@link PeerConnectionService} needs to know, free of Spring so that tests can build it.
 *
 * @param listenHost address the peer port binds to
 * @param listenPort the peer port (0 picks a free one)
 * @param connect peers dialled at start-up and re-dialled while unreachable
 * @param maxConnections connections (handshaking or established) open at once
 * @param handshakeTimeout the whole handshake must finish within this
 * @param keepAliveInterval an idle direction sends KEEP_ALIVE this often
 * @param idleTimeout a connection that receives nothing for this long is declared dead
 * @param reconnectMinDelay first back-off of start-up dialling
 * @param reconnectMaxDelay cap of the exponential back-off
 * @param limits frame and message limits of the record layer
 */
public record ConnectionSettings(
        String listenHost,
        int listenPort,
        List<DialTarget> connect,
        int maxConnections,
        Duration handshakeTimeout,
        Duration keepAliveInterval,
        Duration idleTimeout,
        Duration reconnectMinDelay,
        Duration reconnectMaxDelay,
        Limits limits) {

    public ConnectionSettings {
        connect = List.copyOf(connect);
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max-connections must be at least 1");
        }
        if (!idleTimeout.minus(keepAliveInterval).isPositive()) {
            throw new IllegalArgumentException("idle timeout must exceed the keep-alive interval");
        }
    }

    /** Defaults for tests: loopback, a free port, short time-outs. */
    public static ConnectionSettings forTests(String host) {
        return new ConnectionSettings(host, 0, List.of(), 64, Duration.ofSeconds(5), Duration.ofSeconds(1),
                Duration.ofSeconds(4), Duration.ofMillis(100), Duration.ofSeconds(2), Limits.DEFAULTS);
    }

    public ConnectionSettings withConnect(List<DialTarget> targets) {
        return new ConnectionSettings(listenHost, listenPort, targets, maxConnections, handshakeTimeout,
                keepAliveInterval, idleTimeout, reconnectMinDelay, reconnectMaxDelay, limits);
    }

    public ConnectionSettings withHandshakeTimeout(Duration timeout) {
        return new ConnectionSettings(listenHost, listenPort, connect, maxConnections, timeout,
                keepAliveInterval, idleTimeout, reconnectMinDelay, reconnectMaxDelay, limits);
    }

    public ConnectionSettings withLimits(Limits newLimits) {
        return new ConnectionSettings(listenHost, listenPort, connect, maxConnections, handshakeTimeout,
                keepAliveInterval, idleTimeout, reconnectMinDelay, reconnectMaxDelay, newLimits);
    }
}
