package io.peerlink.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InboxTest {

    private final Inbox inbox = new Inbox(5, Clock.systemUTC());

    private void add(String from, int n) {
        inbox.append(from, new UUID(from.hashCode(), n), Instant.EPOCH, from + n);
    }

    @Test
    void pagesThroughMessagesOldestFirstNeverTwice() throws Exception {
        for (int i = 0; i < 5; i++) {
            add("a", i);
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
    void dropsOldestWhenFullAndReportsWhatACallerMissed() throws Exception {
        for (int i = 0; i < 8; i++) {
            add("a", i);
        }
        assertThat(inbox.dropped()).isEqualTo(3);
        assertThat(inbox.size()).isEqualTo(5);
        Inbox.Page page = inbox.poll(0, 10, null, Duration.ZERO);
        assertThat(page.missed()).isEqualTo(3);
        assertThat(page.messages()).extracting(InboundMessage::text).containsExactly("a3", "a4", "a5", "a6", "a7");
        assertThat(page.messages()).extracting(InboundMessage::cursor).containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThat(inbox.poll(5, 10, null, Duration.ZERO).missed()).isZero();
    }

    @Test
    void storesADuplicateMessageIdFromTheSamePeerOnlyOnce() {
        UUID id = UUID.randomUUID();
        assertThat(inbox.append("a", id, Instant.EPOCH, "x")).isEqualTo(Inbox.Outcome.STORED);
        assertThat(inbox.append("a", id, Instant.EPOCH, "x")).isEqualTo(Inbox.Outcome.DUPLICATE);
        assertThat(inbox.append("b", id, Instant.EPOCH, "x")).isEqualTo(Inbox.Outcome.STORED);
        assertThat(inbox.lastCursor()).isEqualTo(2);
    }

    @Test
    void filtersBySenderAndSkipsPastOthers() throws Exception {
        add("a", 0);
        add("b", 0);
        add("a", 1);
        add("b", 1);
        Inbox.Page page = inbox.poll(0, 10, "b", Duration.ZERO);
        assertThat(page.messages()).extracting(InboundMessage::text).containsExactly("b0", "b1");
        assertThat(page.nextCursor()).isEqualTo(4);
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
        add("a", 0);
        assertThat(poll.get(10, TimeUnit.SECONDS).messages()).extracting(InboundMessage::text).containsExactly("a0");
    }

    @Test
    void refusesCursorAheadOfTheNewestMessage() {
        add("a", 0);
        assertThatThrownBy(() -> inbox.poll(7, 10, null, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cursor 7 is ahead of the newest message (cursor 1)");
    }
}
