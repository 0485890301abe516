package io.peerlink.relay;

import io.peerlink.handshake.HandshakeMessage;
import io.peerlink.identity.PeerKey;
import io.peerlink.transport.DialTarget;
import io.peerlink.transport.Dialer;
import io.peerlink.transport.Listener;
import io.peerlink.transport.PeerConnection;
import io.peerlink.transport.PeerConnectionException;
import io.peerlink.transport.PeerDirectory;
import io.peerlink.transport.Timers;
import io.peerlink.wire.Frame;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This peer as a relay's client (docs/PROTOCOL.md section 12): it keeps a reservation on each of
 * its relays over the ordinary connection the re-dialler keeps to them (reserved when that
 * connection is attached, renewed at half its lifetime, reserved again after either side
 * restarted), joins the circuits a relay announces, and opens circuits for the dialler to peers
 * reachable through a relay.
 *
 * <p>Thread-safe.
 */
public final class RelayClient implements Dialer.Circuits {

    private static final Logger log = LoggerFactory.getLogger(RelayClient.class);
    /** How long a dialler waits for the relay's answer to CIRCUIT_REQUEST. */
    static final Duration CIRCUIT_ANSWER_TIMEOUT = Duration.ofSeconds(5);
    /** After a refused reservation, when it is asked again (the limit may have cleared). */
    static final Duration RESERVE_RETRY = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** A reservation's state, as {@code GET /api/identity} shows it. */
    public enum State { CONNECTING, RESERVED, REFUSED }

    /** One of this peer's relays and its reservation; {@code reason} says why it was refused. */
    public record Status(String relayId, String host, int port, State state, String reason) {
    }

    private final RelaySettings settings;
    private final PeerDirectory directory;
    private final Timers timers;
    private final Map<String, DialTarget> own = new ConcurrentHashMap<>();
    private final Map<String, Status> states = new ConcurrentHashMap<>();
    /** Relays learnt for other peers (from their invites). */
    private final Map<String, List<DialTarget>> learnt = new ConcurrentHashMap<>();
    private final Map<UUID, CompletableFuture<Frame.Relay>> answers = new ConcurrentHashMap<>();
    private volatile Dialer dialer;
    private volatile Listener listener;

    public RelayClient(RelaySettings settings, PeerDirectory directory, Timers timers) {
        this.settings = settings;
        this.directory = directory;
        this.timers = timers;
        for (DialTarget r : settings.relays()) {
            own.put(r.pin(), r);
            states.put(r.pin(), new Status(r.pin(), r.host(), r.port(), State.CONNECTING, null));
        }
    }

    /** The dialler that opens relay connections, and the listener that serves joined circuits. */
    public void use(Dialer dialer, Listener listener) {
        this.dialer = dialer;
        this.listener = listener;
    }

    /** This peer's relays, with their reservations' states, in configuration order. */
    public List<Status> statuses() {
        List<Status> out = new ArrayList<>();
        for (DialTarget r : settings.relays()) {
            out.add(states.get(r.pin()));
        }
        return out;
    }

    /** This peer's relays (for its invite). */
    public List<DialTarget> ownRelays() {
        return settings.relays();
    }

    /** {@code peerId} can be reached through {@code relays} (from its invite). */
    public void learn(String peerId, List<DialTarget> relays) {
        if (!relays.isEmpty()) {
            learnt.put(peerId, List.copyOf(relays));
        }
    }

    @Override
    public List<DialTarget> relaysFor(String peerId) {
        Set<DialTarget> all = new LinkedHashSet<>(learnt.getOrDefault(peerId, List.of()));
        all.addAll(settings.relays());
        all.removeIf(r -> r.pin().equals(peerId));
        return List.copyOf(all);
    }

    // ---------------------------------------------------------------- reservations

    /** A connection is attached: when its peer is one of this peer's relays, reserve. */
    public void attached(PeerConnection connection) {
        String peerId = connection.peer().peerId();
        DialTarget relay = own.get(peerId);
        if (relay == null) {
            return;
        }
        if (connection.protocolVersion() < WireConstants.VERSION_2) {
            set(relay, State.REFUSED, "the relay speaks protocol version " + connection.protocolVersion()
                    + " only, which has no relay frames");
            return;
        }
        set(relay, State.CONNECTING, null);
        connection.send(new Frame.Reserve());
    }

    /** A connection ended: a relay's reservation is gone with it (the re-dialler connects again). */
    public void closed(PeerConnection connection) {
        DialTarget relay = own.get(connection.peer().peerId());
        if (relay != null && directory.connection(relay.pin()).filter(c -> c != connection).isEmpty()) {
            set(relay, State.CONNECTING, null);
        }
    }

