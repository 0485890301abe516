package io.peerlink.support;

import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * A Server-Sent Events client of {@code GET /api/events}, the way a browser's EventSource reads it:
 * the JDK HttpClient's lines, parsed here ({@code id:}, {@code event:}, {@code data:} fields, a blank
 * line ends an event, {@code :} lines are comments). A reader thread puts each event in a queue;
 * {@link #awaitEvent} and {@link #next} take them with a deadline. Shared by the end-to-end tests
 * (a {@link PeerProcess}) and the in-process API tests (any {@link HttpClient} and request).
 *
 * <p>{@link #awaitEvent}, {@link #next} and {@link #received} are for one test thread.
 */
public final class SseClient implements AutoCloseable {

    /** One event as received; {@code id} is -1 when the event had no {@code id:} field. */
    public record Event(long id, String type, String data) {

        public JsonNode json() {
            return Http.parse(data);
        }

        /**
         * What identifies the event, for comparing two streams: its id, type and the fields that say
         * what happened (ignoring field order and formatting).
         */
        public String signature() {
            JsonNode d = json();
            return id + " " + type + " " + switch (type) {
                case "status" -> d.path("id").asString() + " " + d.path("status").asString();
                case "peer" -> d.path("peerId").asString() + " " + d.path("event").asString();
                case "message" -> d.path("id").asString();
                default -> data;
            };
        }
    }

    private static final Event END = new Event(-1, "(end of stream)", "");

    private final String description;
    private final Supplier<String> diagnostics;
    private final int status;
    private final String contentType;
    private final Stream<String> lines;
    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    private final List<Event> received = new ArrayList<>();
    private final Thread reader;
    private volatile int comments;
    private volatile Throwable readFailure;
    private boolean ended;

    private SseClient(String description, Supplier<String> diagnostics, HttpResponse<Stream<String>> response) {
        this.description = description;
        this.diagnostics = diagnostics;
        this.status = response.statusCode();
        this.contentType = response.headers().firstValue("Content-Type").orElse("");
        this.lines = response.body();
        // an error answer is no event stream: its body is left to whoever reads it (open)
        this.reader = status == 200 ? Thread.ofPlatform().daemon().name("sse-client").start(this::read) : null;
    }

    /**
     * Sends {@code request} and waits at most 15 s for the response head, whatever its status
     * ({@link #status()}, {@link #contentType()}); {@code diagnostics} (a log tail, say) is added to
     * every failure message.
     */
    public static SseClient connect(HttpClient client, HttpRequest request, String description,
            Supplier<String> diagnostics) {
        try {
            return new SseClient(description, diagnostics,
                    client.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).get(15, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            throw new AssertionError("no response head within 15 s for " + description + "\n" + diagnostics.get(), e);
        } catch (ExecutionException e) {
            throw new AssertionError(description + " failed: " + e.getCause() + "\n" + diagnostics.get(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Opens {@code /api/events} at {@code peer}; {@code query} is appended to the path (say
     * {@code "?after=0"} or {@code ""}); {@code lastEventId} is sent as {@code Last-Event-ID} unless null.
     * Waits at most 15 s for the response head, which must be 200 {@code text/event-stream}.
     */
    public static SseClient open(PeerProcess peer, String query, String lastEventId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(peer.uri("/api/events" + query))
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        String description = "/api/events" + query + (lastEventId == null ? "" : " Last-Event-ID: " + lastEventId)
                + " at " + peer.name;
        SseClient client = connect(Http.CLIENT, b.build(), description, peer::logTail);
        if (client.status != 200) {
            String body;
            try (Stream<String> s = client.lines) {
                body = String.join("\n", s.limit(20).toList());
            }
            throw new AssertionError(description + " answered " + client.status + ": " + Http.abbreviate(body));
        }
        if (!client.contentType.startsWith("text/event-stream")) {
            client.close();
            throw new AssertionError(description + " answered Content-Type " + client.contentType
                    + ", not text/event-stream");
        }
        return client;
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    private void read() {
        String id = null;
        String type = null;
        StringBuilder data = null;
        try {
            for (Iterator<String> it = lines.iterator(); it.hasNext();) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (data != null) {
                        queue.add(new Event(id == null ? -1 : Long.parseLong(id), type == null ? "message" : type,
                                data.toString()));
                    }
                    id = null;
                    type = null;
                    data = null;
                    continue;
                }
                if (line.startsWith(":")) {
                    comments++;
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> type = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> {
                        // retry: and unknown fields are ignored, as EventSource does
                    }
                }
            }
        } catch (UncheckedIOException e) {
            readFailure = e;   // closed by us, or the connection broke
        } catch (RuntimeException e) {
            readFailure = e;
        } finally {
            queue.add(END);
        }
    }

    /**
     * Takes events until one matches {@code until} and returns the events taken meanwhile (it
     * included). Fails if the stream ends or nothing matches within {@code timeout}.
     */
    public List<Event> awaitEvent(String what, Predicate<Event> until, Duration timeout) {
        List<Event> taken = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Event e = ended || reader == null ? END : poll(deadline);
            if (e == null) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting on " + description
                        + " for " + what + "; events taken meanwhile: " + signatures(taken) + "\n" + diagnostics.get());
            }
            if (e == END) {
                ended = true;
                throw new AssertionError(description + " ended (" + readFailure + ") before " + what
                        + "; events taken meanwhile: " + signatures(taken) + "\n" + diagnostics.get());
            }
            taken.add(e);
            received.add(e);
            if (until.test(e)) {
                return taken;
            }
        }
    }

    private Event poll(long deadline) {
        try {
            return queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next event within {@code timeout}; null when none came or the stream ended. */
    public Event next(Duration timeout) {
        if (ended || reader == null) {
            return null;
        }
        Event e = poll(System.nanoTime() + timeout.toNanos());
        if (e == END) {
            ended = true;
            return null;
        }
        if (e != null) {
            received.add(e);
        }
        return e;
    }

    /** Every event taken so far, in the order received. */
    public List<Event> received() {
        return List.copyOf(received);
    }

    public int comments() {
        return comments;
    }

    public static List<String> signatures(List<Event> events) {
        return events.stream().map(Event::signature).toList();
    }

    /** Disconnects (cancels the response body, closing the connection) and waits for the reader thread. */
    @Override
    public void close() {
        lines.close();
        if (reader == null) {
            return;
        }
        try {
            reader.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reader.isAlive()) {
            throw new AssertionError("the SSE reader of " + description + " still running 10 s after close");
        }
    }
}
