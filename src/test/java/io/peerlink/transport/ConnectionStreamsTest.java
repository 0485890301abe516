package io.peerlink.transport;

import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.messaging.Inbox;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.store.StoredMessage;
import io.peerlink.support.TestIdentities;
import io.peerlink.support.TestStores;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The buffers every connection holds for as long as it lives (issue 12: one peer with a thousand
 * idle connections must not hold 128 KiB for each), and messages larger than those buffers.
 */
class ConnectionStreamsTest {

    /** What one connection's streams may allocate for a first small write and read (was 128 KiB). */
    private static final long BUFFER_BUDGET = 32 * 1024;

    @Test
    void streamsOfAConnectionAllocateSmallBuffers() throws Exception {
        exchangeOverFreshStreams(); // the first one loads and initialises the socket classes
        long allocated = exchangeOverFreshStreams();
        assertThat(allocated).as("bytes allocated by both streams (this thread is a platform thread)")
                .isLessThan(BUFFER_BUDGET);
    }

    /** Bytes this thread allocated to make a connection's two streams and pass one small frame through. */
    private static long exchangeOverFreshStreams() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket listening = new ServerSocket(0, 1, loopback);
                Socket client = new Socket(loopback, listening.getLocalPort());
                Socket server = listening.accept()) {
            byte[] frame = new byte[300];
            byte[] received = new byte[frame.length];
            long before = threads.getCurrentThreadAllocatedBytes();
            OutputStream out = ConnectionStreams.output(client, ConnectionObserver.NONE);
            InputStream in = ConnectionStreams.input(server, ConnectionObserver.NONE);
            out.write(frame);
            out.flush();
            int n = in.readNBytes(received, 0, received.length);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(n).isEqualTo(frame.length);
            return allocated;
        }
    }

    @Test
    void deliversMessagesLargerThanTheStreamBuffers() throws Exception {
        var alice = new PeerConnectionService(TestIdentities.named("alice"), ConnectionSettings.forTests("127.0.0.1"),
                TestStores.fresh(), ConnectionObserver.NONE, Clock.systemUTC());
        var bob = new PeerConnectionService(TestIdentities.named("bob"), ConnectionSettings.forTests("127.0.0.1"),
                TestStores.fresh(), ConnectionObserver.NONE, Clock.systemUTC());
        try {
            alice.start();
            bob.start();
            bob.connect("127.0.0.1", alice.listenPort(), null);
            // the largest message the default limits allow (its record is larger than the largest
            // read buffer), and one just past the idle read buffer
            String largest = "a".repeat(io.peerlink.wire.Limits.DEFAULT_MAX_MESSAGE_BYTES);
            String pastBuffer = "b".repeat(ElasticInputStream.IDLE_BUFFER + 1);
            bob.send(null, largest);
            bob.send(null, pastBuffer);
            bob.send(null, "small");

            var received = new java.util.ArrayList<String>();
            long after = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (received.size() < 3 && System.nanoTime() < deadline) {
                Inbox.Page page = alice.inbox().poll(after, 10, null, Duration.ofSeconds(5));
                page.messages().stream().map(StoredMessage::text).forEach(received::add);
                after = page.nextCursor();
            }
            assertThat(received).containsExactly(largest, pastBuffer, "small");
        } finally {
            alice.stop();
            bob.stop();
        }
    }
}
