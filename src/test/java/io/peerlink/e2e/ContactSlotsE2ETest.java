package io.peerlink.e2e;

import io.peerlink.support.Http;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.identity.Identity;
import io.peerlink.support.TestIdentities;
import io.peerlink.wire.CloseCode;
import io.peerlink.wire.Frame;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17, test 4, with real processes: the victim (the packaged jar on host A, default settings:
 * 64 connections, 25 % reserved for contacts, 4 unknown identities per address) is approached by
 * 64 throwaway identities from one address, protocol-level peers in this JVM that complete real
 * handshakes and then hold their connections (KEEP_ALIVE only). Then those it refused come back
 * from 11 more addresses, until unknown identities hold their whole part (48), and one more is
 * refused. Meanwhile a contact (host B, a peer the victim knew before) connects and delivers a
 * message within 2 s, and the victim's user dials a third peer (host C) with {@code POST /api/peers}.
 * Figures: {@code target/e2e/contact-slots.txt}.
 */
@Tag("e2e")
class ContactSlotsE2ETest {

    private static final int THROWAWAYS = 64;
    private static final int PER_ADDRESS = 4;
    private static final int UNKNOWN_TOTAL = 48;
    private static final Duration CONTACT_WITHIN = Duration.ofSeconds(2);
    /** Between two handshakes from the one address: below its token bucket's 20 a second. */
    private static final long PACE_MILLIS = 70;

    @TempDir
    static Path dataDirs;

    private static PeerProcess victim;
    private static PeerProcess contact;
    private static PeerProcess friend;
    private final List<Held> held = new ArrayList<>();

    /** A throwaway connection the victim kept. */
    private record Held(ProtocolPeer peer, String peerId) {
    }
    private final ExecutorService keepAlives = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeAll
    static void startThePeers() throws Exception {
        for (String host : List.of(E2e.hostA(), E2e.hostB(), E2e.hostC())) {
            E2e.requireFree(host, E2e.PEER_PORT);
            E2e.requireFree(host, E2e.API_PORT);
        }
        victim = new PeerProcess("slots-victim", E2e.hostA(), dataDirs.resolve("victim"), null);
        contact = new PeerProcess("slots-contact", E2e.hostB(), dataDirs.resolve("contact"), null);
        friend = new PeerProcess("slots-friend", E2e.hostC(), dataDirs.resolve("friend"), null);
        for (PeerProcess p : List.of(victim, contact, friend)) {
            p.deleteLog();
            p.start();
        }
        for (PeerProcess p : List.of(victim, contact, friend)) {
            p.awaitHealthy();
        }
    }

    @AfterAll
    static void stopThePeers() {
        for (PeerProcess p : new PeerProcess[] {victim, contact, friend}) {
            if (p != null) {
                p.kill();
            }
        }
    }

    @AfterEach
    void closeTheThrowaways() {
        keepAlives.shutdownNow();
        for (Held h : held) {
            try {
                h.peer().close();
            } catch (IOException e) {
                // closed already
            }
        }
    }

