package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.e2e.Messaging.InboxRead;
import io.peerlink.support.Http;
import io.peerlink.support.NatLab.Dial;
import io.peerlink.support.NatLab.Place;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Issue 19 through real NAT ({@link NatPeers}): A behind nat-a and B behind nat-b cannot dial each
 * other and talk through relays on the wan. R (198.18.0.10) relays for anyone, at most one circuit
 * per reserved peer; R2 (198.18.0.11) only for its contacts, which A and B become when R2's user
 * accepts them. A and B name both relays ({@code PEERLINK_RELAYS}); C, a peer on the wan with no
 * relay, asks R for a circuit beyond its limit. (Issue 19's test 6, a peer of today's protocol
 * version beside relay-capable ones, is in {@link BehindNatE2ETest}.) One lab and one start of each
 * jar for the class; the tests run in order, each leaving the conversation going on for the next.
 * Logs: {@code target/e2e/relay-*.log}.
 */
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelayNatE2ETest {

    private static final Duration DIAL = Duration.ofSeconds(3);
    /** Bounds, not goals: a peer re-dials a relay that was down with the usual back-off (1 s doubling). */
    private static final Duration RESERVE_TIMEOUT = Duration.ofSeconds(240);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(240);

    private static NatPeers nat;
    private static PeerProcess r;
    private static PeerProcess r2;
    private static PeerProcess a;
    private static PeerProcess b;
    private static PeerProcess c;
    private static String idR;
    private static String idR2;
    private static String idA;
    private static String idB;
    private static String idNobody;
    private static final Map<String, String> TEXTS = new ConcurrentHashMap<>();
    /** Every message A sent to B, in order, and B to A: what each inbox must hold exactly once in the end. */
    private static final List<String> A_TO_B = new ArrayList<>();
    private static final List<String> B_TO_A = new ArrayList<>();

    @BeforeAll
    static void startPeers() throws IOException {
        assertThat(E2e.jar()).as("the packaged jar (run ./mvnw -B verify, which packages first)").isRegularFile();
        nat = NatPeers.open();
        r = nat.peer("relay-r", Place.RELAY, null)
                .env("PEERLINK_RELAY_ENABLED", "true")
                .env("PEERLINK_RELAY_ALLOW", "anyone")
                .env("PEERLINK_RELAY_MAX_CIRCUITS_PER_PEER", "1");
        r2 = nat.peer("relay-r2", Place.RELAY2, null)
                .env("PEERLINK_RELAY_ENABLED", "true")
                .env("PEERLINK_REQUESTS_FIRST_CONTACT", "false");   // contacts only, and nobody is one by chance
        // the relays' identities made beforehand, so that A and B can name them from their first start
        idR = NatPeers.identity(r);
        idR2 = NatPeers.identity(r2);
        String relays = idR + "@" + Place.RELAY.address + ":" + E2e.PEER_PORT + "," + idR2 + "@" + Place.RELAY2.address
                + ":" + E2e.PEER_PORT;
        a = nat.peer("relay-a", Place.HOME_A, null).env("PEERLINK_RELAYS", relays);
        b = nat.peer("relay-b", Place.HOME_B, null).env("PEERLINK_RELAYS", relays);
        idA = NatPeers.identity(a);
        idB = NatPeers.identity(b);
        c = nat.peer("relay-c", Place.WAN_PEER, null);
        // a peer that never runs: reserved nowhere
        idNobody = NatPeers.identity(nat.peer("relay-nobody", Place.WAN_PEER, null));
        NatPeers.startAll(r, r2, a, b, c);
    }

    @AfterAll
    static void removeLab() {
        if (nat != null) {
            nat.close();
        }
    }

    @Test
    @Order(1)
    void peersBehindTwoNatsThatCannotDialEachOtherTalkThroughTheRelayWhichSeesNoText() throws IOException {
        for (Place target : List.of(Place.HOME_B, Place.NAT_B)) {
            assertThat(nat.lab.dial(Place.HOME_A, target.address, E2e.PEER_PORT, DIAL))
                    .as("A dialling B's %s address %s", target, target.address).isNotEqualTo(Dial.CONNECTED);
        }
        for (Place target : List.of(Place.HOME_A, Place.NAT_A)) {
            assertThat(nat.lab.dial(Place.HOME_B, target.address, E2e.PEER_PORT, DIAL))
                    .as("B dialling A's %s address %s", target, target.address).isNotEqualTo(Dial.CONNECTED);
        }
        awaitRelayState(a, idR, "RESERVED");
        awaitRelayState(b, idR, "RESERVED");

        String inviteB = invite(b);
        assertThat(inviteB).as("B's invite names R").contains("relay=" + idR + "@" + Place.RELAY.address + ":"
                + E2e.PEER_PORT);
        JsonNode connected = a.json("POST", "/api/peers", Map.of("invite", inviteB), 201);
        assertThat(Http.text(connected, "peerId")).isEqualTo(idB);
        assertRoute(a, idB, idR);
        E2e.await("B to list A as connected", Duration.ofSeconds(30), () -> "CONNECTED".equals(b.peerState(idA)),
                logs());
        assertRoute(b, idA, idR);
        // A dialled in on its own: a message request at B (B's first contacts are its relays) until B's user accepts it
        assertThat(Http.text(b.json("GET", "/api/peers/" + idA, null, 200), "relation")).isEqualTo("REQUEST");
        b.json("POST", "/api/peers/" + idA + "/accept", null, 200);

        exchange("circuit", 5);

        // R copied ciphertext only: no text in its store, its log, or its heap
        List<String> texts = Stream.concat(A_TO_B.stream(), B_TO_A.stream()).map(TEXTS::get).toList();
        assertThat(texts).hasSize(10);
        for (Path file : files(r.dataDir)) {
            assertContainsNone("R's " + file.getFileName(), Files.readAllBytes(file), texts);
        }
        assertContainsNone("R's log", Files.readAllBytes(r.log()), texts);
        Path dump = E2e.logs().resolve("relay-r.hprof");
        Files.deleteIfExists(dump);
        heapDump(r, dump);
        try {
            assertContainsNone("R's heap dump", Files.readAllBytes(dump), texts);
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    @Test
    @Order(2)
    void circuitsOverTheLimitToUnreservedPeersAndFromPeersNotAllowedAreRefusedWithTheirReasons() {
        // R2 allows its contacts only: A and B are not, yet
        JsonNode refused = awaitRelayState(a, idR2, "REFUSED");
        assertThat(reason(refused)).as("why R2 refused A's reservation: %s", refused).isEqualTo("NOT_ALLOWED");

        // a circuit to a peer reserved on R beyond R's limit (one per reserved peer: A's circuit to B is open)
        HttpResponse<String> overLimit = c.request("POST", "/api/peers", Map.of("invite", relayOnlyInvite(idB, idR,
                Place.RELAY.address)));
        assertThat(overLimit.statusCode()).as("C dialling B through R beyond its circuit limit: %s", overLimit.body())
                .isEqualTo(502);
        assertThat(overLimit.body()).as("the refusal's reason").contains("PEER_CIRCUIT_LIMIT");
        forget(c, idB);   // or C would dial B again and again, and might take B's one circuit from A

        // a circuit to a peer that has no reservation on R (it does not even run)
        HttpResponse<String> unreserved = a.request("POST", "/api/peers", Map.of("invite", relayOnlyInvite(idNobody,
                idR, Place.RELAY.address)));
        assertThat(unreserved.statusCode()).as("A dialling a peer through R where it has no reservation: %s",
                unreserved.body()).isEqualTo(502);
        assertThat(unreserved.body()).as("the refusal's reason").contains("NO_RESERVATION");
        forget(a, idNobody);

        // the conversation through R goes on
        exchange("after refusals", 2);
    }

    @Test
    @Order(3)
    void messagesForAPeerThatIsOfflineArriveOnceInOrderWhenItComesBackAndReserves() throws IOException {
        b.stop();
        E2e.await("A to notice that B stopped", Duration.ofSeconds(60), () -> "DISCONNECTED".equals(a.peerState(idB)),
                logs());
        List<String> queued = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String text = "while B is offline %02d".formatted(i);
            JsonNode m = Messaging.send(a, idB, text);
            assertThat(Http.text(m, "status")).as("status of %s", text).isEqualTo("QUEUED");
            remember(m, text);
            queued.add(Http.text(m, "id"));
            A_TO_B.add(Http.text(m, "id"));
        }
        NatPeers.startAll(b);
        awaitRelayState(b, idR, "RESERVED");
        // from here only polls: A re-dials B through R by itself
        InboxRead inbox = Messaging.awaitInbox(b, 0, A_TO_B, DELIVERY_TIMEOUT);
        Messaging.assertExactlyOnceInOrder("B's inbox, with the messages queued while B was offline last",
                A_TO_B, inbox.ids(), RelayNatE2ETest::label, logs());
        Messaging.awaitDelivered(a, idB, queued, DELIVERY_TIMEOUT, RelayNatE2ETest::label, logs());
        assertRoute(a, idB, idR);
    }

    @Test
    @Order(4)
    void afterTheRelayIsKilledAndRestartedBothReserveAgainAndTheConversationGoesOn() throws IOException {
        r.kill();
        E2e.await("A to notice that R is gone", Duration.ofSeconds(60),
                () -> !"RESERVED".equals(relayState(a, idR)), logs());
        NatPeers.startAll(r);
        awaitRelayState(a, idR, "RESERVED");
        awaitRelayState(b, idR, "RESERVED");
        exchange("after R's restart", 5);
    }

    @Test
    @Order(5)
    void aSecondRelayCarriesTheConversationWhileTheFirstIsDown() {
        // R2's user accepts A and B: they may reserve there now
        for (String id : List.of(idA, idB)) {
            r2.json("POST", "/api/peers/" + id + "/accept", null, 200);
        }
        awaitRelayState(a, idR2, "RESERVED");
        awaitRelayState(b, idR2, "RESERVED");
        r.stop();
        E2e.await("A to lose its circuit through R", Duration.ofSeconds(60), () -> !idR.equals(relayId(a, idB)),
                logs());
        exchange("while R is down", 5);
        assertRoute(a, idB, idR2);
        assertRoute(b, idA, idR2);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** {@code n} messages each way between A and B; each arrives exactly once, in order after all before it. */
    private static void exchange(String label, int n) {
        List<String> sentAB = new ArrayList<>();
        List<String> sentBA = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String ab = "A to B, " + label + " " + i;
            String ba = "B to A, " + label + " " + i;
            JsonNode m1 = Messaging.send(a, idB, ab);
            JsonNode m2 = Messaging.send(b, idA, ba);
            remember(m1, ab);
            remember(m2, ba);
            sentAB.add(Http.text(m1, "id"));
            sentBA.add(Http.text(m2, "id"));
        }
        A_TO_B.addAll(sentAB);
        B_TO_A.addAll(sentBA);
        InboxRead atB = Messaging.awaitInbox(b, 0, sentAB, DELIVERY_TIMEOUT);
        Messaging.assertExactlyOnceInOrder("B's inbox (" + label + ")", A_TO_B, atB.ids(), RelayNatE2ETest::label,
                logs());
        InboxRead atA = Messaging.awaitInbox(a, 0, sentBA, DELIVERY_TIMEOUT);
        Messaging.assertExactlyOnceInOrder("A's inbox (" + label + ")", B_TO_A, atA.ids(), RelayNatE2ETest::label,
                logs());
        Messaging.awaitDelivered(a, idB, sentAB, DELIVERY_TIMEOUT, RelayNatE2ETest::label, logs());
        Messaging.awaitDelivered(b, idA, sentBA, DELIVERY_TIMEOUT, RelayNatE2ETest::label, logs());
    }

    private static void remember(JsonNode message, String text) {
        TEXTS.put(Http.text(message, "id"), text);
    }

    /** The peer's entry for {@code relayId} in {@code GET /api/identity}'s relays, or null. */
    private static JsonNode relay(PeerProcess peer, String relayId) {
        JsonNode relays = peer.json("GET", "/api/identity", null, 200).get("relays");
        assertThat(relays).as("relays in %s's identity", peer.name).isNotNull();
        for (JsonNode relay : relays) {
            if (relayId.equals(Http.text(relay, "relayId"))) {
                return relay;
            }
        }
        return null;
    }

    private static String relayState(PeerProcess peer, String relayId) {
        JsonNode relay = relay(peer, relayId);
        return relay == null ? null : Http.text(relay, "state");
    }

    private static JsonNode awaitRelayState(PeerProcess peer, String relayId, String state) {
        E2e.await(peer.name + "'s reservation on " + relayId + " to be " + state, RESERVE_TIMEOUT,
                () -> state.equals(relayState(peer, relayId)),
                () -> "relays: " + peer.json("GET", "/api/identity", null, 200).get("relays") + "\n" + nat.logs());
        return relay(peer, relayId);
    }

    private static String reason(JsonNode relay) {
        JsonNode reason = relay.get("reason");
        return reason == null || reason.isNull() ? null : reason.asString();
    }

    /** The relayId of {@code peer}'s connection to {@code otherId} (null when direct or unknown). */
    private static String relayId(PeerProcess peer, String otherId) {
        HttpResponse<String> r = peer.request("GET", "/api/peers/" + otherId, null);
        if (r.statusCode() != 200) {
            return null;
        }
        JsonNode id = Http.parse(r.body()).get("relayId");
        return id == null || id.isNull() ? null : id.asString();
    }

    /** {@code peer} lists {@code otherId} connected, via {@code relayId} (null: direct). */
    private static void assertRoute(PeerProcess peer, String otherId, String relayId) {
        JsonNode p = peer.json("GET", "/api/peers/" + otherId, null, 200);
        assertThat(Http.text(p, "state")).as("%s's connection to %s: %s", peer.name, otherId, p).isEqualTo("CONNECTED");
        assertThat(Http.text(p, "route")).as("%s's route to %s: %s", peer.name, otherId, p)
                .isEqualTo(relayId == null ? "direct" : "relay");
        JsonNode via = p.get("relayId");
        assertThat(via == null || via.isNull() ? null : via.asString()).as("%s's relay to %s", peer.name, otherId)
                .isEqualTo(relayId);
    }

    /** Forgets a peer that a refused dial may have stored (DELETE; 404 when it was not stored). */
    private static void forget(PeerProcess peer, String otherId) {
        HttpResponse<String> r = peer.request("DELETE", "/api/peers/" + otherId, null);
        assertThat(r.statusCode()).as("DELETE /api/peers/%s at %s: %s", otherId, peer.name, r.body()).isIn(204, 404);
    }

    private static String invite(PeerProcess peer) {
        return Http.text(peer.json("GET", "/api/identity", null, 200), "invite");
    }

    /** An invite with no direct address, only one relay. */
    private static String relayOnlyInvite(String peerId, String relayId, String relayHost) {
        return "peerlink://" + peerId + "?relay=" + relayId + "@" + relayHost + ":" + E2e.PEER_PORT;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }

    /** No text in {@code bytes}, neither as UTF-8 nor as UTF-16 (a Java string in a heap dump). */
    private static void assertContainsNone(String what, byte[] bytes, List<String> texts) {
        String latin = new String(bytes, StandardCharsets.ISO_8859_1);
        for (String text : texts) {
            String utf8 = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            String utf16 = new String(text.getBytes(StandardCharsets.UTF_16LE), StandardCharsets.ISO_8859_1);
            assertThat(latin.contains(utf8) || latin.contains(utf16)).as("%s holds the text \"%s\"", what, text)
                    .isFalse();
        }
    }

    /** A heap dump of the peer's JVM (jcmd, same user, its namespace's files are the host's). */
    private static void heapDump(PeerProcess peer, Path file) throws IOException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(peer.pid()), "GC.heap_dump",
                file.toAbsolutePath().toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            assertThat(p.waitFor()).as("jcmd GC.heap_dump: %s", out).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        assertThat(file).as("the heap dump jcmd wrote: %s", out).isRegularFile();
    }

    private static String label(String id) {
        return "\"" + TEXTS.getOrDefault(id, "?") + "\" (" + id + ")";
    }

    private static Supplier<String> logs() {
        return nat::logs;
    }
}
