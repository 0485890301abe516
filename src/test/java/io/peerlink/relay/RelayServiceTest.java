package io.peerlink.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.messaging.Inbox;
import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.messaging.PeerView;
import io.peerlink.store.Relation;
import io.peerlink.store.StoredMessage;
import io.peerlink.support.TestIdentities;
import io.peerlink.support.TestStores;
import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.ConnectionSettings;
import io.peerlink.transport.DialTarget;
import io.peerlink.transport.Invite;
import io.peerlink.transport.PeerConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A relay and two peers whose direct addresses do not answer, as three services over real loopback sockets. */
class RelayServiceTest {

    private final List<PeerConnectionService> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(PeerConnectionService::stop);
    }

    private PeerConnectionService start(String name, RelaySettings relaying) throws Exception {
        PeerConnectionService s = new PeerConnectionService(TestIdentities.named(name),
                ConnectionSettings.forTests("127.0.0.1"), TestStores.fresh(), ConnectionObserver.NONE,
                Clock.systemUTC(), relaying);
        s.start();
        started.add(s);
        return s;
    }

    private static DialTarget at(PeerConnectionService s) {
        return new DialTarget("127.0.0.1", s.listenPort(), s.identity().peerId());
    }

    /** B's address with a port where nothing listens: only the relay reaches B. */
    private static DialTarget unreachable(PeerConnectionService s) throws Exception {
        int port;
        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        return new DialTarget("127.0.0.1", port, s.identity().peerId());
    }

    @Test
    void twoPeersReservedOnARelayExchangeMessagesThroughACircuit() throws Exception {
        PeerConnectionService r = start("relay", RelaySettings.relay(true, 128, 64, 8));
        PeerConnectionService a = start("alice", RelaySettings.client(List.of(at(r))));
        PeerConnectionService b = start("bob", RelaySettings.client(List.of(at(r))));
        await(() -> reserved(a) && reserved(b), "both reserved");
        assertThat(r.relay().reservationCount()).isEqualTo(2);

        a.learnRelays(b.identity().peerId(), List.of(at(r)));
        a.connect(unreachable(b));
        assertThat(a.peer(b.identity().peerId()).orElseThrow().address()).isNotNull();

        a.send(b.identity().peerId(), "hello through the relay");
        Inbox.Page atB = b.inbox().poll(0, 10, null, Duration.ofSeconds(10));
        assertThat(atB.messages()).extracting(StoredMessage::text).containsExactly("hello through the relay");
        b.send(a.identity().peerId(), "and back");
        assertThat(a.inbox().poll(0, 10, null, Duration.ofSeconds(10)).messages())
                .extracting(StoredMessage::text).contains("and back");
        assertThat(r.relay().circuitCount()).isEqualTo(1);
    }

    @Test
    void aPeerDialledFromAnInviteThatNamesOnlyRelaysIsAContactReachedViaTheRelay() throws Exception {
        PeerConnectionService r = start("relay", RelaySettings.relay(true, 128, 64, 8));
        PeerConnectionService a = start("alice", RelaySettings.client(List.of(at(r))));
        PeerConnectionService b = start("bob", RelaySettings.client(List.of(at(r))));
        await(() -> reserved(a) && reserved(b), "both reserved");
        String bob = b.identity().peerId();

        // peerlink://<bob>?relay=<relay>@127.0.0.1:<port>: no direct address at all
        a.connect(Invite.read(Invite.format(bob, null, List.of(at(r)))), null);

        // this peer's own dial makes a contact, through a relay as directly; the inbound side a request
        PeerView atAlice = a.peer(bob).orElseThrow();
        assertThat(atAlice.relation()).isEqualTo(Relation.CONTACT);
        assertThat(atAlice.route()).isEqualTo("relay");
        assertThat(atAlice.relayId()).isEqualTo(r.identity().peerId());
        await(() -> b.peer(a.identity().peerId()).isPresent(), "bob knows alice");
        assertThat(b.peer(a.identity().peerId()).orElseThrow().route()).isEqualTo("relay");
    }

    @Test
    void aCircuitToAnUnreservedPeerIsRefusedWithItsReason() throws Exception {
        PeerConnectionService r = start("relay", RelaySettings.relay(true, 128, 64, 8));
        PeerConnectionService a = start("alice", RelaySettings.client(List.of(at(r))));
        PeerConnectionService b = start("bob", RelaySettings.NONE);
        await(() -> reserved(a), "alice reserved");
        assertThatThrownBy(() -> a.connect(unreachable(b)))
                .isInstanceOf(PeerConnectionException.class)
                .hasMessageContaining("NO_RESERVATION");
    }

    @Test
    void circuitsBeyondThePerPeerLimitAreRefused() throws Exception {
        PeerConnectionService r = start("relay", RelaySettings.relay(true, 128, 64, 0));
        PeerConnectionService a = start("alice", RelaySettings.client(List.of(at(r))));
        PeerConnectionService b = start("bob", RelaySettings.client(List.of(at(r))));
        await(() -> reserved(a) && reserved(b), "both reserved");
        assertThatThrownBy(() -> a.connect(unreachable(b)))
                .isInstanceOf(PeerConnectionException.class)
                .hasMessageContaining("PEER_CIRCUIT_LIMIT");
    }

    @Test
    void aPeerNotAllowedToReserveIsRefusedAndSaysWhy() throws Exception {
        // contacts only: the first peer to dial in becomes the relay's contact, the second is a stranger
        PeerConnectionService r = start("relay", RelaySettings.relay(false, 128, 64, 8));
        PeerConnectionService a = start("alice", RelaySettings.client(List.of(at(r))));
        await(() -> reserved(a), "alice reserved");
        PeerConnectionService b = start("bob", RelaySettings.client(List.of(at(r))));
        await(() -> b.relays().getFirst().state() == RelayClient.State.REFUSED, "bob refused");
        assertThat(b.relays().getFirst().reason()).isEqualTo("NOT_ALLOWED");
    }

    @Test
    void aPeerThatIsNoRelayRefusesReservations() throws Exception {
        PeerConnectionService r = start("relay", RelaySettings.NONE);
        PeerConnectionService a = start("alice", RelaySettings.client(List.of(at(r))));
        await(() -> a.relays().getFirst().state() == RelayClient.State.REFUSED, "alice refused");
        assertThat(a.relays().getFirst().reason()).isEqualTo("RELAY_DISABLED");
    }

    @Test
    void reservationsBeyondTheLimitAreRefused() throws Exception {
        PeerConnectionService r = start("relay", RelaySettings.relay(true, 1, 64, 8));
        PeerConnectionService a = start("alice", RelaySettings.client(List.of(at(r))));
        await(() -> reserved(a), "alice reserved");
        PeerConnectionService b = start("bob", RelaySettings.client(List.of(at(r))));
        await(() -> b.relays().getFirst().state() == RelayClient.State.REFUSED, "bob refused");
        assertThat(b.relays().getFirst().reason()).isEqualTo("RESERVATION_LIMIT");
    }

    private static boolean reserved(PeerConnectionService s) {
        return s.relays().getFirst().state() == RelayClient.State.RESERVED;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 15 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
