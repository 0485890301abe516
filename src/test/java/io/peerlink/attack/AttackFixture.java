package io.peerlink.attack;

import io.peerlink.support.TestStores;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.ConnectionSettings;
import io.peerlink.messaging.Inbox;
import io.peerlink.store.StoredMessage;
import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.messaging.PeerState;
import io.peerlink.identity.Identity;
import io.peerlink.support.TestIdentities;
import io.peerlink.wire.ProtocolException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A victim peer listening on loopback, a friend peer for the "still serving" check, and the log of
 * both. Each attack test checks the four things every bad input must do: end the connection, log a
 * clear reason without a stack trace, deliver nothing, and leave the listener serving.
 */
abstract class AttackFixture {

    /** The whole connection layer: listener, dialer, connections, and the messaging over them. */
    static final String[] CONNECTION_LOGGERS = {"io.peerlink.transport", "io.peerlink.messaging"};

    static final Identity VICTIM = TestIdentities.named("victim");
    static final Identity FRIEND = TestIdentities.named("friend");
    static final Identity MALLORY = TestIdentities.named("mallory");

    PeerConnectionService victim;
    PeerConnectionService friend;
    LogCapture logs;

    /** The victim's settings; subclasses shorten the handshake time-out. */
    ConnectionSettings victimSettings() {
        return ConnectionSettings.forTests(Wire.LOOPBACK);
    }

    @BeforeEach
    void startPeers() throws IOException {
        logs = LogCapture.of(CONNECTION_LOGGERS);
        victim = service(VICTIM, victimSettings());
        friend = service(FRIEND, ConnectionSettings.forTests(Wire.LOOPBACK));
        victim.start();
        friend.start();
    }

    @AfterEach
    void stopPeers() {
        try {
            friend.stop();
            victim.stop();
        } finally {
            logs.close();
        }
    }

    static PeerConnectionService service(Identity identity, ConnectionSettings settings) {
        return new PeerConnectionService(identity, settings, TestStores.fresh(),
                ConnectionObserver.NONE, Clock.systemUTC());
    }

    int victimPort() {
        return victim.listenPort();
    }

    /** The victim refused an inbound handshake at WARN, naming the reason, without a stack trace. */
    ILoggingEvent assertInboundHandshakeRefused(ProtocolException.Reason reason, String... details) {
        return assertLogged(Level.WARN, "Inbound handshake", "failed: " + reason.name() + ": ", details);
    }

    /** The victim, as the dialling side, refused the server at WARN, naming the reason. */
    ILoggingEvent assertOutboundHandshakeRefused(ProtocolException.Reason reason, String... details) {
        return assertLogged(Level.WARN, "Handshake with", "failed: " + reason.name() + ": ", details);
    }

    /** An established connection broke the protocol: WARN with the reason, no stack trace. */
    ILoggingEvent assertConnectionRefused(ProtocolException.Reason reason, String... details) {
        return assertLogged(Level.WARN, "broke the protocol, closing", reason.name() + ": ", details);
    }

    ILoggingEvent assertLogged(Level level, String first, String second, String... more) {
        String[] fragments = new String[more.length + 2];
        fragments[0] = first;
        fragments[1] = second;
        System.arraycopy(more, 0, fragments, 2, more.length);
        ILoggingEvent event = logs.awaitWithoutStackTrace(level, fragments);
        logs.assertNoStackTraces();
        return event;
    }

    /** Nothing reached the victim's inbox and no connection is up. */
    void assertNothingDelivered() {
        assertThat(victim.store().messages().lastCursor()).as("messages delivered to the victim").isZero();
        assertNoConnectionUp();
    }

    void assertNoConnectionUp() {
        long deadline = System.nanoTime() + Wire.PATIENCE.toNanos();
        while (victim.connectedCount() > 0 && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(10));
        }
        assertThat(victim.peers()).as("connected peers of the victim")
                .noneMatch(p -> p.state() == PeerState.CONNECTED);
    }

    /** A legitimate peer can still connect to the victim's listener and deliver a message. */
    void assertListenerStillServes() throws InterruptedException {
        assertThat(victim.isListening()).isTrue();
        long before = victim.store().messages().lastCursor();
        friend.connect(Wire.LOOPBACK, victimPort(), victim.identity().peerId());
        String text = "still listening " + UUID.randomUUID();
        friend.send(victim.identity().peerId(), text);
        Inbox.Page page = victim.inbox().poll(before, 10, friend.identity().peerId(), Wire.PATIENCE);
        assertThat(page.messages()).extracting(StoredMessage::text).containsExactly(text);
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
