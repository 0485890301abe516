package io.peerlink.messaging;

import io.peerlink.transport.DialTarget;
import io.peerlink.transport.PeerConnectionException;
import io.peerlink.transport.ConnectionSettings;
import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.Invite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.identity.Identity;
import io.peerlink.store.MessageStatus;
import io.peerlink.store.StoredEvent;
import io.peerlink.store.Trust;
import io.peerlink.support.TestIdentities;
import io.peerlink.support.TestStores;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Names, trust on first use, verification and pins, between real services on loopback. */
class ContactsAndTrustTest {

    private final List<PeerConnectionService> started = new java.util.ArrayList<>();

    @AfterEach
    void stopAll() {
        started.forEach(PeerConnectionService::stop);
    }

    private PeerConnectionService start(Identity identity, int port, List<DialTarget> connect) throws Exception {
        ConnectionSettings s = ConnectionSettings.forTests("127.0.0.1").withListenPort(port).withConnect(connect);
        PeerConnectionService service = new PeerConnectionService(identity, s, TestStores.fresh(),
                ConnectionObserver.NONE, Clock.systemUTC());
        service.start();
        started.add(service);
        return service;
    }

    private static PeerConnectionException.Kind kindOf(Throwable e) {
        return ((PeerConnectionException) e).kind();
    }

