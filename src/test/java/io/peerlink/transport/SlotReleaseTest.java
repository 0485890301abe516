package io.peerlink.transport;

import io.peerlink.messaging.PeerConnectionService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.peerlink.attack.LogCapture;
import io.peerlink.identity.Identity;
import io.peerlink.support.TestIdentities;
import io.peerlink.support.TestStores;
import io.peerlink.wire.CloseCode;
import io.peerlink.wire.Frame;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The races of issue 9, each forced to happen at its exact spot: a connection's slot is given back
 * exactly once, and no connection is left alive where nothing can see or close it.
 */
class SlotReleaseTest {

    private static final String HOST = "127.0.0.1";
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    private static final Identity VICTIM = TestIdentities.named("victim");
    private static final Identity BOB = TestIdentities.named("bob");

    private final List<PeerConnectionService> services = new ArrayList<>();

    @AfterEach
    void stopAll() {
        services.forEach(PeerConnectionService::stop);
    }

    @Test
    void aSlotClosedFromManyThreadsAtOnceIsGivenBackOnce() throws Exception {
        Semaphore pool = new Semaphore(1);
        for (int round = 0; round < 200; round++) {
            Slot slot = Slot.tryAcquire(pool);
            assertThat(slot).isNotNull();
            assertThat(Slot.tryAcquire(pool)).as("the only slot is taken").isNull();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> closers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                closers.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    slot.close();
                }));
            }
            go.countDown();
            for (Thread t : closers) {
                t.join(PATIENCE.toMillis());
            }
            assertThat(pool.availablePermits()).as("round %d", round).isEqualTo(1);
        }
    }

    /**
     * A {@code DELETE /api/peers/{id}} that lands between an attach's lookup of the peer's entry and
     * its taking the entry's lock: the attach must not put the new connection on the removed entry
     * (where no one could see it, and stop() would never close it), and both slots come back.
     */
    @Test
    void aForgetLandingDuringAnAttachLeavesTheNewConnectionVisibleAndClosable() throws Exception {
        PeerDirectory directory = new PeerDirectory(VICTIM);
        Semaphore slots = new Semaphore(2);
        TestConnections.CountingHandler handler = new TestConnections.CountingHandler();
        String bob = BOB.peerId();
        try (TestConnections.Pair old = TestConnections.inbound(VICTIM, BOB, Slot.tryAcquire(slots), handler);
                TestConnections.Pair fresh = TestConnections.inbound(VICTIM, BOB, Slot.tryAcquire(slots), handler)) {
            Instant now = Instant.now();
            assertThat(directory.attach(old.connection(), now, PeerConnection::start))
                    .isEqualTo(PeerDirectory.Attach.ATTACHED);
            AtomicReference<PeerDirectory.Attach> outcome = new AtomicReference<>();
            Thread attacher = Thread.ofPlatform().name("attacher").unstarted(
                    () -> outcome.set(directory.attach(fresh.connection(), now, PeerConnection::start)));
            // hold bob's entry lock, let the attach find the entry and wait for that lock, then forget bob
            boolean held = directory.withConnection(bob, current -> {
                attacher.start();
                awaitBlockedIn(attacher, "attach");
                assertThat(directory.forget(bob)).isTrue();
            });
            assertThat(held).isTrue();
            attacher.join(PATIENCE.toMillis());
            assertThat(outcome.get()).isEqualTo(PeerDirectory.Attach.ATTACHED);

            // the new connection makes bob known again, on an entry the directory lists
            assertThat(directory.isKnown(bob)).isTrue();
            assertThat(directory.connection(bob)).containsSame(fresh.connection());
            assertThat(directory.openConnections()).containsExactly(fresh.connection());
            assertThat(old.connection().awaitTermination(PATIENCE)).as("the forgotten one ended").isTrue();

            // what stop() does: close what the directory lists; every slot comes back, once
            directory.openConnections().forEach(c -> c.close(CloseCode.GOING_AWAY, "peer shutting down"));
            assertThat(fresh.connection().awaitTermination(PATIENCE)).isTrue();
            // the owner hears of the close last, after the slot is back and both loops have ended
            await(() -> handler.closed.get() == 2);
            assertThat(slots.availablePermits()).isEqualTo(2);
            assertThat(handler.closed).hasValue(2);
        }
    }

    /**
     * stop() closes the listener's handshaking sockets. One whose handshake has just completed (the
     * server checked CLIENT_FINISH, the connection is not registered yet) must give back its
     * handshake slot and its connection slot, and never become a connection.
     */
    @Test
    void stopJustAfterAnInboundHandshakeCompletedGivesBothSlotsBack() throws Exception {
        AtomicReference<PeerConnectionService> victim = new AtomicReference<>();
        StopOnce stopOnce = new StopOnce(Direction.INBOUND, victim);
        victim.set(service(VICTIM, stopOnce));
        PeerConnectionService bob = service(BOB, ConnectionObserver.NONE);
        try (LogCapture logs = LogCapture.of("io.peerlink.transport", "io.peerlink.messaging")) {
            try {
                bob.connect(HOST, victim.get().listenPort(), VICTIM.peerId());
            } catch (PeerConnectionException e) {
                // bob may see the connection end before its connect() returns: either is fine
            }
            assertThat(stopOnce.stopped.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                    .isTrue();
            PeerConnectionService v = victim.get();
            await(() -> v.handshakesInProgress() == 0 && v.freeConnectionSlots() == 64);
            assertThat(v.handshakesInProgress()).isZero();
            assertThat(v.freeConnectionSlots()).isEqualTo(64);
            assertThat(v.connectedCount()).isZero();
            assertThat(logs.find(Level.INFO, "Connected to " + BOB.peerId())).as("the victim registered bob").isEmpty();
            assertThat(logs.events()).noneMatch(e -> e.getLevel() == Level.ERROR);
        }
    }

    /**
     * The same on the dialling side: the dial fails as STOPPED (not UNREACHABLE after a handshake
     * that succeeded) and its connection slot comes back.
     */
    @Test
    void stopJustAfterAnOutboundHandshakeCompletedFailsTheDialAsStopped() throws Exception {
        AtomicReference<PeerConnectionService> victim = new AtomicReference<>();
        StopOnce stopOnce = new StopOnce(Direction.OUTBOUND, victim);
        victim.set(service(VICTIM, stopOnce));
        PeerConnectionService bob = service(BOB, ConnectionObserver.NONE);
        assertThatThrownBy(() -> victim.get().connect(HOST, bob.listenPort(), BOB.peerId()))
                .isInstanceOfSatisfying(PeerConnectionException.class,
                        e -> assertThat(e.kind()).isEqualTo(PeerConnectionException.Kind.STOPPED));
        assertThat(victim.get().freeConnectionSlots()).isEqualTo(64);
        assertThat(victim.get().connectedCount()).isZero();
    }

    @Test
    void anExceptionInTheSendLoopIsLoggedAndTheConnectionCleanedUp() throws Exception {
        Semaphore slots = new Semaphore(1);
        TestConnections.CountingHandler handler = new TestConnections.CountingHandler() {
            @Override
            public void onWritten(PeerConnection connection, Frame.Message message) {
                throw new IllegalStateException("the store went away");
            }
        };
        try (LogCapture logs = LogCapture.of("io.peerlink.transport", "io.peerlink.messaging");
                TestConnections.Pair pair = TestConnections.inbound(VICTIM, BOB, Slot.tryAcquire(slots), handler)) {
            PeerConnection c = pair.connection();
            c.start();
            assertThat(c.send(new Frame.Message(UUID.randomUUID(), 1L, "written, then the handler throws"))).isTrue();
            assertThat(c.awaitTermination(PATIENCE)).as("both loops ended").isTrue();
            assertThat(c.isOpen()).isFalse();
            assertThat(slots.availablePermits()).as("the slot came back").isEqualTo(1);
            await(() -> handler.closed.get() > 0);
            assertThat(handler.closed).as("the owner was told once").hasValue(1);
            await(() -> logs.find(Level.ERROR, "Send loop for").isPresent());
            ILoggingEvent error = logs.find(Level.ERROR, "Send loop for").orElseThrow();
            assertThat(error.getThrowableProxy()).isNotNull();
            assertThat(error.getThrowableProxy().getMessage()).isEqualTo("the store went away");
            assertClosedByTheOtherSide(pair.clientSocket());
            assertThat(c.send(new Frame.KeepAlive())).as("nothing more is queued").isFalse();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Stops the service from inside its own handshake, right after the first one in {@code direction} succeeds. */
    private static final class StopOnce implements ConnectionObserver {
        final Direction direction;
        final AtomicReference<PeerConnectionService> service;
        final AtomicBoolean once = new AtomicBoolean();
        final CountDownLatch stopped = new CountDownLatch(1);

        StopOnce(Direction direction, AtomicReference<PeerConnectionService> service) {
            this.direction = direction;
            this.service = service;
        }

        @Override
        public void handshakeSucceeded(Direction d, long nanos) {
            if (d == direction && once.compareAndSet(false, true)) {
                service.get().stop();
                stopped.countDown();
            }
        }
    }

    private PeerConnectionService service(Identity identity, ConnectionObserver observer) throws IOException {
        PeerConnectionService s = new PeerConnectionService(identity, ConnectionSettings.forTests(HOST),
                TestStores.fresh(), observer, Clock.systemUTC());
        services.add(s);
        s.start();
        return s;
    }

    /** Waits until {@code t} is blocked on a monitor inside the named method of PeerDirectory. */
    private static void awaitBlockedIn(Thread t, String method) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            if (t.getState() == Thread.State.BLOCKED && Arrays.stream(t.getStackTrace()).anyMatch(
                    f -> f.getClassName().equals(PeerDirectory.class.getName()) && f.getMethodName().equals(method))) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError(t.getName() + " did not block in PeerDirectory." + method + ": " + t.getState());
    }

    private static void assertClosedByTheOtherSide(Socket s) throws IOException {
        s.setSoTimeout((int) PATIENCE.toMillis());
        InputStream in = s.getInputStream();
        byte[] sink = new byte[4096];
        try {
            while (in.read(sink) >= 0) {
                // the records already sent
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection stayed open");
        } catch (SocketException e) {
            // reset: closed as well
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
