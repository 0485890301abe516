package io.peerlink.attack;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.peerlink.connection.ConnectionObserver;
import io.peerlink.connection.ConnectionSettings;
import io.peerlink.connection.Inbox;
import io.peerlink.connection.InboundMessage;
import io.peerlink.connection.PeerConnectionService;
import io.peerlink.connection.PeerState;
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

    static final String SERVICE_LOGGER = PeerConnectionService.class.getName();
    static final String CONNECTION_LOGGER = "io.peerlink.connection.PeerConnection";

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
        logs = LogCapture.of(SERVICE_LOGGER, CONNECTION_LOGGER);
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
        return new PeerConnectionService(identity, settings, new Inbox(100, Clock.systemUTC()),
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
        assertThat(victim.inbox().lastCursor()).as("messages delivered to the victim").isZero();
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
        long before = victim.inbox().lastCursor();
        friend.connect(Wire.LOOPBACK, victimPort(), victim.identity().peerId());
        String text = "still listening " + UUID.randomUUID();
        friend.send(victim.identity().peerId(), text);
        Inbox.Page page = victim.inbox().poll(before, 10, friend.identity().peerId(), Wire.PATIENCE);
        assertThat(page.messages()).extracting(InboundMessage::text).containsExactly(text);
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
