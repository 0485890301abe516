package io.peerlink.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.store.Store;
import io.peerlink.store.StoredMessage;
import io.peerlink.support.TestStores;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inbox over a real store file. */
class InboxTest {

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);

    private final Store store = TestStores.fresh();
    private final Inbox inbox = new Inbox(store);

    @BeforeEach
    void peers() {
        store.peerConnected(A, new byte[] {1}, null).join();
        store.peerConnected(B, new byte[] {2}, null).join();
    }

    private StoredMessage add(String from, int n) {
        return store.storeInbound(from, UUID.randomUUID(), from.charAt(0) + "" + n, Instant.EPOCH).join().orElseThrow();
    }

    @Test
    void pagesThroughMessagesOldestFirstNeverTwice() throws Exception {
        for (int i = 0; i < 5; i++) {
            add(A, i);
        }
        List<String> seen = new ArrayList<>();
        long cursor = 0;
        for (int round = 0; round < 5; round++) {
            Inbox.Page page = inbox.poll(cursor, 2, null, Duration.ZERO);
            page.messages().forEach(m -> seen.add(m.text()));
            cursor = page.nextCursor();
        }
        assertThat(seen).containsExactly("a0", "a1", "a2", "a3", "a4");
        assertThat(inbox.poll(cursor, 10, null, Duration.ZERO).messages()).isEmpty();
    }

    @Test
    void outboundMessagesAreNotInTheInboxButTheirCursorsCount() throws Exception {
        add(A, 0);
        store.acceptOutbound(UUID.randomUUID(), A, "mine").join();
        StoredMessage later = add(A, 1);
        Inbox.Page page = inbox.poll(0, 10, null, Duration.ZERO);
        assertThat(page.messages()).extracting(StoredMessage::text).containsExactly("a0", "a1");
        assertThat(page.nextCursor()).isEqualTo(later.cursor());
    }

    @Test
    void filtersBySender() throws Exception {
        add(A, 0);
        add(B, 0);
        add(A, 1);
        StoredMessage last = add(B, 1);
        Inbox.Page page = inbox.poll(0, 10, B, Duration.ZERO);
        assertThat(page.messages()).extracting(StoredMessage::text).containsExactly("b0", "b1");
        assertThat(page.nextCursor()).isEqualTo(last.cursor());
    }

    @Test
    void longPollReturnsWhenAMessageArrives() throws Exception {
        CompletableFuture<Inbox.Page> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return inbox.poll(0, 10, null, Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(poll).isNotDone();
        add(A, 0);
        assertThat(poll.get(10, TimeUnit.SECONDS).messages()).extracting(StoredMessage::text).containsExactly("a0");
    }

    @Test
    void aLongPollForOneSenderKeepsWaitingWhileOthersWrite() throws Exception {
        CompletableFuture<Inbox.Page> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return inbox.poll(0, 10, B, Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        add(A, 0);
        Thread.sleep(300);
        assertThat(poll).isNotDone();
        add(B, 0);
        assertThat(poll.get(10, TimeUnit.SECONDS).messages()).extracting(StoredMessage::text).containsExactly("b0");
    }

    @Test
    void refusesCursorAheadOfTheNewestMessage() {
        StoredMessage m = add(A, 0);
        long ahead = m.cursor() + 6;
        assertThatThrownBy(() -> inbox.poll(ahead, 10, null, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cursor " + ahead + " is ahead of the newest message (cursor " + m.cursor() + ")");
    }
}
