package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.support.Http;
import io.peerlink.support.SseClient;
import io.peerlink.support.SseClient.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17's one-time invites, with three peer processes: grants-a (first host) gives out invites
 * with a one-time grant ({@code POST /api/invites}) and takes no first contact
 * ({@code PEERLINK_REQUESTS_FIRST_CONTACT=false}, so only a grant or an accept makes a contact);
 * grants-b (second host) connects with one and is a contact at once; grants-c (third host) reuses
 * it, then comes with one that expired, and is a request both times; over its request quota it is
 * refused, backs off and says why. Logs: {@code target/e2e/grants-*.log}.
 */
@Tag("e2e")
class InviteGrantsE2ETest {

    private static final int REQUEST_MAX_MESSAGES = 20;
    private static final int B_MESSAGES = 30;
    private static final int C_FIRST = 5;
    private static final int C_MORE = 25;
    private static final Duration GRANT_LIFETIME = Duration.ofSeconds(8);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dataDirs;

    private static PeerProcess a;
    private static PeerProcess b;
    private static PeerProcess c;

    @BeforeAll
    static void startPeers() throws IOException {
        assertThat(E2e.jar()).as("the packaged jar (run ./mvnw -B verify, which packages first)").isRegularFile();
        for (String host : List.of(E2e.hostA(), E2e.hostB(), E2e.hostC())) {
            E2e.requireFree(host, E2e.PEER_PORT);
            E2e.requireFree(host, E2e.API_PORT);
        }
        a = new PeerProcess("grants-a", E2e.hostA(), dataDirs.resolve("a"), null)
                .env("PEERLINK_REQUESTS_FIRST_CONTACT", "false")
                .env("PEERLINK_INVITES_GRANT_LIFETIME", GRANT_LIFETIME.toSeconds() + "s");
        b = new PeerProcess("grants-b", E2e.hostB(), dataDirs.resolve("b"), null);
        c = new PeerProcess("grants-c", E2e.hostC(), dataDirs.resolve("c"), null);
        // one after the other: three JVMs starting at once on a busy 2-core machine may each miss the start time-out
        for (PeerProcess p : List.of(a, b, c)) {
            p.deleteLog();
            p.start();
            p.awaitHealthy();
        }
    }

    @AfterAll
    static void killPeers() {
        Stream.of(a, b, c).filter(p -> p != null).forEach(PeerProcess::kill);
    }

