package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 19 on loopback, three real processes: relay R on host A ({@code PEERLINK_RELAY_ENABLED},
 * {@code PEERLINK_RELAY_ALLOW=anyone}), peers A on host B and B on host C, each with
 * {@code PEERLINK_RELAYS=<R's peerId>@<host A>:5555}. B's invite is given to A with a direct port
 * where nothing listens, so only the relay reaches B. The tests share the processes and run in order.
 */
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelayE2ETest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Three JVMs start on a shared machine: allow more than one start-up's usual time. */
    private static final Duration START = Duration.ofSeconds(300);

    @TempDir
    static Path dataDirs;

    private static PeerProcess relay;
    private static PeerProcess alice;
    private static PeerProcess bob;
    private static String relayId;

    @BeforeAll
    static void startRelayAndPeers() throws Exception {
        for (String host : List.of(E2e.hostA(), E2e.hostB(), E2e.hostC())) {
            E2e.requireFree(host, E2e.PEER_PORT);
            E2e.requireFree(host, E2e.API_PORT);
        }
        relay = new PeerProcess("relay-r", E2e.hostA(), dataDirs.resolve("relay"), null);
        relay.env("PEERLINK_RELAY_ENABLED", "true").env("PEERLINK_RELAY_ALLOW", "anyone");
        relay.deleteLog();
        relay.start();
        relay.awaitHealthy(START);
        relayId = relay.peerId();
        String relays = relayId + "@" + E2e.hostA() + ":" + E2e.PEER_PORT;
        alice = new PeerProcess("relay-alice", E2e.hostB(), dataDirs.resolve("alice"), null);
        bob = new PeerProcess("relay-bob", E2e.hostC(), dataDirs.resolve("bob"), null);
        for (PeerProcess p : List.of(alice, bob)) {
            p.env("PEERLINK_RELAYS", relays);
            p.deleteLog();
            p.start();
        }
        alice.awaitHealthy(START);
        bob.awaitHealthy(START);
    }

    @AfterAll
    static void stopAll() {
        for (PeerProcess p : new PeerProcess[] {alice, bob, relay}) {
            if (p != null) {
                p.kill();
            }
        }
    }

    @Test
    @Order(1)
    void bothPeersReserveOnTheRelayAndSayItInTheirIdentity() {
        for (PeerProcess p : List.of(alice, bob)) {
            awaitRelayState(p, "RESERVED");
            JsonNode identity = p.json("GET", "/api/identity", null, 200);
            JsonNode r = identity.get("relays").get(0);
            assertThat(r.get("relayId").asString()).isEqualTo(relayId);
            assertThat(r.get("host").asString()).isEqualTo(E2e.hostA());
            assertThat(r.get("port").asInt()).isEqualTo(E2e.PEER_PORT);
            assertThat(identity.get("invite").asString())
                    .endsWith("?relay=" + relayId + "@" + E2e.hostA() + ":" + E2e.PEER_PORT);
            // a one-time invite names the relays too, before its grant
            assertThat(p.json("POST", "/api/invites", null, 201).get("invite").asString())
                    .contains("?relay=" + relayId + "@" + E2e.hostA() + ":" + E2e.PEER_PORT + "&grant=");
        }
    }

    @Test
    @Order(2)
    void aliceReachesBobThroughTheRelayAndBothSeeTheRoute() {
        String invite = bob.json("GET", "/api/identity", null, 200).get("invite").asString();
        // nothing listens at this port of bob's host: only the relay reaches him
        String unreachable = invite.replace("@" + E2e.hostC() + ":" + E2e.PEER_PORT + "?",
                "@" + E2e.hostC() + ":" + (E2e.PEER_PORT + 1) + "?");
        assertThat(unreachable).isNotEqualTo(invite);
        HttpResponse<String> connected = alice.request("POST", "/api/peers", Map.of("invite", unreachable));
        assertThat(connected.statusCode()).as(connected.body()).isIn(200, 201);

        List<String> toBob = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            toBob.add(Messaging.send(alice, bob.peerId(), "to bob via relay " + i).get("id").asString());
        }
        Messaging.InboxRead atBob = Messaging.awaitInbox(bob, 0, toBob, WAIT);
        Messaging.assertExactlyOnceInOrder("alice to bob", toBob, atBob.ids(), id -> id, bob::logTail);
        Messaging.awaitDelivered(alice, bob.peerId(), toBob, WAIT, id -> id, bob::logTail);

        String back = Messaging.send(bob, alice.peerId(), "to alice via relay").get("id").asString();
        Messaging.InboxRead atAlice = Messaging.awaitInbox(alice, 0, List.of(back), WAIT);
        assertThat(atAlice.ids()).containsExactly(back);
        Messaging.awaitDelivered(bob, alice.peerId(), List.of(back), WAIT, id -> id, alice::logTail);

        assertRoute(alice, bob.peerId());
        assertRoute(bob, alice.peerId());
    }

    @Test
    @Order(3)
    void bobRestartedReservesAgainAndQueuedMessagesArriveExactlyOnceInOrder() throws Exception {
        long after = Messaging.readInbox(bob, 0).cursor();
        String bobId = bob.peerId();
        bob.stop();
        List<String> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(Messaging.send(alice, bobId, "while bob was away " + i).get("id").asString());
        }
        bob.start();
        bob.awaitHealthy(START);
        awaitRelayState(bob, "RESERVED");
        Messaging.InboxRead atBob = Messaging.awaitInbox(bob, after, queued, WAIT);
        Messaging.assertExactlyOnceInOrder("queued for bob", queued, atBob.ids(), id -> id, bob::logTail);
        Messaging.awaitDelivered(alice, bobId, queued, WAIT, id -> id, bob::logTail);
        assertRoute(alice, bobId);
    }

    @Test
    @Order(4)
    void aCircuitToAPeerWithoutAReservationIsRefusedWithItsReason() {
        String nobody = "0123456789abcdef".repeat(4);
        String invite = "peerlink://" + nobody + "?relay=" + relayId + "@" + E2e.hostA() + ":" + E2e.PEER_PORT;
        HttpResponse<String> refused = alice.request("POST", "/api/peers", Map.of("invite", invite));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(502);
        assertThat(refused.body()).contains("NO_RESERVATION");
    }

    private static void assertRoute(PeerProcess at, String otherId) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode peer = null;
        while (System.nanoTime() < deadline) {
            peer = at.json("GET", "/api/peers/" + otherId, null, 200);
            if ("CONNECTED".equals(peer.get("state").asString())) {
                break;
            }
            E2e.sleep(200);
        }
        assertThat(peer.get("route").asString()).as("route at %s", at.name).isEqualTo("relay");
        assertThat(peer.get("relayId").asString()).as("relayId at %s", at.name).isEqualTo(relayId);
        JsonNode listed = at.json("GET", "/api/peers", null, 200);
        boolean found = false;
        for (JsonNode p : listed) {
            if (p.get("peerId").asString().equals(otherId)) {
                found = true;
                assertThat(p.get("route").asString()).isEqualTo("relay");
            }
        }
        assertThat(found).as("%s lists %s", at.name, otherId).isTrue();
    }

    private static void awaitRelayState(PeerProcess p, String state) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String seen = null;
        while (System.nanoTime() < deadline) {
            seen = p.json("GET", "/api/identity", null, 200).get("relays").get(0).get("state").asString();
            if (state.equals(seen)) {
                return;
            }
            E2e.sleep(200);
        }
        throw new AssertionError(p.name + "'s reservation is " + seen + ", not " + state + "\n" + p.logTail());
    }
}
