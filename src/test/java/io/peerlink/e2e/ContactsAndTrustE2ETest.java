package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.support.SseClient.Event;
import io.peerlink.support.Http;
import io.peerlink.support.SseClient;
import io.peerlink.support.SvgQrCodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
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
 * Issue 10 with real processes: contacts, trust on first use, verification and no silent key change.
 * trust-a listens on the first host, trust-b on the second; trust-pinned (third host) starts with a
 * {@code PEERLINK_CONNECT} entry pinned to an identity that is not the one at trust-a's address. The
 * peer at the first host is replaced twice by a process with a new data directory (a new identity at
 * the same address): trust-a2, then trust-a3. The tests share the processes and run in order.
 * Logs: {@code target/e2e/trust-*.log}.
 */
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContactsAndTrustE2ETest {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);
    /** After a refusal, the dialler backs off from 1 s: a few seconds show whether it dials again. */
    private static final Duration QUIET_WINDOW = Duration.ofSeconds(8);
    private static final String FINGERPRINT = "([0-9a-f]{4} ){15}[0-9a-f]{4}";
    private static final String KEY_CHANGED_WARNING = "changed its key";
    /** The identity trust-pinned's connect entry insists on: nobody has it. */
    private static final String PINNED_ID = "5a".repeat(32);

    @TempDir
    static Path dataDirs;

    private static PeerProcess a;
    private static PeerProcess b;
    private static PeerProcess pinned;
    private static String addressA;
    private static String idA;
    private static String idB;
    /** The identities that replace trust-a at its address. */
    private static String idA2;

    @BeforeAll
    static void startPeers() throws IOException {
        assertThat(E2e.jar()).as("the packaged jar (run ./mvnw -B verify, which packages first)").isRegularFile();
        for (String host : List.of(E2e.hostA(), E2e.hostB(), E2e.hostC())) {
            E2e.requireFree(host, E2e.PEER_PORT);
            E2e.requireFree(host, E2e.API_PORT);
        }
        addressA = E2e.hostA() + ":" + E2e.PEER_PORT;
        a = new PeerProcess("trust-a", E2e.hostA(), dataDirs.resolve("a"), null);
        b = new PeerProcess("trust-b", E2e.hostB(), dataDirs.resolve("b"), null);
        pinned = new PeerProcess("trust-pinned", E2e.hostC(), dataDirs.resolve("pinned"), PINNED_ID + "@" + addressA);
        for (PeerProcess p : List.of(a, b, pinned)) {
            p.deleteLog();
        }
        a.start();
        b.start();
        a.awaitHealthy();
        b.awaitHealthy();
        pinned.start();   // dials trust-a as soon as it is up
        pinned.awaitHealthy();
        idA = a.peerId();
        idB = b.peerId();
    }

    @AfterAll
    static void killPeers() {
        Stream.of(a, b, pinned).filter(p -> p != null).forEach(PeerProcess::kill);
    }

    @Test
    @Order(1)
    void connectingToItsOwnAddressIsRefused() {
        HttpResponse<String> self = a.request("POST", "/api/peers", Map.of("host", E2e.hostA(), "port", E2e.PEER_PORT));
        assertProblem(self, 400, a);
        assertThat(Http.text(Http.parse(self.body()), "detail")).contains("that is this peer");
        assertThat(a.json("GET", "/api/peers", null, 200)).as("peers of trust-a").isEmpty();
        assertThat(a.peerState(idA)).isNull();
    }

    @Test
    @Order(2)
    void invitationsConnectExactlyTheInvitedIdentity() {
        JsonNode identityA = a.json("GET", "/api/identity", null, 200);
        String invite = Http.text(identityA, "invite");
        assertThat(invite).isEqualTo("peerlink://" + idA + "@" + addressA);
        assertThat(Http.text(b.json("GET", "/api/identity", null, 200), "invite"))
                .isEqualTo("peerlink://" + idB + "@" + E2e.hostB() + ":" + E2e.PEER_PORT);

        // malformed: refused before any dial
        for (String malformed : List.of("peerlink://" + addressA, "http://" + idA + "@" + addressA,
                "peerlink://" + idA.substring(1) + "@" + addressA, "peerlink://" + idA + "@" + E2e.hostA(),
                "peerlink://" + idA + "@" + addressA + "/x?y")) {
            assertProblem(b.request("POST", "/api/peers", Map.of("invite", malformed)), 400, b);
        }
        // tampered: another peerId for trust-a's address
        String tampered = "peerlink://" + idB.substring(0, 60) + "beef" + "@" + addressA;
        HttpResponse<String> mismatch = b.request("POST", "/api/peers", Map.of("invite", tampered));
        assertProblem(mismatch, 409, b);
        assertThat(Http.text(Http.parse(mismatch.body()), "code")).isEqualTo("fingerprint-mismatch");
        assertThat(b.json("GET", "/api/peers", null, 200)).as("peers of trust-b after the tampered invite").isEmpty();

        HttpResponse<String> created = b.request("POST", "/api/peers", Map.of("invite", invite));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode peer = Http.parse(created.body());
        assertThat(Http.text(peer, "peerId")).isEqualTo(idA);
        assertThat(Http.text(peer, "state")).isEqualTo("CONNECTED");
        assertThat(Http.text(peer, "trust")).isEqualTo("UNVERIFIED");
        assertThat(peer.get("alias").isNull()).as("alias of a new contact").isTrue();
        assertThat(peer.get("verifiedAt").isNull()).as("verifiedAt of a new contact").isTrue();
        assertThat(Instant.parse(Http.text(peer, "firstSeen"))).isBeforeOrEqualTo(Instant.now());
        assertThat(Instant.parse(Http.text(peer, "lastSeen"))).isBeforeOrEqualTo(Instant.now());
        assertThat(strings(peer.get("addresses"))).containsExactly(addressA);
        awaitState(a, idB, "CONNECTED");
    }

    @Test
    @Order(3)
    void aPinnedConnectEntryNeverTalksToAnotherIdentity() {
        // trust-pinned has dialled trust-a since its start-up: trust-a is not the pinned identity
        E2e.await("trust-pinned's WARN about the identity at " + addressA, CONNECT_TIMEOUT,
                () -> !warnings(pinned, PINNED_ID, addressA).isEmpty(), pinned::logTail);
        assertThat(warnings(pinned, PINNED_ID, addressA)).allSatisfy(line -> assertThat(line).contains(idA));
        E2e.sleep(QUIET_WINDOW.toMillis());
        assertThat(pinned.json("GET", "/api/peers", null, 200)).as("peers of trust-pinned").isEmpty();
        assertThat(pinned.peerState(idA)).isNull();
        // refused before it revealed itself: trust-a never learnt who dialled
        String idPinned = pinned.peerId();
        assertThat(a.peerState(idPinned)).isNull();
        assertThat(peerIds(a)).containsExactly(idB);
        pinned.kill();
    }

    @Test
    @Order(4)
    void aliasesNameContactsWhereverAPeerIdIsTaken() {
        JsonNode renamed = b.json("PATCH", "/api/peers/" + idA, Map.of("alias", "alice"), 200);
        assertThat(Http.text(renamed, "alias")).isEqualTo("alice");
        assertThat(Http.text(renamed, "peerId")).isEqualTo(idA);
        assertThat(Http.text(b.json("GET", "/api/peers/Alice", null, 200), "peerId")).as("case-insensitive")
                .isEqualTo(idA);
        a.json("PATCH", "/api/peers/" + idB, Map.of("alias", "bob"), 200);

        for (String bad : List.of("", "x".repeat(65), "tab\there", "new\nline", "ab".repeat(32),
                colonFingerprint(idB))) {
            Map<String, Object> body = new HashMap<>();
            body.put("alias", bad);
            assertProblem(b.request("PATCH", "/api/peers/" + idA, body), 400, b);
        }
        assertThat(Http.text(b.json("GET", "/api/peers/" + idA, null, 200), "alias")).isEqualTo("alice");
        assertProblem(b.request("PATCH", "/api/peers/" + "cd".repeat(32), Map.of("alias", "nobody")), 404, b);

        // "to" takes the alias, and the message arrives
        long cursor = Messaging.readInbox(a, 0).cursor();
        HttpResponse<String> sent = Messaging.post(b, "alice", "to alice by name", null);
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        JsonNode message = Http.parse(sent.body());
        assertThat(Http.text(message, "to")).isEqualTo(idA);
        String messageId = Http.text(message, "id");
        awaitDelivered(b, messageId);
        Messaging.InboxRead atA = Messaging.awaitInbox(a, cursor, List.of(messageId), DELIVERY_TIMEOUT);
        assertThat(atA.ids()).containsExactly(messageId);
        // "from" takes it too, and so does the conversation's path
        JsonNode fromBob = a.json("GET", "/api/messages?after=" + cursor + "&from=bob", null, 200);
        assertThat(fromBob.get("messages")).hasSize(1);
        assertThat(Http.text(fromBob.get("messages").get(0), "text")).isEqualTo("to alice by name");
        assertThat(b.json("GET", "/api/peers/alice/messages", null, 200).get("messages").get(0).get("id").asString())
                .isEqualTo(messageId);
    }

    @Test
    @Order(5)
    void bothPeersDrawTheSameSafetyNumberQrCode() throws IOException {
        String safetyNumber = Http.text(b.json("GET", "/api/peers/alice", null, 200), "safetyNumber");
        String lower = idA.compareTo(idB) < 0 ? idA : idB;
        String higher = lower.equals(idA) ? idB : idA;
        String documented = "peerlink-safety:1:" + safetyNumber.replace(" ", "") + ":" + lower + ":" + higher;

        for (var side : List.of(Map.entry(b, "/api/peers/alice/safety-number.svg"),
                Map.entry(a, "/api/peers/" + idB + "/safety-number.svg"))) {
            HttpResponse<String> r = side.getKey().get(side.getValue());
            assertThat(r.statusCode()).as("%s at %s: %s", side.getValue(), side.getKey(), r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("image/svg+xml"));
            assertThat(r.body()).doesNotContain("<script");
            assertThat(SvgQrCodes.decode(r.body())).as("QR code at %s", side.getKey()).isEqualTo(documented);
        }
        HttpResponse<String> unknown = b.get("/api/peers/" + "cd".repeat(32) + "/safety-number.svg");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    @Order(6)
    void verifiesOnlyTheRightSafetyNumberAndTakesItBack() {
        String safetyNumber = Http.text(b.json("GET", "/api/peers/" + idA, null, 200), "safetyNumber");
        String wrong = (safetyNumber.charAt(0) == '9' ? "0" : String.valueOf((char) (safetyNumber.charAt(0) + 1)))
                + safetyNumber.substring(1);

        HttpResponse<String> refused = b.request("POST", "/api/peers/alice/verify", Map.of("safetyNumber", wrong));
        assertProblem(refused, 409, b);
        JsonNode after = b.json("GET", "/api/peers/" + idA, null, 200);
        assertThat(Http.text(after, "trust")).isEqualTo("UNVERIFIED");
        assertThat(after.get("verifiedAt").isNull()).isTrue();

        Instant before = Instant.now().minusSeconds(5);
        JsonNode verified = b.json("POST", "/api/peers/" + idA + "/verify",
                Map.of("safetyNumber", safetyNumber.replace(" ", "")), 200);
        assertThat(Http.text(verified, "trust")).isEqualTo("VERIFIED");
        assertThat(Instant.parse(Http.text(verified, "verifiedAt"))).isAfter(before);
        assertThat(Http.text(b.json("GET", "/api/peers/" + idA, null, 200), "trust")).isEqualTo("VERIFIED");

        HttpResponse<String> undone = b.request("DELETE", "/api/peers/alice/verify", null);
        assertThat(undone.statusCode()).as(undone.body()).isIn(200, 204);
        JsonNode cleared = b.json("GET", "/api/peers/" + idA, null, 200);
        assertThat(Http.text(cleared, "trust")).isEqualTo("UNVERIFIED");
        assertThat(cleared.get("verifiedAt").isNull()).isTrue();
    }

    @Test
    @Order(7)
    void aNewKeyAtAKnownAddressIsRefusedReportedOnceAndAcceptedOnlyWithItsPin() throws IOException {
        String fingerprintA = Http.text(a.json("GET", "/api/identity", null, 200), "fingerprint");
        a.kill();
        awaitState(b, idA, "DISCONNECTED");
        PeerProcess a2 = replaceA("trust-a2", "a2");
        a = a2;
        idA2 = a2.peerId();
        String fingerprintA2 = Http.text(a2.json("GET", "/api/identity", null, 200), "fingerprint");
        assertThat(idA2).isNotEqualTo(idA);

        // trust-b keeps dialling the address it knows; the identity answering there now is refused
        try (SseClient events = SseClient.open(b, "?after=0", null)) {
            events.awaitEvent("the key-changed event of " + idA, peerEvent(idA, "key-changed"), CONNECT_TIMEOUT);
        }
        JsonNode old = b.json("GET", "/api/peers/" + idA, null, 200);
        assertThat(Http.text(old, "trust")).isEqualTo("CHANGED");
        assertThat(Http.text(old, "state")).isEqualTo("DISCONNECTED");

        // and then it stops dialling: trust-a2 sees no new handshake from trust-b, which never connects it
        E2e.await("trust-a2 to log trust-b's refused handshake", CONNECT_TIMEOUT,
                () -> inboundHandshakes(a2, E2e.hostB()) > 0, a2::logTail);
        int handshakes = inboundHandshakes(a2, E2e.hostB());
        E2e.sleep(QUIET_WINDOW.toMillis());
        assertThat(inboundHandshakes(a2, E2e.hostB())).as("handshakes from trust-b at trust-a2 after the refusal")
                .isEqualTo(handshakes);
        assertThat(b.peerState(idA2)).isNull();
        assertThat(peerIds(b)).containsExactly(idA);

        // asking for the address again gets the same answer, with both fingerprints
        assertKeyChanged(b.request("POST", "/api/peers", Map.of("host", E2e.hostA(), "port", E2e.PEER_PORT)),
                fingerprintA, fingerprintA2);
        assertThat(Http.text(b.json("GET", "/api/peers/" + idA, null, 200), "trust")).isEqualTo("CHANGED");
        assertThat(b.peerState(idA2)).isNull();
        assertThat(warnings(b, KEY_CHANGED_WARNING)).as("WARN lines of trust-b about the key change").hasSize(1);

        // the user accepts the new identity explicitly
        HttpResponse<String> accepted = b.request("POST", "/api/peers",
                Map.of("host", E2e.hostA(), "port", E2e.PEER_PORT, "expectedFingerprint", fingerprintA2));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
        JsonNode peer = Http.parse(accepted.body());
        assertThat(Http.text(peer, "peerId")).isEqualTo(idA2);
        assertThat(Http.text(peer, "state")).isEqualTo("CONNECTED");
        assertThat(Http.text(peer, "trust")).isEqualTo("UNVERIFIED");
        assertThat(strings(peer.get("addresses"))).contains(addressA);
        JsonNode sent = Messaging.send(b, idA2, "hello, new key");
        awaitDelivered(b, Http.text(sent, "id"));

        // the old contact keeps its alias: no other peer may take it
        HttpResponse<String> taken = b.request("PATCH", "/api/peers/" + idA2, Map.of("alias", "ALICE"));
        assertProblem(taken, 409, b);
        Map<String, Object> clear = new HashMap<>();
        clear.put("alias", null);
        JsonNode cleared = b.json("PATCH", "/api/peers/alice", clear, 200);
        assertThat(Http.text(cleared, "peerId")).isEqualTo(idA);
        assertThat(cleared.get("alias").isNull()).isTrue();
        assertThat(Http.text(b.json("PATCH", "/api/peers/" + idA2, Map.of("alias", "ALICE"), 200), "alias"))
                .isEqualTo("ALICE");
    }

    @Test
    @Order(8)
    void aVerifiedContactsNewKeyIsAcceptedOnlyWithAnExplicitPin() throws IOException {
        String safetyNumber = Http.text(b.json("GET", "/api/peers/alice", null, 200), "safetyNumber");
        JsonNode verified = b.json("POST", "/api/peers/alice/verify", Map.of("safetyNumber", safetyNumber), 200);
        assertThat(Http.text(verified, "peerId")).isEqualTo(idA2);
        assertThat(Http.text(verified, "trust")).isEqualTo("VERIFIED");
        String fingerprintA2 = Http.text(verified, "fingerprint");
        int warningsBefore = warnings(b, KEY_CHANGED_WARNING).size();

        a.kill();
        awaitState(b, idA2, "DISCONNECTED");
        PeerProcess a3 = replaceA("trust-a3", "a3");
        a = a3;
        String idA3 = a3.peerId();
        String fingerprintA3 = Http.text(a3.json("GET", "/api/identity", null, 200), "fingerprint");

        try (SseClient events = SseClient.open(b, "?after=0", null)) {
            assertKeyChanged(b.request("POST", "/api/peers", Map.of("host", E2e.hostA(), "port", E2e.PEER_PORT)),
                    fingerprintA2, fingerprintA3);
            events.awaitEvent("the key-changed event of " + idA2, peerEvent(idA2, "key-changed"), CONNECT_TIMEOUT);
        }
        JsonNode old = b.json("GET", "/api/peers/" + idA2, null, 200);
        assertThat(Http.text(old, "trust")).isEqualTo("CHANGED");
        assertThat(warnings(b, KEY_CHANGED_WARNING)).as("WARN lines of trust-b about the key changes")
                .hasSize(warningsBefore + 1);

        // forgetting the verified contact does not make its address trust whoever answers
        HttpResponse<String> forgotten = b.request("DELETE", "/api/peers/" + idA2, null);
        assertThat(forgotten.statusCode()).as(forgotten.body()).isEqualTo(204);
        assertKeyChanged(b.request("POST", "/api/peers", Map.of("host", E2e.hostA(), "port", E2e.PEER_PORT)),
                fingerprintA2, fingerprintA3);
        assertThat(b.peerState(idA3)).isNull();

        HttpResponse<String> pinnedDial = b.request("POST", "/api/peers",
                Map.of("host", E2e.hostA(), "port", E2e.PEER_PORT, "expectedFingerprint", idA3));
        assertThat(pinnedDial.statusCode()).as(pinnedDial.body()).isEqualTo(201);
        JsonNode peer = Http.parse(pinnedDial.body());
        assertThat(Http.text(peer, "peerId")).isEqualTo(idA3);
        assertThat(Http.text(peer, "trust")).isEqualTo("UNVERIFIED");
        assertThat(peer.get("verifiedAt").isNull()).isTrue();
        JsonNode sent = Messaging.send(b, idA3, "hello, third key");
        awaitDelivered(b, Http.text(sent, "id"));
    }

    // ------------------------------------------------------------------------------------- helpers

    /** A new process with a new data directory (so a new identity) at trust-a's address. */
    private static PeerProcess replaceA(String name, String dir) throws IOException {
        PeerProcess next = new PeerProcess(name, E2e.hostA(), dataDirs.resolve(dir), null);
        next.deleteLog();
        next.start();
        next.awaitHealthy();
        return next;
    }

    private static void assertKeyChanged(HttpResponse<String> r, String oldFingerprint, String newFingerprint) {
        assertProblem(r, 409, b);
        JsonNode problem = Http.parse(r.body());
        assertThat(Http.text(problem, "code")).isEqualTo("key-changed");
        assertThat(oldFingerprint).matches(FINGERPRINT);
        assertThat(newFingerprint).matches(FINGERPRINT);
        assertThat(Http.text(problem, "detail")).contains(oldFingerprint).contains(newFingerprint);
    }

    private static void assertProblem(HttpResponse<String> r, int status, PeerProcess at) {
        assertThat(r.statusCode()).as("status at %s: %s", at, Http.abbreviate(r.body())).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/problem+json"));
        assertThat(Http.number(Http.parse(r.body()), "status")).isEqualTo(status);
    }

    private static Predicate<Event> peerEvent(String peerId, String what) {
        return e -> e.type().equals("peer") && peerId.equals(e.json().path("peerId").asString())
                && what.equals(e.json().path("event").asString());
    }

    private static void awaitState(PeerProcess at, String peerId, String state) {
        E2e.await(at.name + " to show " + peerId + " " + state, CONNECT_TIMEOUT, () -> state.equals(at.peerState(peerId)),
                at::logTail);
    }

    private static void awaitDelivered(PeerProcess sender, String messageId) {
        E2e.await("message " + messageId + " DELIVERED at " + sender.name, DELIVERY_TIMEOUT,
                () -> "DELIVERED".equals(Http.text(Messaging.message(sender, messageId), "status")),
                () -> sender.logTail() + "\n" + a.logTail());
    }

    private static List<String> peerIds(PeerProcess at) {
        List<String> ids = new ArrayList<>();
        at.json("GET", "/api/peers", null, 200).forEach(p -> ids.add(Http.text(p, "peerId")));
        return ids;
    }

    private static List<String> strings(JsonNode array) {
        assertThat(array).as("a JSON array").isNotNull();
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asString()));
        return values;
    }

    /** The WARN lines of the peer's log that contain every one of {@code parts}. */
    private static List<String> warnings(PeerProcess peer, String... parts) {
        return logLines(peer).stream().filter(l -> l.contains(" WARN "))
                .filter(l -> Stream.of(parts).allMatch(l::contains)).toList();
    }

    /** Log lines of the listener about a handshake begun from {@code host} (ended, failed or aborted). */
    private static int inboundHandshakes(PeerProcess peer, String host) {
        return (int) logLines(peer).stream().filter(l -> l.contains("Inbound handshake from /" + host + ":")).count();
    }

    private static List<String> logLines(PeerProcess peer) {
        try {
            return Files.readAllLines(peer.log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A peerId written as a fingerprint in capitals with colons: no alias may look like that either. */
    private static String colonFingerprint(String peerId) {
        return String.join(":", peerId.toUpperCase(Locale.ROOT).split("(?<=\\G.{4})"));
    }
}