    @Test
    void aGrantInviteMakesAContactAtOnceOnceOnlyAndNotAfterItExpired() throws Exception {
        String idA = a.peerId();
        String idB = b.peerId();
        String idC = c.peerId();
        try (SseClient eventsA = SseClient.open(a, "?after=0", null);
                SseClient eventsC = SseClient.open(c, "?after=0", null)) {
            JsonNode invite1 = a.json("POST", "/api/invites", null, 201);
            String link1 = Http.text(invite1, "invite");
            assertThat(link1).startsWith("peerlink://" + idA + "@" + E2e.hostA() + ":" + E2e.PEER_PORT + "?grant=")
                    .matches(".*\\?grant=[A-Za-z0-9_-]{43}$");
            JsonNode invite2 = a.json("POST", "/api/invites", null, 201);
            String link2 = Http.text(invite2, "invite");
            Instant expiry2 = Instant.parse(Http.text(invite2, "expiresAt"));
            assertThat(link2).isNotEqualTo(link1);

            // B connects with the grant and sends at once: a contact from its first message on, more
            // messages than a request may store all kept, no accept
            b.json("POST", "/api/peers", Map.of("invite", link1), 201);
            List<String> fromB = send(b, idA, "from b %02d", B_MESSAGES);
            eventsA.awaitEvent("A's granted event for B", peerEvent(idB, "granted", null), TIMEOUT);
            assertThat(Http.text(a.json("GET", "/api/peers/" + idB, null, 200), "relation")).isEqualTo("CONTACT");
            E2e.await("A to store all of B's messages without an accept", TIMEOUT,
                    () -> fromAt(a, idB).size() >= B_MESSAGES, logs());
            Messaging.assertExactlyOnceInOrder("A's inbox from B", fromB, fromAt(a, idB), id -> id, logs());

            // C reuses the same invite: the grant is used, C is a request like any stranger
            c.json("POST", "/api/peers", Map.of("invite", link1), 201);
            eventsA.awaitEvent("A's grant-refused event for C (used)", peerEvent(idC, "grant-refused", "used"),
                    TIMEOUT);
            assertThat(Http.text(a.json("GET", "/api/peers/" + idC, null, 200), "relation")).isEqualTo("REQUEST");
            List<String> fromC = new ArrayList<>(send(c, idA, "from c %02d", C_FIRST));
            E2e.await("A to store C's first messages as a request", TIMEOUT,
                    () -> fromAt(a, idC).size() >= C_FIRST, logs());

            // C comes again with the second invite, once its grant expired: still a request
            while (Instant.now().isBefore(expiry2.plusMillis(500))) {
                E2e.sleep(200);
            }
            assertThat(c.request("DELETE", "/api/peers/" + idA, null).statusCode()).isEqualTo(204);
            c.json("POST", "/api/peers", Map.of("invite", link2), 201);
            eventsA.awaitEvent("A's grant-refused event for C (expired)", peerEvent(idC, "grant-refused", "expired"),
                    TIMEOUT);
            assertThat(Http.text(a.json("GET", "/api/peers/" + idC, null, 200), "relation")).isEqualTo("REQUEST");

            // over the request quota A refuses C: C says why, backs off instead of re-dialling every second
            fromC.addAll(send(c, idA, "more from c %02d", C_MORE));
            eventsC.awaitEvent("C's refused event (REQUEST_QUOTA)", peerEvent(idA, "refused", "REQUEST_QUOTA"),
                    TIMEOUT);
            E2e.await("C to show A's refusal", TIMEOUT, () -> "REQUEST_QUOTA".equals(
                    c.json("GET", "/api/peers/" + idA, null, 200).path("refusal").asString(null)), logs());
            List<Instant> dials = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (dials.size() < 4 && System.nanoTime() < deadline) {
                Event e = eventsC.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (e != null && peerEvent(idA, "connected", null).test(e)) {
                    dials.add(Instant.parse(e.json().path("at").asString()));
                }
            }
            assertThat(dials).as("C's connections to A after the refusal (each refused again)").hasSize(4);
            assertThat(Duration.between(dials.get(2), dials.get(3))).as("the wait before C's fourth re-dial, "
                    + "dials at " + dials).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
            assertThat(fromAt(a, idC)).as("what A stored of C's messages").hasSize(REQUEST_MAX_MESSAGES)
                    .isEqualTo(fromC.subList(0, REQUEST_MAX_MESSAGES));
            assertThat(Http.number(c.json("GET", "/api/peers/" + idA, null, 200), "undelivered"))
                    .as("C still holds the rest").isEqualTo(C_FIRST + C_MORE - REQUEST_MAX_MESSAGES);

            // nothing is lost: once A accepts C, the rest arrive exactly once, in order
            a.json("POST", "/api/peers/" + idC + "/accept", null, 200);
            E2e.await("A to have all of C's messages after the accept", Duration.ofSeconds(90),
                    () -> fromAt(a, idC).size() >= C_FIRST + C_MORE, logs());
            Messaging.assertExactlyOnceInOrder("A's inbox from C", fromC, fromAt(a, idC), id -> id, logs());
            E2e.await("C to show no refusal once connected again", TIMEOUT, () -> c.json("GET", "/api/peers/" + idA,
                    null, 200).path("refusal").isNull(), logs());

            // the grants never reach a log
            for (PeerProcess p : List.of(a, b, c)) {
                String log = Files.readString(p.log());
                for (String link : List.of(link1, link2)) {
                    assertThat(log).as(p.name + "'s log").doesNotContain(link.substring(link.indexOf("grant=") + 6));
                }
            }
        }
    }

    private static List<String> send(PeerProcess from, String to, String format, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(Http.text(Messaging.send(from, to, format.formatted(i)), "id"));
        }
        return ids;
    }

    /** A peer event about {@code peerId} named {@code what}, with {@code reason} when not null. */
    private static Predicate<Event> peerEvent(String peerId, String what, String reason) {
        return e -> e.type().equals("peer") && peerId.equals(e.json().path("peerId").asString())
                && what.equals(e.json().path("event").asString())
                && (reason == null || reason.equals(e.json().path("reason").asString()));
    }

    /** The ids of {@code at}'s inbound messages from {@code from}, in cursor order. */
    private static List<String> fromAt(PeerProcess at, String from) {
        return Messaging.readInbox(at, 0).messages().stream().filter(m -> from.equals(Http.text(m, "from")))
                .map(m -> Http.text(m, "id")).toList();
    }

    private static Supplier<String> logs() {
        return () -> a.logTail() + "\n" + b.logTail() + "\n" + c.logTail();
    }
}
