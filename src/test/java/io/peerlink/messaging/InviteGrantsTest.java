package io.peerlink.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.store.Relation;
import io.peerlink.store.StoredMessage;
import io.peerlink.support.TestIdentities;
import io.peerlink.support.TestStores;
import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.ConnectionSettings;
import io.peerlink.transport.DialTarget;
import io.peerlink.transport.Invite;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One-time grants between in-process peers over real sockets: a version-2 dialler presents the
 * invite's grant and is a contact at once; a version-1 dialler cannot, and is a request.
 */
class InviteGrantsTest {

    private static final long LOTS = 1L << 40;
    /** Requests keep 5 messages: more than that from a stranger would be refused. */
    private static final Quotas NO_FIRST_CONTACT = new Quotas(true, false, 5, LOTS, LOTS, LOTS, 0);

    private final List<PeerConnectionService> started = new ArrayList<>();

    private PeerConnectionService start(String name, int maxVersion) throws Exception {
        PeerConnectionService s = new PeerConnectionService(TestIdentities.named(name),
                ConnectionSettings.forTests("127.0.0.1").withMaxProtocolVersion(maxVersion), TestStores.fresh(),
                ConnectionObserver.NONE, Clock.systemUTC(), NO_FIRST_CONTACT, () -> LOTS);
        s.start();
        started.add(s);
        return s;
    }

    @AfterEach
    void stopAll() {
        started.forEach(PeerConnectionService::stop);
    }

    @Test
    void aVersionTwoDiallerWithTheGrantIsAContactFromItsFirstMessage() throws Exception {
        PeerConnectionService alice = start("alice", 2);
        PeerConnectionService bob = start("bob", 2);
        Invite invite = invite(alice);
        bob.connect(invite.target(), invite.grantBytes());
        String aliceId = alice.identity().peerId();
        List<String> sent = IntStream.range(0, 12).mapToObj(i -> "granted " + i).toList();
        sent.forEach(t -> bob.send(aliceId, t));
        assertThat(received(alice, sent.size())).as("all of bob's messages, beyond the request quota of 5")
                .isEqualTo(sent);
        assertThat(alice.peer(bob.identity().peerId()).orElseThrow().relation()).isEqualTo(Relation.CONTACT);
        assertThat(alice.store().grants().countOpen(Instant.now())).as("open grants after the use").isZero();
    }

    @Test
    void aVersionOneDiallerCannotPresentTheGrantAndIsARequest() throws Exception {
        PeerConnectionService alice = start("alice", 2);
        PeerConnectionService carol = start("carol", 1);
        Invite invite = invite(alice);
        carol.connect(invite.target(), invite.grantBytes());
        String aliceId = alice.identity().peerId();
        carol.send(aliceId, "from version 1");
        assertThat(received(alice, 1)).containsExactly("from version 1");
        assertThat(alice.peer(carol.identity().peerId()).orElseThrow().relation()).isEqualTo(Relation.REQUEST);
        assertThat(alice.store().grants().countOpen(Instant.now())).as("the grant stays open").isEqualTo(1);
    }

    private static Invite invite(PeerConnectionService at) {
        PeerConnectionService.Grant grant = at.createGrant(Duration.ofDays(7), 10).orElseThrow();
        return Invite.read(Invite.format(at.identity().peerId(), new DialTarget("127.0.0.1", at.listenPort(), null)
                .address(), grant.token()));
    }

    /** The texts {@code at} received, once it has at least {@code count} (bounded wait). */
    private static List<String> received(PeerConnectionService at, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> texts = List.of();
        while (System.nanoTime() < deadline) {
            texts = at.inbox().poll(0, 1000, null, Duration.ofMillis(200)).messages().stream()
                    .map(StoredMessage::text).toList();
            if (texts.size() >= count) {
                return texts;
            }
        }
        return texts;
    }
}
