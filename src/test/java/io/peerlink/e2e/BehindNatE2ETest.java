package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.e2e.Messaging.InboxRead;
import io.peerlink.support.Http;
import io.peerlink.support.NatLab.Dial;
import io.peerlink.support.NatLab.Place;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Real NAT (issue 19), with nothing but the direct connection: peers in the {@link NatPeers} lab, R on
 * the wan (relay-capable: protocol version 2, relaying switched on), A behind nat-a, B behind nat-b,
 * V on the wan speaking only today's protocol version 1. A home dials out through its router's
 * MASQUERADE; nobody dials into a home, neither from the wan nor from the other home. A peer behind
 * NAT that dials R talks both ways over its own outbound connection, and peers of either version
 * talk to each other directly, each as client and as server. Logs: {@code target/e2e/nat-*.log} and the lab's
 * {@code target/e2e/<prefix>-lab.log}.
 */
@Tag("e2e")
class BehindNatE2ETest {

    private static final Duration DIAL = Duration.ofSeconds(3);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);

    private static NatPeers nat;
    private static PeerProcess r;
    private static PeerProcess a;
    private static PeerProcess b;
    private static PeerProcess v;

    @BeforeAll
    static void startPeers() throws IOException {
        assertThat(E2e.jar()).as("the packaged jar (run ./mvnw -B verify, which packages first)").isRegularFile();
        nat = NatPeers.open();
        r = nat.peer("nat-r", Place.RELAY, null).env("PEERLINK_RELAY_ENABLED", "true");
        a = nat.peer("nat-a", Place.HOME_A, null);
        b = nat.peer("nat-b", Place.HOME_B, null);
        v = nat.peer("nat-v", Place.WAN_PEER, null).env("PEERLINK_PROTOCOL_MAX_VERSION", "1");
        for (PeerProcess p : List.of(r, a, b, v)) {
            NatPeers.identity(p);
        }
        NatPeers.startAll(r, a, b, v);
    }

    @AfterAll
    static void removeLab() {
        if (nat != null) {
            nat.close();
        }
    }

    @Test
    void homesReachTheWanButNeitherTheOtherHomeNorTheWanReachesIntoAHome() throws IOException {
        // every peer listens: what fails below fails at the routers
        assertThat(nat.lab.dial(Place.HOME_B, Place.HOME_B.address, E2e.PEER_PORT, DIAL)).as("B's own peer port")
                .isEqualTo(Dial.CONNECTED);
        assertThat(nat.lab.dial(Place.HOME_A, Place.HOME_A.address, E2e.PEER_PORT, DIAL)).as("A's own peer port")
                .isEqualTo(Dial.CONNECTED);
        assertThat(nat.lab.dial(Place.HOME_A, Place.RELAY.address, E2e.PEER_PORT, DIAL)).as("A to R on the wan")
                .isEqualTo(Dial.CONNECTED);
        assertThat(nat.lab.dial(Place.HOME_B, Place.RELAY.address, E2e.PEER_PORT, DIAL)).as("B to R on the wan")
                .isEqualTo(Dial.CONNECTED);

        for (Place target : List.of(Place.HOME_B, Place.NAT_B)) {
            assertThat(nat.lab.dial(Place.HOME_A, target.address, E2e.PEER_PORT, DIAL))
                    .as("A to B's %s address %s", target, target.address).isNotEqualTo(Dial.CONNECTED);
        }
        for (Place target : List.of(Place.HOME_A, Place.NAT_A)) {
            assertThat(nat.lab.dial(Place.HOME_B, target.address, E2e.PEER_PORT, DIAL))
                    .as("B to A's %s address %s", target, target.address).isNotEqualTo(Dial.CONNECTED);
            assertThat(nat.lab.dial(Place.RELAY, target.address, E2e.PEER_PORT, DIAL))
                    .as("R (the wan) to A's %s address %s", target, target.address).isNotEqualTo(Dial.CONNECTED);
        }
    }

    @Test
    void aPeerBehindNatCannotConnectToAPeerBehindAnotherNat() {
        String inviteB = invite(b);
        String inviteA = invite(a);
        HttpResponse<String> aToB = a.request("POST", "/api/peers", Map.of("invite", inviteB));
        assertThat(aToB.statusCode()).as("A connecting with B's invite %s: %s", inviteB, aToB.body()).isEqualTo(502);
        HttpResponse<String> bToA = b.request("POST", "/api/peers", Map.of("invite", inviteA));
        assertThat(bToA.statusCode()).as("B connecting with A's invite %s: %s", inviteA, bToA.body()).isEqualTo(502);
    }

    @Test
    void aPeerBehindNatDialsThePeerOnTheWanAndBothSendOverThatConnection() {
        String idA = a.peerId();
        String idR = r.peerId();
        // R cannot dial A: neither at its router's public address nor at its home address
        for (Place target : List.of(Place.NAT_A, Place.HOME_A)) {
            HttpResponse<String> rToA = r.request("POST", "/api/peers", Map.of("host", target.address, "port",
                    E2e.PEER_PORT));
            assertThat(rToA.statusCode()).as("R dialling A at %s: %s", target.address, rToA.body()).isEqualTo(502);
        }

        JsonNode dialled = a.json("POST", "/api/peers", Map.of("invite", invite(r)), 201);
        assertThat(Http.text(dialled, "peerId")).isEqualTo(idR);
        E2e.await("R to list A as connected", Duration.ofSeconds(20), () -> "CONNECTED".equals(r.peerState(idA)),
                logs());
        JsonNode aAtR = r.json("GET", "/api/peers/" + idA, null, 200);
        assertThat(Http.text(aAtR, "direction")).as("A at R: %s", aAtR).isEqualTo("INBOUND");
        assertThat(Http.text(aAtR, "address")).as("A's address as R sees it: nat-a's public address (MASQUERADE)")
                .startsWith(Place.NAT_A.address + ":");

        sendAndReceive(a, idA, r, idR, "from behind nat-a to the wan");
        // R answers over A's own outbound connection: the only way in
        sendAndReceive(r, idR, a, idA, "from the wan back through nat-a");
    }

    @Test
    void aPeerOfProtocolVersionOneAndRelayCapablePeersTalkDirectlyEachAsClientAndAsServer() {
        String idA = a.peerId();
        String idR = r.peerId();
        String idV = v.peerId();
        // version 2 (A, behind nat-a) dials version 1 (V)
        JsonNode aToV = a.json("POST", "/api/peers", Map.of("invite", invite(v)), 201);
        assertThat(Http.text(aToV, "peerId")).isEqualTo(idV);
        sendAndReceive(a, idA, v, idV, "version 2 to version 1, A dialled");
        sendAndReceive(v, idV, a, idA, "version 1 to version 2, A dialled");
        // version 1 (V) dials the relay-capable R
        JsonNode vToR = v.json("POST", "/api/peers", Map.of("invite", invite(r)), 201);
        assertThat(Http.text(vToR, "peerId")).isEqualTo(idR);
        sendAndReceive(v, idV, r, idR, "version 1 to version 2, V dialled");
        sendAndReceive(r, idR, v, idV, "version 2 to version 1, V dialled");
    }

    /**
     * {@code from} sends one message to {@code to} (made a contact of {@code from} first if it is a
     * request there); it arrives exactly once with its text and turns DELIVERED at the sender.
     */
    private static void sendAndReceive(PeerProcess from, String fromId, PeerProcess to, String toId, String text) {
        JsonNode peer = from.json("GET", "/api/peers/" + toId, null, 200);
        if ("REQUEST".equals(Http.text(peer, "relation"))) {
            from.json("POST", "/api/peers/" + toId + "/accept", null, 200);
        }
        JsonNode sent = Messaging.send(from, toId, text);
        String id = Http.text(sent, "id");
        InboxRead inbox = Messaging.awaitInbox(to, 0, List.of(id), DELIVERY_TIMEOUT);
        List<JsonNode> copies = inbox.messages().stream().filter(m -> id.equals(Http.text(m, "id"))).toList();
        assertThat(copies).as("\"%s\" in %s's inbox: %s", text, to.name, inbox.messages()).hasSize(1);
        assertThat(Http.text(copies.get(0), "text")).isEqualTo(text);
        assertThat(Http.text(copies.get(0), "from")).isEqualTo(fromId);
        Messaging.awaitDelivered(from, toId, List.of(id), DELIVERY_TIMEOUT, x -> text, logs());
    }

    private static String invite(PeerProcess peer) {
        return Http.text(peer.json("GET", "/api/identity", null, 200), "invite");
    }

    private static Supplier<String> logs() {
        return nat::logs;
    }
}
