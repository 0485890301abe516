package io.peerlink.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.handshake.HandshakeDriver;
import io.peerlink.handshake.Session;
import io.peerlink.identity.Identity;
import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.messaging.PeerState;
import io.peerlink.messaging.PeerView;
import io.peerlink.store.Store;
import io.peerlink.support.TestIdentities;
import io.peerlink.support.TestStores;
import io.peerlink.wire.CloseCode;
import io.peerlink.wire.Frame;
import io.peerlink.wire.Limits;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RecordReader;
import io.peerlink.wire.RecordWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, "slots go to those who deserve them" (docs/PROTOCOL.md section 8, slots for contacts),
 * through a real peer service and real handshakes from several loopback source addresses: unknown
 * identities are held to a cap per address and to the part of {@code max-connections} not reserved,
 * and a contact or this peer's own dial that finds no free slot takes the one of the unknown
 * connection idle the longest, which hears CLOSE TOO_MANY_CONNECTIONS.
 */
class ContactSlotsTest {

    private static final String VICTIM_HOST = "127.0.0.1";
    private static final String SOURCE_1 = "127.0.20.21";
    private static final String SOURCE_2 = "127.0.20.22";
    private static final String SOURCE_3 = "127.0.20.23";
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final Identity VICTIM = TestIdentities.named("victim");

