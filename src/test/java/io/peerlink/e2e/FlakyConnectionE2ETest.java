package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.e2e.Messaging.InboxRead;
import io.peerlink.support.Http;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8: eight clients keep sending while the connection between the peers is dropped and
 * re-established every 200 ms for 10 s, and not one accepted message is lost or doubled. flaky-a
 * (first host) reaches flaky-b (second host) only through a {@link CuttingProxy} on the third host,
 * port {@value E2e#PEER_PORT}, which resets every open connection every 200 ms for 10 s and then just
 * forwards; a client of A asks A to connect again ({@code POST /api/peers}) every 200 ms meanwhile.
 * Clients give each message an {@code id} and repeat a POST that got no answer, as the API allows.
 * Logs: {@code target/e2e/flaky-*.log}.
 */
@Tag("e2e")
class FlakyConnectionE2ETest {

    private static final int SENDERS = 8;
    private static final int PER_SENDER = 250;
    /** One sender's messages are spread over the flapping: one every 40 ms is 250 in 10 s. */
    private static final Duration SEND_SPACING = Duration.ofMillis(40);
    private static final Duration CUT_INTERVAL = Duration.ofMillis(200);
    private static final Duration FLAPPING = Duration.ofSeconds(10);
    /** Senders stop after this even if they have not sent all their messages. */
    private static final Duration SENDING_LIMIT = Duration.ofSeconds(40);
    private static final int ATTEMPTS = 3;
    private static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    static Path dataDirs;

    private static PeerProcess a;
    private static PeerProcess b;
    private static CuttingProxy proxy;
    private static String idA;
    private static String idB;
    private static final Map<String, String> TEXTS = new ConcurrentHashMap<>();

    @BeforeAll
    static void startPeersBehindAProxy() throws IOException {
        assertThat(E2e.jar()).as("the packaged jar (run ./mvnw -B verify, which packages first)").isRegularFile();
        for (String host : List.of(E2e.hostA(), E2e.hostB())) {
            E2e.requireFree(host, E2e.PEER_PORT);
            E2e.requireFree(host, E2e.API_PORT);
        }
        E2e.requireFree(E2e.hostC(), E2e.PEER_PORT);
        proxy = new CuttingProxy(E2e.hostC(), E2e.PEER_PORT, E2e.hostB(), E2e.PEER_PORT);
        a = new PeerProcess("flaky-a", E2e.hostA(), dataDirs.resolve("a"), E2e.hostC() + ":" + E2e.PEER_PORT);
        b = new PeerProcess("flaky-b", E2e.hostB(), dataDirs.resolve("b"), null);
        a.deleteLog();
        b.deleteLog();
        b.start();
        a.start();
        b.awaitHealthy();
        a.awaitHealthy();
        idA = a.peerId();
        idB = b.peerId();
        awaitConnected();
    }

    @AfterAll
    static void stopAll() throws IOException {
        Stream.of(a, b).filter(p -> p != null).forEach(PeerProcess::kill);
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void noAcceptedMessageIsLostOrDoubledWhileTheConnectionDropsEvery200Milliseconds() throws Exception {
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Map<Integer, List<String>> acceptedBySender = new ConcurrentHashMap<>();
        Queue<String> refused = new ConcurrentLinkedQueue<>();
        AtomicInteger retries = new AtomicInteger();
        Map<String, Integer> redials = new TreeMap<>();

        long started = System.nanoTime();
        proxy.startCutting(CUT_INTERVAL, FLAPPING);
        try (ExecutorService pool = Executors.newFixedThreadPool(SENDERS + 1)) {
            List<Future<?>> tasks = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                int sender = s;
                tasks.add(pool.submit(() -> send(sender, started, accepted, acceptedBySender, refused, retries)));
            }
            tasks.add(pool.submit(() -> redial(started, redials)));
            for (Future<?> task : tasks) {
                task.get(SENDING_LIMIT.toSeconds() + ATTEMPTS * 20 + 30, TimeUnit.SECONDS);
            }
        }
        String summary = accepted.size() + " accepted, " + refused.size() + " refused, " + retries + " POSTs "
                + "repeated after no answer; " + proxy + "; POST /api/peers answers during flapping: " + redials;
        System.out.println("FlakyConnectionE2ETest: " + summary);
        Supplier<String> diagnostics = () -> summary + "\n" + a.logTail() + "\n" + b.logTail();

        assertThat(refused).as("POSTs to A that were not accepted (%s)", summary).isEmpty();
        assertThat(proxy.cutConnections()).as("connections the proxy cut (%s)", summary).isGreaterThanOrEqualTo(3);

        awaitConnected();
        Messaging.awaitDelivered(a, idB, accepted, DELIVERY_TIMEOUT, FlakyConnectionE2ETest::label, diagnostics);
        InboxRead inbox = Messaging.readInbox(b, 0);
        Messaging.assertExactlyOnce("B's inbox against the messages A accepted while the connection flapped",
                accepted, inbox.ids(), FlakyConnectionE2ETest::label, diagnostics);
        assertThat(inbox.messages()).extracting(m -> Http.text(m, "from")).containsOnly(idA);
        System.out.println("FlakyConnectionE2ETest: messages out of their sender's order at B: "
                + outOfOrder(acceptedBySender, inbox.ids()));
    }

    /** One client: up to {@value #PER_SENDER} messages, spaced out, each POST repeated with its id if unanswered. */
    private static void send(int sender, long started, Set<String> accepted, Map<Integer, List<String>> bySender,
            Queue<String> refused, AtomicInteger retries) {
        List<String> mine = new ArrayList<>();
        bySender.put(sender, mine);
        for (int k = 0; k < PER_SENDER; k++) {
            long due = started + k * SEND_SPACING.toNanos();
            long wait = due - System.nanoTime();
            if (wait > 0) {
                E2e.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
            }
            if (System.nanoTime() - started > SENDING_LIMIT.toNanos()) {
                return;
            }
            String id = UUID.randomUUID().toString();
            String text = "sender %d message %03d".formatted(sender, k);
            TEXTS.put(id, text);
            String outcome = post(id, text, retries);
            if (outcome == null) {
                accepted.add(id);
                mine.add(id);
            } else {
                refused.add(text + ": " + outcome);
            }
        }
    }

    /** Null when accepted (202, or 200 for a repeat after no answer), else what happened. */
    private static String post(String id, String text, AtomicInteger retries) {
        Map<String, Object> body = Messaging.body(idB, text, id);
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<String> r = a.send("POST", "/api/messages", body, Duration.ofSeconds(20));
                if (r.statusCode() == 202 || (r.statusCode() == 200 && attempt > 1)) {
                    return null;
                }
                return "attempt " + attempt + " answered " + r.statusCode() + " " + Http.abbreviate(r.body());
            } catch (IOException e) {
                last = e;
                retries.incrementAndGet();
            }
        }
        return "no answer in " + ATTEMPTS + " attempts: " + last;
    }

    /** While the connection flaps, asks A to connect to B again every 200 ms; counts the answers. */
    private static void redial(long started, Map<String, Integer> answers) {
        E2e.sleep(CUT_INTERVAL.toMillis() / 2);   // between two cuts
        Map<String, Object> body = Map.of("host", E2e.hostC(), "port", E2e.PEER_PORT);
        for (int i = 0; i < 1000 && System.nanoTime() - started < FLAPPING.toNanos(); i++) {
            String answer;
            try {
                answer = Integer.toString(a.send("POST", "/api/peers", body, Duration.ofSeconds(15)).statusCode());
            } catch (IOException e) {
                answer = e.getClass().getSimpleName();
            }
            synchronized (answers) {
                answers.merge(answer, 1, Integer::sum);
            }
            E2e.sleep(CUT_INTERVAL.toMillis());
        }
    }

    /** How many messages arrived at B before one their sender had sent earlier. */
    private static int outOfOrder(Map<Integer, List<String>> bySender, List<String> inbox) {
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < inbox.size(); i++) {
            position.putIfAbsent(inbox.get(i), i);
        }
        int count = 0;
        for (List<String> ids : bySender.values()) {
            for (int i = 1; i < ids.size(); i++) {
                if (position.getOrDefault(ids.get(i), -1) < position.getOrDefault(ids.get(i - 1), -1)) {
                    count++;
                }
            }
        }
        return count;
    }

    private static void awaitConnected() {
        E2e.await("A to show B CONNECTED (through the proxy)", RECONNECT_TIMEOUT,
                () -> "CONNECTED".equals(a.peerState(idB)), () -> proxy + "\n" + a.logTail() + "\n" + b.logTail());
    }

    private static String label(String id) {
        return "\"" + TEXTS.getOrDefault(id, "?") + "\" (" + id + ")";
    }
}
