package io.peerlink.api;

import io.peerlink.store.Store;
import io.peerlink.store.StoredEvent;
import io.peerlink.store.StoredMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.LinkedHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The open {@code /api/events} streams. Each runs on its own virtual thread: it sends every stored
 * event after the client's last id, then waits for the next commit, and sends a comment line when
 * {@link #HEARTBEAT} passes without one (so proxies keep the stream open). Events come from the
 * store only, so a live event and a replayed one are the same bytes, and a client that resumes with
 * {@code Last-Event-ID} misses nothing and sees nothing twice.
 *
 * <p>A lifecycle that stops before the web server's graceful shutdown: open streams are completed at
 * once and never delay shutdown.
 */
@Component
class EventStreams implements SmartLifecycle {

    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** Long enough never to end a stream by itself: the client decides when it has seen enough. */
    static final long STREAM_TIMEOUT_MILLIS = Duration.ofHours(24).toMillis();
    private static final int BATCH = 500;
    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);

    private final Store store;
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    EventStreams(Store store) {
        this.store = store;
    }

    /** A new stream that starts after event {@code after}. */
    SseEmitter open(long after) {
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT_MILLIS);
        Stream stream = new Stream(emitter, after);
        open.add(stream);
        emitter.onCompletion(stream::end);
        emitter.onTimeout(stream::end);
        emitter.onError(e -> stream.end());
        stream.thread = Thread.ofVirtual().name("sse-events").start(stream::run);
        return emitter;
    }

    int openCount() {
        return open.size();
    }

    private Object data(StoredEvent e) {
        Map<String, Object> data = new LinkedHashMap<>();
        switch (e.type()) {
            case MESSAGE -> {
                // by cursor: a primary-key lookup (by id alone, an inbound message has no index)
                StoredMessage m = e.messageCursor() == null ? null
                        : store.messages().findByCursor(e.messageCursor()).orElse(null);
                if (m != null && m.id().equals(e.messageId()) && m.peerId().equals(e.peerId())) {
                    return MessageResponse.of(m);
                }
                // removed by the history retention since: what the event itself knows
                data.put("id", e.messageId());
                data.put("peerId", e.peerId());
                data.put("cursor", e.messageCursor());
            }
            case STATUS -> {
                data.put("id", e.messageId());
                data.put("peerId", e.peerId());
                data.put("cursor", e.messageCursor());
                data.put("status", e.detail());
                data.put("at", e.at());
            }
            case PEER -> {
                // "refused:REQUEST_QUOTA", "grant-refused:used": the event, then why
                String detail = e.detail();
                int colon = detail.indexOf(':');
                data.put("peerId", e.peerId());
                data.put("event", colon < 0 ? detail : detail.substring(0, colon));
                if (colon >= 0) {
                    data.put("reason", detail.substring(colon + 1));
                }
                data.put("at", e.at());
            }
        }
        return data;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        for (Stream s : List.copyOf(open)) {
            s.end();
            s.emitter.complete();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Above the web server's graceful shutdown: stopped first, so no stream holds it up. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    private final class Stream {
        final SseEmitter emitter;
        volatile long last;
        volatile boolean ended;
        volatile Thread thread;

        Stream(SseEmitter emitter, long after) {
            this.emitter = emitter;
            this.last = after;
        }

        void end() {
            ended = true;
            open.remove(this);
            Thread t = thread;
            if (t != null && t != Thread.currentThread()) {
                t.interrupt();
            }
        }

        void run() {
            try {
                // an event line first, so the client sees the stream is open before anything happens
                emitter.send(SseEmitter.event().comment("peerlink events after " + last));
                while (!ended) {
                    long version = store.changes().version();
                    List<StoredEvent> batch = store.events().after(last, BATCH);
                    for (StoredEvent e : batch) {
                        emitter.send(SseEmitter.event().id(Long.toString(e.id())).name(e.type().wireName())
                                .data(data(e), MediaType.APPLICATION_JSON));
                        last = e.id();
                    }
                    if (batch.isEmpty() && !store.changes().await(version, HEARTBEAT)) {
                        emitter.send(SseEmitter.event().comment("keep-alive"));
                    }
                }
            } catch (IOException | IllegalStateException e) {
                // the client went away, or the stream was completed: nothing to tell anyone
                log.debug("Event stream ended: {}", e.toString());
            } catch (InterruptedException e) {
                // ended
            } catch (RuntimeException e) {
                log.warn("Event stream failed: {}", e.toString());
                emitter.completeWithError(e);
            } finally {
                end();
            }
        }
    }
}