    private final PreAuthAdmissionTest.Recorder observer = new PreAuthAdmissionTest.Recorder();
    private final List<PeerConnectionService> services = new ArrayList<>();
    private final List<Client> clients = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        clients.forEach(Client::close);
        services.forEach(PeerConnectionService::stop);
    }

    @Test
    void unknownIdentitiesFromOneAddressGetAtMostTheirCapAndTheNextIsToldTooManyConnections() throws Exception {
        PeerConnectionService victim = victim(ConnectionSettings.forTests(VICTIM_HOST).withContactReserve(25, 2),
                List.of());
        Client first = connect(SOURCE_1, "stranger-1", victim);
        Client second = connect(SOURCE_1, "stranger-2", victim);
        awaitConnected(victim, first, second);

        Client third = connect(SOURCE_1, "stranger-3", victim);
        assertThat(third.awaitClose()).isEqualTo(CloseCode.TOO_MANY_CONNECTIONS);
        assertThat(observer.count("unknown-per-address")).isEqualTo(1);
        assertThat(victim.peer(third.peerId())).as("the refused one is not attached").isEmpty();

        // another address is not held back by this one's cap
        Client other = connect(SOURCE_2, "stranger-4", victim);
        awaitConnected(victim, first, second, other);
        assertThat(victim.freeConnectionSlots()).isEqualTo(64 - 3);
    }

    @Test
    void unknownIdentitiesTogetherHoldAtMostThePartNotReservedWhileContactsAndOwnDialsStillGetIn() throws Exception {
        Identity contact = TestIdentities.named("contact-1");
        // 4 connections, half reserved: unknown identities hold 2 at most
        PeerConnectionService victim = victim(ConnectionSettings.forTests(VICTIM_HOST).withMaxConnections(4)
                .withContactReserve(50, 4), List.of(contact));
        Client first = connect(SOURCE_1, "stranger-1", victim);
        Client second = connect(SOURCE_2, "stranger-2", victim);
        awaitConnected(victim, first, second);

        Client third = connect(SOURCE_3, "stranger-3", victim);
        assertThat(third.awaitClose()).isEqualTo(CloseCode.TOO_MANY_CONNECTIONS);
        assertThat(observer.count("unknown-total")).isEqualTo(1);

        // the reserve: a contact connects, and so does this peer's own dial
        Client known = connect(SOURCE_3, contact, victim);
        PeerConnectionService friend = service("friend");
        assertThat(victim.connect(VICTIM_HOST, friend.listenPort(), null).created()).isTrue();
        awaitConnected(victim, first, second, known);
        assertThat(victim.connectedCount()).isEqualTo(4);
        assertThat(victim.freeConnectionSlots()).isZero();
    }

    @Test
    void aContactOrAnOwnDialTakesTheSlotOfTheUnknownIdleTheLongestAndEverySlotComesBackOnce() throws Exception {
        Identity c1 = TestIdentities.named("contact-1");
        Identity c2 = TestIdentities.named("contact-2");
        Identity c3 = TestIdentities.named("contact-3");
        Identity c4 = TestIdentities.named("contact-4");
        PeerConnectionService victim = victim(ConnectionSettings.forTests(VICTIM_HOST).withMaxConnections(4)
                .withContactReserve(50, 4), List.of(c1, c2, c3, c4));
        Client older = connect(SOURCE_1, "stranger-1", victim);
        Client newer = connect(SOURCE_1, "stranger-2", victim);
        Client first = connect(SOURCE_2, c1, victim);
        Client second = connect(SOURCE_2, c2, victim);
        awaitConnected(victim, older, newer, first, second);
        assertThat(victim.freeConnectionSlots()).isZero();
        // the older stranger sends a message: the newer one is now the one idle the longest
        Thread.sleep(20);
        older.send("hello from a stranger");

        Client third = connect(SOURCE_3, c3, victim);
        assertThat(newer.awaitClose()).isEqualTo(CloseCode.TOO_MANY_CONNECTIONS);
        awaitConnected(victim, older, first, second, third);
        assertThat(victim.connectedCount()).isEqualTo(4);

        // this peer's own dial lets the last stranger go
        PeerConnectionService friend = service("friend");
        assertThat(victim.connect(VICTIM_HOST, friend.listenPort(), null).created()).isTrue();
        assertThat(older.awaitClose()).isEqualTo(CloseCode.TOO_MANY_CONNECTIONS);
        await(() -> victim.connectedCount() == 4 && victim.peer(older.peerId()).map(PeerView::state)
                .orElse(null) == PeerState.DISCONNECTED);
        assertThat(victim.connectedCount()).isEqualTo(4);

        // nobody left to let go: a fifth contact is refused before its handshake, a dial at once
        Client fourth = connect(SOURCE_3, c4, victim);
        assertThat(fourth.refused()).isTrue();
        assertThat(observer.count("capacity")).isEqualTo(1);
        PeerConnectionService another = service("another");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> victim.connect(VICTIM_HOST, another.listenPort(),
                null)).isInstanceOfSatisfying(PeerConnectionException.class,
                        e -> assertThat(e.kind()).isEqualTo(PeerConnectionException.Kind.CAPACITY));

        // everything ends: each of the 4 slots comes back once, the handed-over ones too
        for (Client c : List.of(first, second, third)) {
            c.close();
        }
        friend.stop();
        await(() -> victim.freeConnectionSlots() == 4);
        assertThat(victim.freeConnectionSlots()).isEqualTo(4);
        assertThat(victim.connectedCount()).isZero();
    }

    // ------------------------------------------------------------------ helpers

    /** The victim with {@code contacts} known to its store before it starts. */
    private PeerConnectionService victim(ConnectionSettings settings, List<Identity> contacts) throws Exception {
        Store store = TestStores.fresh();
        for (Identity c : contacts) {
            store.peerConnected(c.peerId(), c.publicKey().spki(), null).get();
        }
        PeerConnectionService s = new PeerConnectionService(VICTIM, settings, store, observer, Clock.systemUTC());
        services.add(s);
        s.start();
        return s;
    }

    private PeerConnectionService service(String name) throws IOException {
        PeerConnectionService s = new PeerConnectionService(TestIdentities.named(name),
                ConnectionSettings.forTests(VICTIM_HOST), TestStores.fresh(), ConnectionObserver.NONE,
                Clock.systemUTC());
        services.add(s);
        s.start();
        return s;
    }

    private Client connect(String source, String name, PeerConnectionService victim) throws Exception {
        return connect(source, TestIdentities.named(name), victim);
    }

    private Client connect(String source, Identity identity, PeerConnectionService victim) throws Exception {
        Client c = new Client(source, identity, victim.listenPort());
        clients.add(c);
        return c;
    }

    private static void awaitConnected(PeerConnectionService victim, Client... peers) throws InterruptedException {
        for (Client c : peers) {
            await(() -> victim.peer(c.peerId()).map(PeerView::state).orElse(null) == PeerState.CONNECTED);
            assertThat(victim.peer(c.peerId()).map(PeerView::state)).as(c.identity.toString())
                    .contains(PeerState.CONNECTED);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /**
     * A peer at the protocol level from its own source address: a real handshake (or its failure,
     * when the victim closes the connection first), then records; a KEEP_ALIVE every 500 ms.
     */
    private static final class Client implements AutoCloseable {
        final Identity identity;
        final Socket socket;
        final Session session;
        final RecordReader reader;
        final RecordWriter writer;

        Client(String source, Identity identity, int port) throws IOException {
            this.identity = identity;
            this.socket = new Socket();
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress(VICTIM_HOST, port), (int) PATIENCE.toMillis());
            socket.setSoTimeout((int) PATIENCE.toMillis());
            InputStream in = ConnectionStreams.input(socket, ConnectionObserver.NONE);
            OutputStream out = ConnectionStreams.output(socket, ConnectionObserver.NONE);
            Session s;
            try {
                s = HandshakeDriver.client(socket, in, out, identity, new SecureRandom(), PATIENCE, peer -> true);
            } catch (ProtocolException | SocketException e) {
                s = null; // refused before or during the handshake (closed, or reset)
            }
            this.session = s;
            this.reader = s == null ? null : new RecordReader(in, s.receiveCipher(), Limits.DEFAULTS);
            this.writer = s == null ? null : new RecordWriter(out, s.sendCipher(), Limits.DEFAULTS);
            if (s != null) {
                // as a peer does, so that the victim's idle time-out never ends the connection
                Thread.ofVirtual().name("client-keep-alive").start(this::keepAlive);
            }
        }

        private void keepAlive() {
            try {
                while (!socket.isClosed()) {
                    Thread.sleep(500);
                    synchronized (this) {
                        writer.write(new Frame.KeepAlive());
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            }
        }

        String peerId() {
            return identity.peerId();
        }

        /** Whether the victim closed this connection before the handshake completed. */
        boolean refused() {
            return session == null;
        }

        synchronized void send(String text) throws IOException {
            writer.write(new Frame.Message(UUID.randomUUID(), System.currentTimeMillis(), text));
        }

        /** The code of the victim's CLOSE (KEEP_ALIVE and ACK skipped); null if the stream ended without one. */
        CloseCode awaitClose() throws IOException, ProtocolException {
            assertThat(session).as("a completed handshake").isNotNull();
            try {
                while (true) {
                    Frame f = reader.read();
                    if (f == null) {
                        return null;
                    }
                    if (f instanceof Frame.Close c) {
                        return c.code();
                    }
                }
            } catch (SocketException e) {
                return null;
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closed already
            }
        }
    }
}