    @Test
    void throwawayIdentitiesHoldingConnectionsLockOutNeitherAContactNorTheUsersOwnDial() throws Exception {
        String victimId = victim.peerId();
        // the contact: a peer the victim knows from before (it connected once, then hung up)
        contact.json("POST", "/api/peers", Map.of("host", E2e.hostA(), "port", E2e.PEER_PORT), 201);
        assertThat(contact.request("DELETE", "/api/peers/" + victimId, null).statusCode()).isEqualTo(204);
        String contactId = contact.peerId();
        E2e.await("the victim to see the contact gone", Duration.ofSeconds(30),
                () -> "DISCONNECTED".equals(victim.peerState(contactId)), victim::logTail);

        List<Identity> throwaways = new ArrayList<>();
        for (int i = 0; i < THROWAWAYS; i++) {
            throwaways.add(TestIdentities.named("throwaway-" + i));
        }
        List<String> sources = E2e.extraSources(1 + UNKNOWN_TOTAL / PER_ADDRESS);

        // 64 identities from one address: 4 are held, every other one hears TOO_MANY_CONNECTIONS
        List<Identity> refused = new ArrayList<>();
        for (Identity id : throwaways) {
            if (!approach(sources.getFirst(), id)) {
                refused.add(id);
            }
            Thread.sleep(PACE_MILLIS);
        }
        assertThat(held).as("throwaways held from %s", sources.getFirst()).hasSize(PER_ADDRESS);
        assertThat(refused).hasSize(THROWAWAYS - PER_ADDRESS);

        // those refused come back from 11 more addresses, 4 each: unknown identities now hold their 48
        int next = 0;
        for (int a = 1; a < UNKNOWN_TOTAL / PER_ADDRESS; a++) {
            for (int i = 0; i < PER_ADDRESS; i++) {
                assertThat(approach(sources.get(a), refused.get(next++))).as("held from %s", sources.get(a)).isTrue();
            }
        }
        assertThat(held).hasSize(UNKNOWN_TOTAL);
        // and one more, from yet another address, is refused: the rest is for contacts
        assertThat(approach(sources.get(UNKNOWN_TOTAL / PER_ADDRESS), refused.get(next))).as("the 49th").isFalse();
        for (Held h : held) {
            assertThat(victim.peerState(h.peerId())).isEqualTo("CONNECTED");
        }

        // the contact connects and delivers within 2 s
        long cursor = Messaging.readInbox(victim, 0).cursor();
        long start = System.nanoTime();
        JsonNode connected = contact.json("POST", "/api/peers", Map.of("host", E2e.hostA(), "port", E2e.PEER_PORT),
                201);
        assertThat(Http.text(connected, "peerId")).isEqualTo(victimId);
        String id = Http.text(Messaging.send(contact, victimId, "a contact gets through"), "id");
        Messaging.InboxRead read = Messaging.awaitInbox(victim, cursor, List.of(id), Duration.ofSeconds(10));
        Duration delivered = Duration.ofNanos(System.nanoTime() - start);
        assertThat(read.ids()).contains(id);

        // the user's own dial succeeds
        long dialStart = System.nanoTime();
        JsonNode dialled = victim.json("POST", "/api/peers", Map.of("host", E2e.hostC(), "port", E2e.PEER_PORT), 201);
        Duration dial = Duration.ofNanos(System.nanoTime() - dialStart);
        assertThat(Http.text(dialled, "peerId")).isEqualTo(friend.peerId());
        assertThat(Http.text(dialled, "state")).isEqualTo("CONNECTED");

        double perAddress = inboundFailures("unknown-per-address");
        double total = inboundFailures("unknown-total");
        String figures = String.format(Locale.ROOT, """
                contact slots: %d throwaway identities from %s, then %d of them again from %d more addresses,
                  and one more from another
                  held: %d (%d from the first address); refused after the handshake: %.0f unknown-per-address,
                    %.0f unknown-total
                  contact from %s: connect + message at the victim in %d ms; the victim's own dial in %d ms
                """, THROWAWAYS, sources.getFirst(), UNKNOWN_TOTAL - PER_ADDRESS,
                UNKNOWN_TOTAL / PER_ADDRESS - 1, held.size(), PER_ADDRESS,
                perAddress, total, E2e.hostB(), delivered.toMillis(), dial.toMillis());
        System.out.println(figures);
        Files.writeString(E2e.logs().resolve("contact-slots.txt"), figures);

        assertThat(perAddress).isEqualTo(THROWAWAYS - PER_ADDRESS);
        assertThat(total).isEqualTo(1);
        assertThat(delivered).as("the contact's connect and delivery").isLessThan(CONTACT_WITHIN);
        // nobody was let go: the reserve was enough
        for (Held h : held) {
            assertThat(victim.peerState(h.peerId())).isEqualTo("CONNECTED");
        }
    }

    /**
     * A throwaway identity connects from {@code source} and completes its handshake: true when the
     * victim keeps it (then it is held, with a KEEP_ALIVE every 2 s), false when the victim sends
     * CLOSE TOO_MANY_CONNECTIONS right after the handshake.
     */
    private boolean approach(String source, Identity identity) throws Exception {
        ProtocolPeer p = ProtocolPeer.connect(source, E2e.hostA(), E2e.PEER_PORT, identity);
        String state = null;
        for (int i = 0; i < 100 && state == null; i++) {
            state = victim.peerState(identity.peerId());
            if (state == null && p.socket.getInputStream().available() > 0) {
                break; // the victim wrote something before attaching: its CLOSE
            }
            if (state == null) {
                Thread.sleep(20);
            }
        }
        if ("CONNECTED".equals(state)) {
            held.add(new Held(p, identity.peerId()));
            Future<?> unused = keepAlives.submit(() -> {
                try {
                    while (true) {
                        Thread.sleep(2000);
                        p.write(new Frame.KeepAlive());
                    }
                } catch (IOException | InterruptedException e) {
                    return null; // the connection or the test ended
                }
            });
            return true;
        }
        try (p) {
            Frame f = p.read();
            assertThat(f).as("what the victim sent %s", identity.peerId()).isInstanceOf(Frame.Close.class);
            assertThat(((Frame.Close) f).code()).isEqualTo(CloseCode.TOO_MANY_CONNECTIONS);
            assertThat(p.read()).as("nothing after the CLOSE").isNull();
        }
        return false;
    }

    /** {@code peerlink.handshakes} failed inbound with {@code reason}, from the victim's metrics endpoint. */
    private static double inboundFailures(String reason) {
        HttpResponse<String> r = victim.request("GET", "/actuator/metrics/peerlink.handshakes"
                + "?tag=direction:inbound&tag=outcome:" + reason, null);
        if (r.statusCode() == 404) {
            return 0;
        }
        assertThat(r.statusCode()).as("metrics: %s", Http.abbreviate(r.body())).isEqualTo(200);
        for (JsonNode m : Http.parse(r.body()).get("measurements")) {
            if ("COUNT".equals(m.get("statistic").asString())) {
                return m.get("value").asDouble();
            }
        }
        return 0;
    }
}
