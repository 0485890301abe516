package io.peerlink.messaging;

import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.ConnectionSettings;
import io.peerlink.transport.PeerConnectionException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.peerlink.store.MessageStatus;
import io.peerlink.store.StoredMessage;
import io.peerlink.support.CommitGate;
import io.peerlink.support.TestIdentities;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17: a send whose commit outlasts the time-out fails with COMMIT_TIMEOUT naming the message's
 * id (chosen before the wait when the client gave none); the message is still sent once the store
 * commits it, and a retry with that id gives back the stored message: the recipient gets it once.
 */
class CommitTimeoutTest {

    private final CommitGate gate = new CommitGate();
    private final AtomicInteger written = new AtomicInteger();
    private final PeerConnectionService alice = SlowCommitServices.create(TestIdentities.named("alice"),
            ConnectionSettings.forTests("127.0.0.1"), gate, new ConnectionObserver() {
                @Override
                public void messageSent() {
                    written.incrementAndGet();
                }
            }, Duration.ofMillis(300));
    private final PeerConnectionService bob = PeerConnectionServiceTest.service("bob", "127.0.0.1");

    @BeforeEach
    void connect() throws Exception {
        alice.start();
        bob.start();
        alice.connect("127.0.0.1", bob.listenPort(), null);
        PeerConnectionServiceTest.awaitConnected(bob, 1);
    }

    @AfterEach
    void stop() {
        gate.release();
        alice.stop();
        bob.stop();
    }

    @ParameterizedTest(name = "client id given: {0}")
    @ValueSource(booleans = {false, true})
    void aSendThatTimesOutNamesItsIdAndARetryWithItSendsTheMessageOnce(boolean clientId) throws Exception {
        String bobId = bob.identity().peerId();
        UUID given = clientId ? UUID.randomUUID() : null;

        gate.hold();
        PeerConnectionException timedOut = catchThrowableOfType(PeerConnectionException.class,
                () -> alice.send(bobId, "said once", given));
        assertThat(timedOut.kind()).isEqualTo(PeerConnectionException.Kind.COMMIT_TIMEOUT);
        UUID id = timedOut.messageId();
        assertThat(id).isNotNull();
        if (clientId) {
            assertThat(id).isEqualTo(given);
        }
        assertThat(timedOut.getMessage()).contains("retry with id " + id);

        gate.release();
        PeerConnectionService.Sent retried = alice.send(bobId, "said once", id);
        assertThat(retried.created()).as("the retry finds the message the timed-out call stored").isFalse();
        assertThat(retried.message().id()).isEqualTo(id);

        // the message goes out without a reconnect, and bob has it once
        PeerConnectionServiceTest.awaitStatus(alice.store(), id, MessageStatus.DELIVERED);
        assertThat(bob.inbox().poll(0, 10, null, Duration.ofSeconds(5)).messages())
                .extracting(StoredMessage::id, StoredMessage::text)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(id, "said once"));
        assertThat(written.get()).as("MESSAGE frames written").isEqualTo(1);
        assertThat(alice.store().messages().conversation(bobId, Long.MAX_VALUE, 10)).hasSize(1);
    }
}
