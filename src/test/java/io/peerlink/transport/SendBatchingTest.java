package io.peerlink.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.identity.Identity;
import io.peerlink.support.TestIdentities;
import io.peerlink.wire.CloseCode;
import io.peerlink.wire.Frame;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The send loop gathers the frames queued at one moment into one socket write, and reports each
 * message written ({@link PeerConnection.Handler#onWritten}, which marks it SENT) only after the
 * write and flush that carried it have returned.
 */
class SendBatchingTest {

    private static final Identity SERVER = TestIdentities.named("batch-server");
    private static final Identity CLIENT = TestIdentities.named("batch-client");
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    /** Holds every flush until released; counts the writes and flushes that have returned. */
    private static final class GatedStream extends FilterOutputStream {
        final CountDownLatch flushEntered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger writesDone = new AtomicInteger();
        final AtomicInteger flushesDone = new AtomicInteger();

        GatedStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            writesDone.incrementAndGet();
        }

        @Override
        public void flush() throws IOException {
            flushEntered.countDown();
            try {
                if (!release.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IOException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            out.flush();
            flushesDone.incrementAndGet();
        }
    }

    @Test
    void marksEveryMessageOfABatchWrittenOnlyAfterItsOneWriteCompleted() throws Exception {
        List<int[]> reports = new CopyOnWriteArrayList<>(); // {writes done, flushes done} per onWritten
        GatedStream[] stream = new GatedStream[1];
        TestConnections.CountingHandler handler = new TestConnections.CountingHandler() {
            @Override
            public void onWritten(PeerConnection connection, Frame.Message message) {
                reports.add(new int[] {stream[0].writesDone.get(), stream[0].flushesDone.get()});
            }
        };
        try (TestConnections.Pair pair = TestConnections.inbound(SERVER, CLIENT, Slot.NONE, handler,
                out -> stream[0] = new GatedStream(out))) {
            PeerConnection connection = pair.connection();
            int messages = 20;
            for (int i = 0; i < messages; i++) {
                assertThat(connection.send(new Frame.Message(new UUID(7, i), i, "batched " + i))).isTrue();
            }
            connection.start();
            assertThat(stream[0].flushEntered.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            // the write is under way and held: nothing may be reported written yet
            Thread.sleep(200);
            assertThat(reports).isEmpty();
            assertThat(stream[0].writesDone.get()).as("all queued frames in one write").isEqualTo(1);

            stream[0].release.countDown();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (reports.size() < messages && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(reports).hasSize(messages);
            // every message was reported after the one write and its flush had returned
            assertThat(reports).allSatisfy(r -> {
                assertThat(r[0]).isEqualTo(1);
                assertThat(r[1]).isEqualTo(1);
            });
            connection.close(CloseCode.NORMAL, "test over");
            assertThat(connection.awaitTermination(PATIENCE)).isTrue();
        }
    }
}
