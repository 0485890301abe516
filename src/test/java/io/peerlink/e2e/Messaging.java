package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.peerlink.support.Http;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * The message calls of the durable store's API (issue 8) as a client makes them, and the
 * comparisons the end-to-end tests make on their answers: "exactly once, in order", with failure
 * messages that name what is missing, doubled or out of place.
 */
final class Messaging {

    static final Set<String> OUTBOUND_STATES = Set.of("QUEUED", "SENT", "DELIVERED", "FAILED");

    /** Pages of the inbox read at once; the API allows up to 1000. */
    private static final int PAGE = 500;
    /** Pages of a conversation read at once. */
    private static final int CONVERSATION_PAGE = 100;

    private Messaging() {
    }

    /** One page of {@code GET /api/messages}. */
    record Page(List<JsonNode> messages, long nextCursor) {
    }

    /** Inbound messages read one after the other, and the cursor to go on from. */
    record InboxRead(List<JsonNode> messages, long cursor) {
        List<String> ids() {
            return Messaging.ids(messages);
        }
    }

    /** {@code POST /api/messages}; {@code id} may be null (the peer picks one). */
    static HttpResponse<String> post(PeerProcess from, String to, String text, String id) {
        return from.request("POST", "/api/messages", body(to, text, id));
    }

    static Map<String, Object> body(String to, String text, String id) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (to != null) {
            body.put("to", to);
        }
        body.put("text", text);
        if (id != null) {
            body.put("id", id);
        }
        return body;
    }

    /**
     * Sends one new message and checks the 202 answer: the stored outbound message, to {@code to},
     * with this text. Returns it.
     */
    static JsonNode send(PeerProcess from, String to, String text) {
        HttpResponse<String> r = post(from, to, text, null);
        assertThat(r.statusCode()).as("POST /api/messages at %s (%s): %s", from.name, text, Http.abbreviate(r.body()))
                .isEqualTo(202);
        JsonNode m = Http.parse(r.body());
        assertThat(Http.text(m, "id")).as("id of %s", text).isNotBlank();
        assertThat(Http.text(m, "to")).as("to of %s", text).isEqualTo(to);
        assertThat(Http.text(m, "peerId")).as("peerId of %s", text).isEqualTo(to);
        assertThat(Http.text(m, "direction")).as("direction of %s", text).isEqualTo("OUT");
        assertThat(Http.text(m, "text")).isEqualTo(text);
        assertThat(Http.text(m, "status")).as("status of %s", text).isIn(OUTBOUND_STATES);
        return m;
    }

    /** {@code GET /api/messages/{id}} at {@code peer}, which must know the message. */
    static JsonNode message(PeerProcess peer, String id) {
        return peer.json("GET", "/api/messages/" + id, null, 200);
    }

    /** One {@code GET /api/messages} (inbound, oldest first); checks nothing was dropped and the cursor. */
    static Page poll(PeerProcess peer, long after, int limit, int waitSeconds) {
        JsonNode page = peer.json("GET", "/api/messages?after=" + after + "&limit=" + limit + "&waitSeconds="
                + waitSeconds, null, 200);
        List<JsonNode> messages = elements(page.get("messages"));
        if (page.has("missed")) {   // the store keeps every message; a peer that still reports drops must report none
            assertThat(Http.number(page, "missed")).as("messages dropped by %s's inbox", peer.name).isZero();
        }
        long next = Http.number(page, "nextCursor");
        assertThat(next).as("nextCursor of %s after=%d", peer.name, after).isGreaterThanOrEqualTo(after);
        assertThat(messages.size()).as("page size at %s (limit %d)", peer.name, limit).isLessThanOrEqualTo(limit);
        for (JsonNode m : messages) {
            assertThat(Http.number(m, "cursor")).as("cursor of %s at %s after=%d", m.get("id"), peer.name, after)
                    .isGreaterThan(after).isLessThanOrEqualTo(next);
            assertThat(Http.text(m, "direction")).isEqualTo("IN");
            assertThat(Http.text(m, "status")).isEqualTo("RECEIVED");
        }
        return new Page(messages, next);
    }

    /** Reads the inbox after {@code after} up to its end as it is now (no waiting). */
    static InboxRead readInbox(PeerProcess peer, long after) {
        List<JsonNode> all = new ArrayList<>();
        long cursor = after;
        for (int pages = 0; pages < 1000; pages++) {
            Page page = poll(peer, cursor, PAGE, 0);
            all.addAll(page.messages());
            cursor = page.nextCursor();
            if (page.messages().isEmpty()) {
                return new InboxRead(all, cursor);
            }
        }
        throw new AssertionError("the inbox of " + peer.name + " did not end after 1000 pages");
    }

    /**
     * Polls the inbox after {@code after} (long polls) until every one of {@code expected} has been
     * seen or {@code timeout} is over, then reads on to the inbox's end, so copies that came with
     * them are seen too. Does not fail on timeout: the caller compares what was read.
     */
    static InboxRead awaitInbox(PeerProcess peer, long after, Collection<String> expected, Duration timeout) {
        Set<String> missing = new HashSet<>(expected);
        List<JsonNode> all = new ArrayList<>();
        long cursor = after;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            Page page = poll(peer, cursor, PAGE, 2);
            all.addAll(page.messages());
            page.messages().forEach(m -> missing.remove(Http.text(m, "id")));
            cursor = page.nextCursor();
        }
        InboxRead rest = readInbox(peer, cursor);
        all.addAll(rest.messages());
        return new InboxRead(all, rest.cursor());
    }

    /**
     * The whole conversation of {@code peer} with {@code otherId} ({@code GET /api/peers/{id}/messages},
     * newest first), paged back with {@code before}.
     */
    static List<JsonNode> conversation(PeerProcess peer, String otherId) {
        List<JsonNode> all = new ArrayList<>();
        String before = null;
        for (int pages = 0; pages < 1000; pages++) {
            JsonNode page = peer.json("GET", "/api/peers/" + otherId + "/messages?limit=" + CONVERSATION_PAGE
                    + (before == null ? "" : "&before=" + before), null, 200);
            List<JsonNode> messages = elements(page.get("messages"));
            all.addAll(messages);
            JsonNode next = page.get("nextBefore");
            if (next == null || next.isNull() || messages.isEmpty()) {
                return all;
            }
            String nextBefore = next.asString();
            assertThat(nextBefore).as("nextBefore of %s's conversation with %s", peer.name, otherId)
                    .isNotEqualTo(before);
            before = nextBefore;
        }
        throw new AssertionError("the conversation of " + peer.name + " with " + otherId + " did not end after 1000 "
                + "pages of " + CONVERSATION_PAGE);
    }

    /**
     * Status of each outbound message of {@code sender}'s conversation with {@code receiverId}; fails
     * if the conversation lists a message twice.
     */
    static Map<String, String> outboundStatuses(PeerProcess sender, String receiverId) {
        Map<String, String> statuses = new HashMap<>();
        for (JsonNode m : conversation(sender, receiverId)) {
            if ("OUT".equals(Http.text(m, "direction"))) {
                String id = Http.text(m, "id");
                if (statuses.put(id, Http.text(m, "status")) != null) {
                    fail(sender.name + "'s conversation with " + receiverId + " lists message " + id + " twice");
                }
            }
        }
        return statuses;
    }

    /**
     * Waits until every one of {@code ids} is DELIVERED in {@code sender}'s conversation with
     * {@code receiverId}; fails naming how many are in which state (and which are not listed at all).
     */
    static void awaitDelivered(PeerProcess sender, String receiverId, Collection<String> ids, Duration timeout,
            Function<String, String> label, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> statuses = Map.of();
        while (System.nanoTime() < deadline) {
            statuses = outboundStatuses(sender, receiverId);
            if (undelivered(ids, statuses).isEmpty()) {
                return;
            }
            E2e.sleep(500);
        }
        List<String> undelivered = undelivered(ids, statuses);
        Map<String, String> finalStatuses = statuses;
        Map<String, Long> byState = undelivered.stream()
                .collect(Collectors.groupingBy(id -> finalStatuses.getOrDefault(id, "(not listed)"), TreeMap::new,
                        Collectors.counting()));
        fail(undelivered.size() + " of " + ids.size() + " messages of " + sender.name + " not DELIVERED after "
                + timeout.toSeconds() + " s: " + byState + "; first: " + labels(undelivered, label, 20) + "\n"
                + diagnostics.get());
    }

    private static List<String> undelivered(Collection<String> ids, Map<String, String> statuses) {
        return ids.stream().filter(id -> !"DELIVERED".equals(statuses.get(id))).toList();
    }

    /**
     * {@code actual} must be exactly {@code expected}: the same messages, each once, in the same
     * order. The failure message lists what is missing, doubled, unexpected or out of order.
     */
    static void assertExactlyOnceInOrder(String what, List<String> expected, List<String> actual,
            Function<String, String> label, Supplier<String> diagnostics) {
        if (!actual.equals(expected)) {
            String difference = difference(expected, actual, label);
            fail(what + ": expected " + expected.size() + " messages exactly once in order, got " + actual.size()
                    + "; " + difference + "\n" + diagnostics.get());
        }
    }

    /** {@code actual} must hold every one of {@code expected} once and nothing else, in any order. */
    static void assertExactlyOnce(String what, Collection<String> expected, List<String> actual,
            Function<String, String> label, Supplier<String> diagnostics) {
        Map<String, Integer> counts = counts(actual);
        if (!counts.keySet().equals(new HashSet<>(expected)) || counts.values().stream().anyMatch(c -> c != 1)) {
            fail(what + ": expected " + expected.size() + " messages each exactly once, got " + actual.size() + "; "
                    + difference(List.copyOf(new LinkedHashSet<>(expected)), actual, label) + "\n"
                    + diagnostics.get());
        }
    }

    /** What is missing, doubled, unexpected, and where the order first differs. */
    static String difference(List<String> expected, List<String> actual, Function<String, String> label) {
        Map<String, Integer> counts = counts(actual);
        Set<String> expectedSet = new HashSet<>(expected);
        List<String> missing = expected.stream().filter(id -> !counts.containsKey(id)).toList();
        List<String> doubled = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .toList();
        List<String> unexpected = counts.keySet().stream().filter(id -> !expectedSet.contains(id)).toList();
        StringBuilder b = new StringBuilder();
        b.append("missing ").append(missing.size()).append(' ').append(labels(missing, label, 20));
        b.append(", doubled ").append(doubled.size()).append(' ').append(doubled.stream().limit(20)
                .map(id -> label.apply(id) + " x" + counts.get(id)).toList());
        b.append(", unexpected ").append(unexpected.size()).append(' ').append(labels(unexpected, label, 20));
        if (missing.isEmpty() && doubled.isEmpty() && unexpected.isEmpty()) {
            for (int i = 0; i < expected.size(); i++) {
                if (!expected.get(i).equals(actual.get(i))) {
                    b.append(", first out of order at position ").append(i).append(": expected ")
                            .append(label.apply(expected.get(i))).append(", got ").append(label.apply(actual.get(i)));
                    break;
                }
            }
        }
        return b.toString();
    }

    static List<String> ids(List<JsonNode> messages) {
        return messages.stream().map(m -> Http.text(m, "id")).toList();
    }

    static List<JsonNode> elements(JsonNode array) {
        assertThat(array).as("a JSON array").isNotNull();
        assertThat(array.isArray()).as("a JSON array: %s", Http.abbreviate(array.toString())).isTrue();
        List<JsonNode> list = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            list.add(array.get(i));
        }
        return list;
    }

    /** Asserts the cursors of {@code messages} strictly increase. */
    static void assertCursorsIncrease(String what, List<JsonNode> messages) {
        long last = Long.MIN_VALUE;
        for (JsonNode m : messages) {
            long cursor = Http.number(m, "cursor");
            if (cursor <= last) {
                fail(what + ": cursor " + cursor + " of " + Http.text(m, "id") + " does not follow " + last);
            }
            last = cursor;
        }
    }

    private static Map<String, Integer> counts(List<String> ids) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        ids.forEach(id -> counts.merge(id, 1, Integer::sum));
        return counts;
    }

    private static List<String> labels(List<String> ids, Function<String, String> label, int max) {
        return ids.stream().limit(max).map(label).toList();
    }
}
