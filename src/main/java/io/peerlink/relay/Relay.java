package io.peerlink.relay;

import io.peerlink.transport.Joins;
import io.peerlink.transport.PeerConnection;
import io.peerlink.transport.Timers;
import io.peerlink.wire.Frame;
import io.peerlink.wire.RelayRefusal;
import io.peerlink.wire.WireConstants;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay role (docs/PROTOCOL.md section 12): keeps reservations made over ordinary authenticated
 * connections, answers circuit requests by telling the reserved peer, and splices the two
 * connections that then JOIN. Every limit of {@link RelaySettings} is checked here and refused
 * with its {@link RelayRefusal}. A peer that is no relay refuses every request with RELAY_DISABLED.
 *
 * <p>Thread-safe: the maps and counts change under this object's lock; frames are queued and
 * sockets closed after it.
 */
public final class Relay implements Joins, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    /** A reservation: the connection it was made on, and until when it holds. */
    private record Reservation(PeerConnection connection, long expiresAtNanos) {
    }

    private final RelaySettings settings;
    private final Predicate<String> isContact;
    private final Timers timers;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Reservation> reservations = new HashMap<>(); // guarded by this
    private final Map<UUID, Circuit> circuits = new HashMap<>(); // guarded by this
    private final Map<String, Integer> circuitsPerPeer = new HashMap<>(); // guarded by this
    private boolean open = true; // guarded by this

    public Relay(RelaySettings settings, Predicate<String> isContact, Timers timers) {
        this.settings = settings;
        this.isContact = isContact;
        this.timers = timers;
    }

    /** RESERVE or CIRCUIT_REQUEST from the peer of {@code connection}; other relay frames are not ours. */
    public void onRequest(PeerConnection connection, Frame.Relay frame) {
        switch (frame) {
            case Frame.Reserve r -> reserve(connection);
            case Frame.CircuitRequest r -> circuit(connection, r);
            default -> throw new IllegalArgumentException("not a request to a relay: " + frame);
        }
    }

    private void reserve(PeerConnection connection) {
        String peerId = connection.peer().peerId();
        RelayRefusal refusal = null;
        if (!settings.enabled()) {
            refusal = RelayRefusal.RELAY_DISABLED;
        } else if (!settings.allowAnyone() && !isContact.test(peerId)) {
            refusal = RelayRefusal.NOT_ALLOWED;
        } else {
            long now = System.nanoTime();
            synchronized (this) {
                Reservation held = live(peerId, now);
                if (held == null && reservations.size() >= settings.maxReservations()) {
                    dropExpired(now);
                }
                if (held == null && reservations.size() >= settings.maxReservations()) {
                    refusal = RelayRefusal.RESERVATION_LIMIT;
                } else {
                    reservations.put(peerId, new Reservation(connection,
                            now + settings.reservationLifetime().toNanos()));
                }
            }
        }
        if (refusal != null) {
            log.info("Refused a reservation of {}: {}", peerId, refusal);
            connection.send(new Frame.RelayRefused(WireConstants.INNER_RESERVE, new UUID(0, 0), refusal));
            return;
        }
        log.debug("Reservation of {} for {}", peerId, settings.reservationLifetime());
        connection.send(new Frame.ReserveOk(settings.reservationLifetime().toSeconds()));
    }

    private void circuit(PeerConnection connection, Frame.CircuitRequest request) {
        String from = connection.peer().peerId();
        String target = request.targetPeerId();
        RelayRefusal refusal = null;
        Circuit circuit = null;
        PeerConnection reserved = null;
        byte[] diallerSecret = secret();
        byte[] targetSecret = secret();
        synchronized (this) {
            Reservation held = settings.enabled() ? live(target, System.nanoTime()) : null;
            int perPeer = circuitsPerPeer.getOrDefault(target, 0);
            if (!settings.enabled() || !open) {
                refusal = RelayRefusal.RELAY_DISABLED;
            } else if (target.equals(from)) {
                refusal = RelayRefusal.SELF;
            } else if (held == null) {
                refusal = RelayRefusal.NO_RESERVATION;
            } else if (circuits.size() >= settings.maxCircuits() || circuits.containsKey(request.id())) {
                refusal = RelayRefusal.CIRCUIT_LIMIT;
            } else if (perPeer >= settings.maxCircuitsPerPeer()) {
                refusal = RelayRefusal.PEER_CIRCUIT_LIMIT;
            } else {
                UUID id = request.id();
                circuit = new Circuit(id, target, diallerSecret, targetSecret, settings.circuitBytesPerSecond(),
                        () -> released(id, target));
                circuits.put(id, circuit);
                circuitsPerPeer.put(target, perPeer + 1);
                reserved = held.connection();
            }
        }
        if (refusal != null) {
            log.info("Refused a circuit from {} to {}: {}", from, target, refusal);
            connection.send(new Frame.RelayRefused(WireConstants.INNER_CIRCUIT_REQUEST, request.id(), refusal));
            return;
        }
        // the reserved peer opens its side first; the dialler's JOIN may come before or after
        reserved.send(new Frame.IncomingCircuit(request.id(), targetSecret));
        connection.send(new Frame.CircuitReady(request.id(), diallerSecret));
        Circuit pending = circuit;
        timers.relayDue(settings.joinTimeout(), () -> {
            if (!pending.isSpliced()) {
                log.info("Circuit {} to {} dropped: not joined by both sides within {}", pending.id, target,
                        settings.joinTimeout());
                pending.close();
            }
        });
    }

    private byte[] secret() {
        byte[] s = new byte[WireConstants.JOIN_SECRET_LENGTH];
        random.nextBytes(s);
        return s;
    }

    private synchronized void released(UUID id, String target) {
        circuits.remove(id);
        circuitsPerPeer.computeIfPresent(target, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** The reservation of {@code peerId} if it still holds (its connection open, not expired). */
    private Reservation live(String peerId, long now) {
        Reservation r = reservations.get(peerId);
        if (r == null) {
            return null;
        }
        if (!r.connection().isOpen() || now - r.expiresAtNanos() > 0) {
            reservations.remove(peerId);
            return null;
        }
        return r;
    }

    private void dropExpired(long now) {
        reservations.entrySet().removeIf(e -> !e.getValue().connection().isOpen()
                || now - e.getValue().expiresAtNanos() > 0);
    }

    /** The connection of a peer ended: its reservation, if made on it, ends too. */
    public synchronized void closed(PeerConnection connection) {
        String peerId = connection.peer().peerId();
        Reservation r = reservations.get(peerId);
        if (r != null && r.connection() == connection) {
            reservations.remove(peerId);
        }
    }

    @Override
    public void join(byte[] join, Socket socket, InputStream in, OutputStream out) {
        ByteBuffer b = ByteBuffer.wrap(join);
        UUID id = new UUID(b.getLong(), b.getLong());
        byte[] secret = new byte[WireConstants.JOIN_SECRET_LENGTH];
        b.get(secret);
        Circuit circuit;
        synchronized (this) {
            circuit = circuits.get(id);
        }
        Circuit.Side side = new Circuit.Side(socket, in, out);
        if (circuit == null) {
            log.info("Refused a JOIN from {} for an unknown or expired circuit", socket.getRemoteSocketAddress());
            try {
                socket.close();
            } catch (java.io.IOException e) {
                // nothing to do
            }
            return;
        }
        circuit.join(secret, side);
    }

    /** Reservations held now (health, tests). */
    public synchronized int reservationCount() {
        long now = System.nanoTime();
        dropExpired(now);
        return reservations.size();
    }

    /** Circuits joining or spliced now (health, tests). */
    public synchronized int circuitCount() {
        return circuits.size();
    }

    /** Ends every circuit. */
    @Override
    public void close() {
        List<Circuit> all;
        synchronized (this) {
            open = false;
            all = new ArrayList<>(circuits.values());
        }
        all.forEach(Circuit::close);
    }
}
