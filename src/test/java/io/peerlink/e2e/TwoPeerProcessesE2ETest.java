package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.peerlink.support.Http;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged jar started twice as real processes, driven only over HTTP, the way README.md's curl
 * walk-through drives them (and the way {@code scripts/two-peers.sh} lays them out): peer-a on
 * 127.0.0.2 and peer-b on 127.0.0.3, each with peer port 5555 and control API 8080; peer-b dials
 * peer-a at start-up ({@code PEERLINK_CONNECT}).
 *
 * <p>Run by {@code ./mvnw -B verify} (failsafe, after {@code package}); the tests share the two
 * processes and run in order. Every wait is bounded. Logs: {@code target/e2e/peer-*.log}.
 */
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoPeerProcessesE2ETest {

    /** The first two loopback hosts of {@code -Dpeerlink.e2e.hosts} (see {@link E2e}), so runs can share a machine. */
    private static final String HOST_A = E2e.hostA();
    private static final String HOST_B = E2e.hostB();
    private static final int PEER_PORT = E2e.PEER_PORT;
    private static final int API_PORT = E2e.API_PORT;
    private static final int MAX_MESSAGE_BYTES = 65536;

    /** Start-up dialling backs off up to 30 s between attempts; allow a full step and a handshake. */
    private static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);

    private static final JsonMapper JSON = Http.JSON;
    private static final HttpClient HTTP = Http.CLIENT;

    @TempDir
    static Path dataDirs;

    private static Path jar;
    private static Path repo;
    private static Path logs;
    private static Peer peerA;
    private static Peer peerB;

    @BeforeAll
    static void startBothPeers() throws Exception {
        jar = Path.of(required("peerlink.jar"));
        repo = Path.of(required("peerlink.basedir"));
        logs = Path.of(required("peerlink.e2e.logs"));
        assertThat(jar).as("the packaged jar (run ./mvnw -B verify, which packages first)").isRegularFile();
        Files.createDirectories(logs);

        for (String host : List.of(HOST_A, HOST_B)) {
            for (int port : List.of(PEER_PORT, API_PORT)) {
                requireFree(host, port);
            }
        }
        peerA = new Peer("peer-a", HOST_A, dataDirs.resolve("peer-a"), null);
        peerB = new Peer("peer-b", HOST_B, dataDirs.resolve("peer-b"), HOST_A + ":" + PEER_PORT);
        Files.deleteIfExists(peerA.log());   // a restart within this run appends to the same log
        Files.deleteIfExists(peerB.log());
        // should this JVM be stopped before @AfterAll (failsafe's fork timeout), take the peers along
        Runtime.getRuntime().addShutdownHook(new Thread(TwoPeerProcessesE2ETest::stopBothPeers, "e2e-peers-stop"));
        peerA.start();
        peerB.start();
        peerA.awaitHealthy();
        peerB.awaitHealthy();
    }

    @AfterAll
    static void stopBothPeers() {
        for (Peer peer : new Peer[] {peerA, peerB}) {
            if (peer != null) {
                peer.kill();
            }
        }
    }

    @Test
    @Order(1)
    void bothPeersAreHealthyAndListening() throws Exception {
        for (Peer peer : List.of(peerA, peerB)) {
            HttpResponse<String> health = peer.get("/actuator/health");
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(health.body());
            assertThat(body.get("status").asString()).isEqualTo("UP");
            assertThat(body.at("/components/peers/details/listening").asBoolean()).isTrue();

            JsonNode identity = peer.json("GET", "/api/identity", null, 200);
            assertThat(identity.get("peerId").asString()).matches("[0-9a-f]{64}");
            assertThat(identity.get("keyAlgorithm").asString()).isEqualTo("RSA");
            assertThat(identity.get("keySize").asInt()).isEqualTo(2048);
            assertThat(identity.get("listenPort").asInt()).isEqualTo(PEER_PORT);
        }
        assertThat(peerA.peerId()).isNotEqualTo(peerB.peerId());

        HttpResponse<String> swagger = peerA.get("/swagger-ui.html");
        assertThat(swagger.statusCode()).isEqualTo(302);
        String location = swagger.headers().firstValue("Location").orElseThrow();
        assertThat(location).endsWith("/swagger-ui/index.html");
        assertThat(peerA.get("/swagger-ui/index.html").statusCode()).isEqualTo(200);
    }

    /**
     * The packaged jar, started as users start it, loads ACCP (its native library comes from the jar,
     * native access is granted) for RSA-OAEP decryption once the background load is done, keeps
     * AES-GCM on the JDK, and says so in /api/identity and the health details alike.
     */
    @Test
    @Order(1)
    void thePackagedJarDecryptsWithAccpAndSaysSo() throws Exception {
        String arch = System.getProperty("os.arch");
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && (arch.equals("amd64") || arch.equals("aarch64")), "ACCP ships for Linux x86_64 and aarch64 only");
        for (Peer peer : List.of(peerA, peerB)) {
            awaitTrue("ACCP for RSA-OAEP decryption on " + peer, Duration.ofSeconds(30), () -> peer
                    .json("GET", "/api/identity", null, 200).at("/cryptoProviders/rsaOaepDecrypt").asString()
                    .startsWith("AmazonCorrettoCryptoProvider "));
            JsonNode providers = peer.json("GET", "/api/identity", null, 200).get("cryptoProviders");
            assertThat(providers.get("aesGcm").asString()).startsWith("SunJCE ");
            JsonNode details = JSON.readTree(peer.get("/actuator/health").body()).at("/components/peers/details");
            assertThat(details.get("rsaOaepDecryptProvider").asString())
                    .isEqualTo(providers.get("rsaOaepDecrypt").asString());
            assertThat(details.get("aesGcmProvider").asString()).isEqualTo(providers.get("aesGcm").asString());
        }
    }

    /** The exact file the Docker image's HEALTHCHECK runs. */
    @Test
    @Order(2)
    void dockerHealthcheckScriptPassesOnALivePeerAndFailsOnADeadPort() throws Exception {
        assertThat(runHealthcheck(peerA.host, API_PORT)).as("healthcheck.sh against peer-a").isZero();
        assertThat(runHealthcheck(peerB.host, API_PORT)).as("healthcheck.sh against peer-b").isZero();

        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST_A))) {
            deadPort = s.getLocalPort();
        }
        assertThat(runHealthcheck(HOST_A, deadPort)).as("healthcheck.sh against a closed port").isNotZero();
    }

    @Test
    @Order(3)
    void peerBDialsPeerAAtStartup() {
        JsonNode aSeenByB = awaitConnected(peerB, peerA.peerId());
        assertThat(aSeenByB.get("direction").asString()).isEqualTo("OUTBOUND");
        assertThat(aSeenByB.get("address").asString()).isEqualTo(HOST_A + ":" + PEER_PORT);

        JsonNode bSeenByA = awaitConnected(peerA, peerB.peerId());
        assertThat(bSeenByA.get("direction").asString()).isEqualTo("INBOUND");
        // both sides derive the same safety number from the two identities
        assertThat(bSeenByA.get("safetyNumber").asString()).isEqualTo(aSeenByB.get("safetyNumber").asString());

        JsonNode listed = peerB.json("GET", "/api/peers", null, 200);
        assertThat(listed.size()).isEqualTo(1);
        assertThat(listed.get(0).get("peerId").asString()).isEqualTo(peerA.peerId());

        // POST /api/peers to an already connected peer gives back that connection
        JsonNode again = peerB.json("POST", "/api/peers",
                Map.of("host", HOST_A, "port", PEER_PORT, "expectedFingerprint", peerA.fingerprint()), 200);
        assertThat(again.get("peerId").asString()).isEqualTo(peerA.peerId());
        assertThat(again.get("state").asString()).isEqualTo("CONNECTED");
    }

    @Test
    @Order(4)
    void deliversAMessageEachWayDecrypted() {
        String toA = "Hello, peer-a: grüße 👋";
        JsonNode sent = peerB.send(null, toA);
        assertThat(sent.get("to").asString()).isEqualTo(peerA.peerId());
        // answered once committed; it goes on to SENT and DELIVERED
        assertThat(sent.get("status").asString()).isIn("QUEUED", "SENT", "DELIVERED");
        List<JsonNode> atA = peerA.awaitMessages(1);
        assertThat(atA.getFirst().get("text").asString()).isEqualTo(toA);
        assertThat(atA.getFirst().get("from").asString()).isEqualTo(peerB.peerId());
        assertThat(atA.getFirst().get("id").asString()).isEqualTo(sent.get("id").asString());

        String toB = "Hi peer-b, got it ✓";
        peerA.send(peerB.peerId(), toB);
        List<JsonNode> atB = peerB.awaitMessages(1);
        assertThat(atB.getFirst().get("text").asString()).isEqualTo(toB);
        assertThat(atB.getFirst().get("from").asString()).isEqualTo(peerA.peerId());
    }

    @Test
    @Order(5)
    void longPollReturnsAsSoonAsAMessageArrives() throws Exception {
        URI uri = peerB.uri("/api/messages?after=" + peerB.cursor + "&waitSeconds=30");
        HttpRequest longPoll = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(45)).build();
        long started = System.nanoTime();
        var pending = HTTP.sendAsync(longPoll, HttpResponse.BodyHandlers.ofString());
        sleep(1000);
        assertThat(pending).as("the long poll waits while there is nothing new").isNotDone();

        peerA.send(null, "wake up, peer-b");
        HttpResponse<String> r = pending.get(20, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode page = JSON.readTree(r.body());
        assertThat(page.get("messages").get(0).get("text").asString()).isEqualTo("wake up, peer-b");
        assertThat(took).isLessThan(Duration.ofSeconds(20));
        peerB.cursor = page.get("nextCursor").asLong();
    }

    @Test
    @Order(6)
    void acceptsA64KiBMessageAndRefusesOneByteMore() {
        // 16384 three-byte euro signs and 16384 ASCII letters: 65536 bytes of UTF-8, 32768 chars
        String largest = "€".repeat(16384) + "x".repeat(16384);
        assertThat(largest.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_MESSAGE_BYTES);

        peerB.send(peerA.peerId(), largest);
        assertThat(peerA.awaitMessages(1).getFirst().get("text").asString()).isEqualTo(largest);

        JsonNode problem = peerB.json("POST", "/api/messages", Map.of("to", peerA.peerId(), "text", largest + "y"),
                413);
        assertThat(problem.get("status").asInt()).isEqualTo(413);
        assertThat(problem.get("detail").asString()).contains("65537").contains("65536");
    }

    @Test
    @Order(7)
    void delivers1000MessagesInOrderWithNoneLostOrDuplicated() {
        List<String> texts = IntStream.range(0, 1000).mapToObj(i -> "message %04d".formatted(i)).toList();
        for (String text : texts) {
            peerB.send(peerA.peerId(), text);
        }
        List<JsonNode> received = peerA.awaitMessages(texts.size());
        assertThat(received).extracting(m -> m.get("text").asString()).containsExactlyElementsOf(texts);
        assertThat(received).extracting(m -> m.get("from").asString()).containsOnly(peerB.peerId());
        Set<String> ids = new HashSet<>();
        long lastCursor = 0;
        for (JsonNode m : received) {
            assertThat(ids.add(m.get("id").asString())).as("unique id %s", m.get("id")).isTrue();
            assertThat(m.get("cursor").asLong()).isGreaterThan(lastCursor);
            lastCursor = m.get("cursor").asLong();
        }
        // and nothing after them
        assertThat(peerA.poll(1)).isEmpty();
    }

    @Test
    @Order(8)
    void killedPeerRestartsWithTheSameIdentityAndIsRedialled() throws Exception {
        String idA = peerA.peerId();
        String idB = peerB.peerId();
        peerA.kill();
        awaitTrue("peer-b to notice that peer-a is gone", RECONNECT_TIMEOUT,
                () -> "DISCONNECTED".equals(peerB.peerState(idA)));

        // a message for a known peer that is away waits for it
        JsonNode queued = peerB.send(idA, "sent while peer-a was down");
        assertThat(queued.get("status").asString()).isEqualTo("QUEUED");

        Instant restartedAt = Instant.now();
        peerA.start();
        peerA.awaitHealthy();
        assertThat(peerA.peerId()).as("peerId after a restart with the same data dir").isEqualTo(idA);

        JsonNode aSeenByB = awaitConnected(peerB, idA);
        assertThat(Instant.parse(aSeenByB.get("connectedAt").asString())).isAfter(restartedAt);
        assertThat(aSeenByB.get("direction").asString()).isEqualTo("OUTBOUND");
        awaitConnected(peerA, idB);

        // the queued message arrives once, and new ones flow both ways
        List<String> atA = texts(peerA.awaitMessagesMatching("sent while peer-a was down"));
        assertThat(atA).containsOnlyOnce("sent while peer-a was down");
        peerB.send(idA, "welcome back");
        assertThat(texts(peerA.awaitMessagesMatching("welcome back"))).containsOnlyOnce("welcome back");
        peerA.send(null, "thanks, peer-b");
        assertThat(texts(peerB.awaitMessagesMatching("thanks, peer-b"))).containsOnlyOnce("thanks, peer-b");
    }

    // ------------------------------------------------------------------------------------- helpers

    private static JsonNode awaitConnected(Peer peer, String otherId) {
        awaitTrue(peer.name + " to show " + otherId + " CONNECTED", RECONNECT_TIMEOUT,
                () -> "CONNECTED".equals(peer.peerState(otherId)));
        return peer.json("GET", "/api/peers/" + otherId, null, 200);
    }

    private static List<String> texts(List<JsonNode> messages) {
        return messages.stream().map(m -> m.get("text").asString()).toList();
    }

    private static int runHealthcheck(String host, int port) throws Exception {
        Path script = repo.resolve("scripts/healthcheck.sh");
        assertThat(script).isRegularFile();
        Process p = new ProcessBuilder("bash", script.toString(), host, Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve("healthcheck.log").toFile())
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("scripts/healthcheck.sh %s %d did not finish within 30 s", host, port);
        }
        return p.exitValue();
    }

    private static void requireFree(String host, int port) {
        E2e.requireFree(host, port);
    }

    private static String required(String property) {
        return E2e.required(property);
    }

    private static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what + "\n" + peerA.logTail()
                        + "\n" + peerB.logTail());
            }
            sleep(200);
        }
    }

    private static void sleep(long millis) {
        E2e.sleep(millis);
    }

    /** One peer process (see {@link PeerProcess}) and the message calls the README makes against it. */
    private static final class Peer extends PeerProcess {

        /** Cursor of the last inbound message this test has seen; the inbox starts afresh on restart. */
        long cursor;

        Peer(String name, String host, Path dataDir, String connect) {
            super(name, host, dataDir, connect);
        }

        @Override
        public void start() throws IOException {
            super.start();
            cursor = 0;
        }

        String fingerprint() {
            return json("GET", "/api/identity", null, 200).get("fingerprint").asString();
        }

        JsonNode send(String to, String text) {
            Map<String, Object> body = new LinkedHashMap<>();
            if (to != null) {
                body.put("to", to);
            }
            body.put("text", text);
            return json("POST", "/api/messages", body, 202);
        }

        /** One long poll after the last seen cursor (at most {@code waitSeconds}); moves the cursor on. */
        List<JsonNode> poll(int waitSeconds) {
            JsonNode page = json("GET", "/api/messages?after=" + cursor + "&limit=100&waitSeconds=" + waitSeconds,
                    null, 200);
            JsonNode array = page.get("messages");
            List<JsonNode> messages = new ArrayList<>();
            for (int i = 0; i < array.size(); i++) {
                messages.add(array.get(i));
            }
            long next = page.get("nextCursor").asLong();
            assertThat(next).as("nextCursor").isGreaterThanOrEqualTo(cursor);
            cursor = next;
            return messages;
        }

        /** Polls until exactly {@code count} new messages have arrived. */
        List<JsonNode> awaitMessages(int count) {
            List<JsonNode> all = new ArrayList<>();
            long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
            while (all.size() < count) {
                if (System.nanoTime() > deadline) {
                    fail(name + " received " + all.size() + " of " + count + " messages within "
                            + DELIVERY_TIMEOUT.toSeconds() + " s\n" + logTail());
                }
                all.addAll(poll(5));
            }
            assertThat(all).as("messages at %s", name).hasSize(count);
            return all;
        }

        /** Polls until a message with this text has arrived; returns every message seen meanwhile. */
        List<JsonNode> awaitMessagesMatching(String text) {
            List<JsonNode> all = new ArrayList<>();
            long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
            while (all.stream().noneMatch(m -> text.equals(m.get("text").asString()))) {
                if (System.nanoTime() > deadline) {
                    fail(name + " did not receive \"" + text + "\" within " + DELIVERY_TIMEOUT.toSeconds() + " s; got "
                            + texts(all) + "\n" + logTail());
                }
                all.addAll(poll(5));
            }
            // anything sent together with it (a resend, say) is there by now too
            all.addAll(poll(1));
            return all;
        }
    }
}