    /** RESERVE_OK, RELAY_REFUSED, CIRCUIT_READY or INCOMING_CIRCUIT from the peer of {@code connection}. */
    public void onAnswer(PeerConnection connection, Frame.Relay frame) {
        String relayId = connection.peer().peerId();
        switch (frame) {
            case Frame.ReserveOk ok -> {
                DialTarget relay = own.get(relayId);
                if (relay == null) {
                    return;
                }
                set(relay, State.RESERVED, null);
                long renewMillis = Math.max(1000, ok.lifetimeSeconds() * 1000 / 2);
                timers.relayDue(Duration.ofMillis(renewMillis), () -> {
                    if (connection.isOpen()) {
                        connection.send(new Frame.Reserve());
                    }
                });
            }
            case Frame.RelayRefused refused when refused.refusedType() == WireConstants.INNER_RESERVE -> {
                DialTarget relay = own.get(relayId);
                if (relay == null) {
                    return;
                }
                log.warn("Relay {} refused the reservation: {}", relayId, refused.reason());
                set(relay, State.REFUSED, refused.reason().name());
                timers.relayDue(RESERVE_RETRY, () -> {
                    if (connection.isOpen()) {
                        connection.send(new Frame.Reserve());
                    }
                });
            }
            case Frame.RelayRefused refused -> complete(refused.id(), refused);
            case Frame.CircuitReady ready -> complete(ready.id(), ready);
            case Frame.IncomingCircuit incoming -> {
                DialTarget relay = own.get(relayId);
                if (relay == null) {
                    log.info("Ignored an incoming circuit from {}: not one of this peer's relays", relayId);
                    return;
                }
                Thread.ofVirtual().name("relay-join").start(() -> joinIncoming(relay, incoming));
            }
            default -> throw new IllegalArgumentException("not an answer of a relay: " + frame);
        }
    }

    private void complete(UUID id, Frame.Relay answer) {
        CompletableFuture<Frame.Relay> waiting = answers.remove(id);
        if (waiting != null) {
            waiting.complete(answer);
        }
    }

    private void set(DialTarget relay, State state, String reason) {
        states.put(relay.pin(), new Status(relay.pin(), relay.host(), relay.port(), state, reason));
    }

    /** The reserved side: a fresh connection to the relay, JOIN, then this peer serves the handshake. */
    private void joinIncoming(DialTarget relay, Frame.IncomingCircuit incoming) {
        Socket socket = new Socket();
        try {
            join(socket, relay, incoming.id(), incoming.secret());
        } catch (IOException | ProtocolException e) {
            log.info("Joining circuit {} on relay {} failed: {}", incoming.id(), relay.address(), e.toString());
            closeQuietly(socket);
            return;
        }
        // the listener owns the socket from here
        listener.serveRelayed(socket, relay.pin());
    }

    // ---------------------------------------------------------------- circuits for the dialler

    @Override
    public void open(Socket socket, DialTarget relay, String peerId) throws IOException {
        PeerConnection control = directory.connection(relay.pin()).orElse(null);
        if (control == null) {
            // an ordinary pinned connection to the relay carries the request
            dialer.dial(relay);
            control = directory.connection(relay.pin()).orElseThrow(
                    () -> new IOException("no connection to relay " + relay.address()));
        }
        if (control.protocolVersion() < WireConstants.VERSION_2) {
            throw new IOException("relay " + relay.address() + " speaks protocol version 1 only");
        }
        UUID id = UUID.randomUUID();
        CompletableFuture<Frame.Relay> answer = new CompletableFuture<>();
        answers.put(id, answer);
        Frame.Relay got;
        try {
            control.send(new Frame.CircuitRequest(id, peerId));
            got = answer.get(CIRCUIT_ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for relay " + relay.address());
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("relay " + relay.address() + " did not answer the circuit request");
        } finally {
            answers.remove(id);
        }
        if (got instanceof Frame.RelayRefused refused) {
            throw new PeerConnectionException(PeerConnectionException.Kind.UNREACHABLE, "relay " + relay.address()
                    + " refused the circuit to " + peerId + ": " + refused.reason());
        }
        Frame.CircuitReady ready = (Frame.CircuitReady) got;
        try {
            join(socket, relay, id, ready.secret());
        } catch (ProtocolException e) {
            throw new IOException("relay " + relay.address() + " answered the JOIN wrongly: " + e.getMessage());
        }
    }

    /**
     * Connects {@code socket} to the relay, sends JOIN, and reads the relay's own SERVER_HELLO (sent
     * before it saw the JOIN), checking that the relay is who it should be. What follows on the
     * socket comes from the other side of the circuit. Reads the socket's own unbuffered stream, so
     * no byte past the hello is taken.
     */
    private static void join(Socket socket, DialTarget relay, UUID id, byte[] secret)
            throws IOException, ProtocolException {
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(relay.host(), relay.port()), (int) CONNECT_TIMEOUT.toMillis());
        socket.setSoTimeout((int) CONNECT_TIMEOUT.toMillis());
        byte[] body = ByteBuffer.allocate(WireConstants.JOIN_LENGTH).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).put(secret).array();
        RawFrame frame = RawFrame.of(WireConstants.TYPE_JOIN, body);
        OutputStream out = socket.getOutputStream();
        out.write(frame.bytes());
        out.flush();
        RawFrame hello = RawFrame.read(socket.getInputStream(), WireConstants.MAX_HANDSHAKE_FRAME_LENGTH);
        if (hello == null || hello.type() != WireConstants.TYPE_SERVER_HELLO) {
            throw new IOException("relay " + relay.address() + " did not say hello");
        }
        String relayId;
        try {
            relayId = PeerKey.fromSpki(HandshakeMessage.ServerHello.decode(hello).spki()).peerId();
        } catch (GeneralSecurityException e) {
            throw new IOException("relay " + relay.address() + " sent a bad identity");
        }
        if (!relayId.equals(relay.pin())) {
            throw new IOException("the relay at " + relay.address() + " is " + relayId + ", not " + relay.pin());
        }
        socket.setSoTimeout(0);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