    @Test
    void aNewKeyAtAKnownAddressIsRefusedBeforeWeRevealOurselvesAndAcceptedOnlyWithItsPin() throws Exception {
        PeerConnectionService alice = start(TestIdentities.named("alice"), 0, List.of());
        int port = alice.listenPort();
        PeerConnectionService bob = start(TestIdentities.named("bob"), 0, List.of());
        String aliceId = bob.connect("127.0.0.1", port, null).peer().peerId();
        assertThat(bob.peer(aliceId).orElseThrow().addresses()).containsExactly("127.0.0.1:" + port);
        alice.stop();

        // another identity at the same address
        PeerConnectionService mallory = start(TestIdentities.named("mallory"), port, List.of());
        assertThatThrownBy(() -> bob.connect("127.0.0.1", port, null))
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(PeerConnectionException.Kind.KEY_CHANGED))
                .hasMessageContaining(alice.identity().publicKey().fingerprint())
                .hasMessageContaining(mallory.identity().publicKey().fingerprint());
        assertThat(bob.peer(aliceId).orElseThrow().trust()).isEqualTo(Trust.CHANGED);
        assertThat(bob.store().events().after(0, 100)).filteredOn(e -> e.type() == StoredEvent.Type.PEER)
                .extracting(StoredEvent::peerId, StoredEvent::detail)
                .contains(org.assertj.core.groups.Tuple.tuple(aliceId, "key-changed"));
        // bob never sent CLIENT_HELLO: mallory does not know who dialled
        Thread.sleep(200);
        assertThat(mallory.peers()).isEmpty();
        // a second try is refused the same way, without a second event
        assertThatThrownBy(() -> bob.connect("127.0.0.1", port, null))
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(PeerConnectionException.Kind.KEY_CHANGED));
        assertThat(bob.store().events().after(0, 100)).filteredOn(e -> "key-changed".equals(e.detail())).hasSize(1);

        // the explicit pin accepts the new identity, which starts UNVERIFIED
        String malloryFingerprint = mallory.identity().publicKey().fingerprint();
        PeerView accepted = bob.connect("127.0.0.1", port, malloryFingerprint).peer();
        assertThat(accepted.peerId()).isEqualTo(mallory.identity().peerId());
        assertThat(accepted.trust()).isEqualTo(Trust.UNVERIFIED);
        assertThat(accepted.addresses()).containsExactly("127.0.0.1:" + port);
        assertThat(bob.peer(aliceId).orElseThrow().addresses()).isEmpty();
    }

    @Test
    void aVerifiedContactsKeyChangeNeedsThePinEvenAfterItIsForgotten() throws Exception {
        PeerConnectionService alice = start(TestIdentities.named("alice"), 0, List.of());
        int port = alice.listenPort();
        PeerConnectionService bob = start(TestIdentities.named("bob"), 0, List.of());
        PeerView a = bob.connect("127.0.0.1", port, null).peer();

        assertThatThrownBy(() -> bob.verify(a.peerId(), "12345 " + a.safetyNumber().substring(6)))
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(PeerConnectionException.Kind.SAFETY_NUMBER_MISMATCH));
        assertThat(bob.peer(a.peerId()).orElseThrow().trust()).isEqualTo(Trust.UNVERIFIED);
        PeerView verified = bob.verify(a.peerId(), a.safetyNumber().replace(" ", "  "));
        assertThat(verified.trust()).isEqualTo(Trust.VERIFIED);
        assertThat(verified.verifiedAt()).isNotNull();
        assertThat(bob.unverify(a.peerId()).trust()).isEqualTo(Trust.UNVERIFIED);
        bob.verify(a.peerId(), a.safetyNumber().replace(" ", ""));

        alice.stop();
        PeerConnectionService other = start(TestIdentities.named("alice-new-key"), port, List.of());
        assertThatThrownBy(() -> bob.connect("127.0.0.1", port, null))
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(PeerConnectionException.Kind.KEY_CHANGED));
        assertThat(bob.forget(a.peerId())).isTrue();
        assertThatThrownBy(() -> bob.connect("127.0.0.1", port, null))
                .as("a forgotten VERIFIED contact still guards its address")
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(PeerConnectionException.Kind.KEY_CHANGED));
        PeerView pinned = bob.connect("127.0.0.1", port, other.identity().peerId()).peer();
        assertThat(pinned.trust()).isEqualTo(Trust.UNVERIFIED);
    }

    @Test
    void forgettingAnUnverifiedContactLetsItsAddressBeTrustedOnFirstUseAgain() throws Exception {
        PeerConnectionService alice = start(TestIdentities.named("alice"), 0, List.of());
        int port = alice.listenPort();
        PeerConnectionService bob = start(TestIdentities.named("bob"), 0, List.of());
        String aliceId = bob.connect("127.0.0.1", port, null).peer().peerId();
        alice.stop();
        PeerConnectionService other = start(TestIdentities.named("carol"), port, List.of());
        assertThat(bob.forget(aliceId)).isTrue();
        assertThat(bob.connect("127.0.0.1", port, null).peer().peerId()).isEqualTo(other.identity().peerId());
    }

    @Test
    void connectingToItselfIsRefusedBeforeAnythingIsRevealed() throws Exception {
        PeerConnectionService bob = start(TestIdentities.named("bob"), 0, List.of());
        assertThatThrownBy(() -> bob.connect("127.0.0.1", bob.listenPort(), null))
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(PeerConnectionException.Kind.SELF))
                .hasMessageContaining("that is this peer");
        assertThat(bob.peers()).isEmpty();
    }

    @Test
    void anAliasNamesThePeerEverywhereAndIsUniqueAndClean() throws Exception {
        PeerConnectionService alice = start(TestIdentities.named("alice"), 0, List.of());
        PeerConnectionService carol = start(TestIdentities.named("carol"), 0, List.of());
        PeerConnectionService bob = start(TestIdentities.named("bob"), 0, List.of());
        String aliceId = bob.connect("127.0.0.1", alice.listenPort(), null).peer().peerId();
        String carolId = bob.connect("127.0.0.1", carol.listenPort(), null).peer().peerId();

        assertThat(bob.rename(aliceId, "  Alice ").alias()).isEqualTo("Alice");
        assertThat(bob.resolve("alice")).as("case is ignored").contains(aliceId);
        assertThat(bob.peer("Alice").map(PeerView::peerId)).contains(aliceId);
        var sent = bob.send("Alice", "by name").message();
        assertThat(sent.peerId()).isEqualTo(aliceId);
        PeerConnectionServiceTest.awaitStatus(bob.store(), sent.id(), MessageStatus.DELIVERED);

        assertThatThrownBy(() -> bob.rename(carolId, "ALICE"))
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(PeerConnectionException.Kind.ALIAS_TAKEN));
        for (String bad : List.of("", "a\u0007b", "x".repeat(65), "line\nbreak", "ab".repeat(32))) {
            assertThatThrownBy(() -> bob.rename(carolId, bad)).as(bad)
                    .satisfies(e -> assertThat(kindOf(e)).isEqualTo(PeerConnectionException.Kind.INVALID));
        }
        assertThat(bob.rename(carolId, "😀".repeat(64)).alias()).hasSize(128);
        assertThat(bob.rename(aliceId, null).alias()).isNull();
        assertThat(bob.resolve("Alice")).isEmpty();
        assertThat(bob.rename(carolId, "Alice").alias()).isEqualTo("Alice");
    }

    @Test
    void aPinnedConnectEntryNeverTalksToAnotherIdentity() throws Exception {
        PeerConnectionService alice = start(TestIdentities.named("alice"), 0, List.of());
        String somebodyElse = TestIdentities.named("somebody-else").peerId();
        PeerConnectionService bob = start(TestIdentities.named("bob"), 0,
                List.of(new DialTarget("127.0.0.1", alice.listenPort(), somebodyElse)));
        Thread.sleep(1500); // back-off from 100 ms: several dials
        assertThat(bob.peers()).isEmpty();
        assertThat(alice.peers()).isEmpty();

        PeerConnectionService bob2 = start(TestIdentities.named("bob"), 0,
                List.of(new DialTarget("127.0.0.1", alice.listenPort(), alice.identity().peerId())));
        PeerConnectionServiceTest.awaitState(bob2, alice.identity().peerId(), PeerState.CONNECTED);
    }

    @Test
    void invitesCarryTheAddressAndThePin() {
        String id = "ab".repeat(32);
        DialTarget t = Invite.parse(Invite.format(id, "192.0.2.10:5555"));
        assertThat(t).isEqualTo(new DialTarget("192.0.2.10", 5555, id));
        assertThat(Invite.parse("peerlink://" + id + "@[::1]:5555")).isEqualTo(new DialTarget("::1", 5555, id));
        for (String bad : List.of("http://" + id + "@h:1", "peerlink://h:1", "peerlink://" + id + "@h",
                "peerlink://" + id + "@h:1/path", "peerlink://" + id + "@h:1?x=y", "peerlink://xyz@h:1", "not a uri",
                "peerlink://" + id + "@h:70000")) {
            assertThatThrownBy(() -> Invite.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
