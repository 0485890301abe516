package io.peerlink.attack;

import static io.peerlink.wire.ProtocolException.Reason.HANDSHAKE_DECRYPT_FAILED;
import static io.peerlink.wire.ProtocolException.Reason.KEY_CONFIRMATION_FAILED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import io.peerlink.transport.PeerConnectionException;
import io.peerlink.messaging.PeerView;
import io.peerlink.crypto.RsaOaep;
import io.peerlink.handshake.Handshake;
import io.peerlink.handshake.HandshakeMessage.ClientHello;
import io.peerlink.handshake.HandshakeMessage.ServerHello;
import io.peerlink.identity.Fingerprints;
import io.peerlink.identity.Identity;
import io.peerlink.identity.PeerKey;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Mallory sits on loopback between a legitimate client (friend) and the victim server, with her own
 * RSA key pair but neither of theirs. Each test is one thing she can actually build:
 *
 * <ul>
 * <li>swap the server's RSA key in SERVER_HELLO for hers and re-encrypt the client's secret s1 to
 * the real key: she learns s1, but the transcript hash covers the swapped key, so the victim cannot
 * open the client's sealed identity (HANDSHAKE_DECRYPT_FAILED) and nothing connects;</li>
 * <li>the same, then hand the client a genuine SERVER_FINISH from a session of her own with the
 * victim: the client cannot open it (HANDSHAKE_DECRYPT_FAILED on the client);</li>
 * <li>the same swap against a client that pinned the victim's fingerprint: refused right after
 * SERVER_HELLO, before the client sends a byte of its own;</li>
 * <li>keep the server key, but replace s1 by a secret of her choosing, encrypted to the real key:
 * the two sides derive different keys (HANDSHAKE_DECRYPT_FAILED at the victim);</li>
 * <li>the full relay: be the server to the client under her own identity (she then learns the
 * client's public key) and the client to the victim under the client's public key. The victim
 * seals s2 to the real client's key, which she cannot open, so she cannot confirm the keys
 * (KEY_CONFIRMATION_FAILED at the victim); the client ends up authenticated to Mallory, which its
 * peerId and safety number show. Changing the client's sealed identity in flight is not possible
 * at all without the handshake keys, so this is the only client-identity swap she can build.</li>
 * </ul>
 */
class ManInTheMiddleAttackTest extends AttackFixture {

    private final SecureRandom random = new SecureRandom();

    @Test
    void keySwappingProxyThatReencryptsTheSecretIsRefusedByTheServer() throws Exception {
        try (ServerSocket proxy = Wire.listen()) {
            CompletableFuture<byte[]> stolen = Wire.serveOnce(proxy, client -> {
                try (Socket server = Wire.dial(victimPort())) {
                    byte[] s1 = swapServerKeyAndRelayClientHello(client, server);
                    Wire.awaitClosedByPeer(server); // the victim hangs up
                    return s1;
                } // and so does the proxy, towards the client
            });
            assertThatThrownBy(() -> friend.connect(Wire.LOOPBACK, proxy.getLocalPort(), null))
                    .isInstanceOfSatisfying(PeerConnectionException.class, e -> {
                        assertThat(e.kind()).isEqualTo(PeerConnectionException.Kind.HANDSHAKE_FAILED);
                        assertThat(e.getMessage()).contains("peer closed the connection during the handshake");
                    });
            assertThat(stolen.get(5, TimeUnit.SECONDS)).as("s1, read by Mallory").hasSize(WireConstants.SECRET_LENGTH);
        }
        assertInboundHandshakeRefused(HANDSHAKE_DECRYPT_FAILED, "client identity did not decrypt");
        assertNothingDelivered();
        assertThat(friend.peers()).isEmpty();
        assertListenerStillServes();
    }

    @Test
    void keySwappingProxyCannotFinishTheClientsHandshake() throws Exception {
        try (ServerSocket proxy = Wire.listen()) {
            CompletableFuture<byte[]> fromClient = Wire.serveOnce(proxy, client -> {
                try (Socket server = Wire.dial(victimPort())) {
                    swapServerKeyAndRelayClientHello(client, server);
                    Wire.awaitClosedByPeer(server);
                }
                // the victim gave up; Mallory answers the client with a genuine SERVER_FINISH of the
                // victim's, from a session she runs with it herself
                try (Socket own = Wire.dial(victimPort())) {
                    Handshake hs = new Handshake(Handshake.Role.CLIENT, MALLORY, random);
                    hs.consumeServerHello(Wire.readFrame(own.getInputStream()));
                    Wire.send(own, hs.createClientHello());
                    Wire.send(client, Wire.readFrame(own.getInputStream()));
                }
                return client.getInputStream().readAllBytes(); // what the client says next
            });
            assertThatThrownBy(() -> friend.connect(Wire.LOOPBACK, proxy.getLocalPort(), null))
                    .isInstanceOfSatisfying(PeerConnectionException.class, e -> {
                        assertThat(e.kind()).isEqualTo(PeerConnectionException.Kind.HANDSHAKE_FAILED);
                        assertThat(e.getMessage()).contains("SERVER_FINISH did not decrypt");
                    });
            assertThat(fromClient.get(5, TimeUnit.SECONDS)).as("CLIENT_FINISH sent to Mallory").isEmpty();
        }
        // the client (friend, same logger) refused the finish; the victim refused the relayed hello
        assertOutboundHandshakeRefused(HANDSHAKE_DECRYPT_FAILED, "SERVER_FINISH did not decrypt");
        assertInboundHandshakeRefused(HANDSHAKE_DECRYPT_FAILED, "client identity did not decrypt");
        assertNothingDelivered();
        assertThat(friend.peers()).isEmpty();
        assertListenerStillServes();
    }

    @Test
    void keySwappingProxyIsRefusedByAPinnedFingerprintBeforeTheClientRevealsItself() throws Exception {
        try (ServerSocket proxy = Wire.listen()) {
            CompletableFuture<byte[]> fromClient = Wire.serveOnce(proxy, client -> {
                try (Socket server = Wire.dial(victimPort())) {
                    ServerHello real = ServerHello.decode(Wire.readFrame(server.getInputStream()));
                    Wire.send(client, Hellos.withSpki(real, MALLORY.publicKey().spki()).encode());
                    return client.getInputStream().readAllBytes();
                }
            });
            assertThatThrownBy(() -> friend.connect(Wire.LOOPBACK, proxy.getLocalPort(), VICTIM.peerId()))
                    .isInstanceOfSatisfying(PeerConnectionException.class, e -> {
                        assertThat(e.kind()).isEqualTo(PeerConnectionException.Kind.FINGERPRINT_MISMATCH);
                        assertThat(e.getMessage()).contains(Fingerprints.fingerprint(MALLORY.peerId()));
                    });
            assertThat(fromClient.get(5, TimeUnit.SECONDS)).as("bytes the client sent to Mallory").isEmpty();
        }
        assertLogged(Level.WARN, "Handshake with", MALLORY.peerId(), VICTIM.peerId());
        assertNothingDelivered();
        assertThat(friend.peers()).isEmpty();
        assertListenerStillServes();
    }

    @Test
    void proxyThatReplacesTheClientsSecretIsRefusedByTheServer() throws Exception {
        try (ServerSocket proxy = Wire.listen()) {
            CompletableFuture<Void> relay = Wire.serveOnce(proxy, client -> {
                try (Socket server = Wire.dial(victimPort())) {
                    RawFrame serverHello = Wire.readFrame(server.getInputStream());
                    Wire.send(client, serverHello);
                    ClientHello hello = Hellos.clientHello(Wire.readFrame(client.getInputStream()), VICTIM);
                    byte[] chosen = new byte[WireConstants.SECRET_LENGTH];
                    byte[] ciphertext = RsaOaep.encrypt(VICTIM.publicKey().key(), chosen, random);
                    Wire.send(server, Hellos.withRsaCiphertext(hello, ciphertext).encode());
                    Wire.awaitClosedByPeer(server);
                    return null;
                }
            });
            assertThatThrownBy(() -> friend.connect(Wire.LOOPBACK, proxy.getLocalPort(), VICTIM.peerId()))
                    .isInstanceOf(PeerConnectionException.class);
            relay.get(5, TimeUnit.SECONDS);
        }
        assertInboundHandshakeRefused(HANDSHAKE_DECRYPT_FAILED, "client identity did not decrypt");
        assertNothingDelivered();
        assertThat(friend.peers()).isEmpty();
        assertListenerStillServes();
    }

    @Test
    void relayImpersonatingTheClientFailsKeyConfirmationAtTheServer() throws Exception {
        try (ServerSocket proxy = Wire.listen()) {
            CompletableFuture<ProtocolException.Reason> malloryStuck = Wire.serveOnce(proxy, client -> {
                // towards the client: a server, under Mallory's own identity
                Handshake asServer = new Handshake(Handshake.Role.SERVER, MALLORY, random);
                Wire.send(client, asServer.createServerHello());
                asServer.consumeClientHello(Wire.readFrame(client.getInputStream()));
                PeerKey clientKey = asServer.peer(); // an active attacker posing as server learns who dials
                ProtocolException.Reason stuck;
                try (Socket server = Wire.dial(victimPort())) {
                    // towards the victim: the client's public key, but only Mallory's private key
                    Identity posing = new Identity(new KeyPair(clientKey.key(), MALLORY.privateKey()));
                    Handshake asClient = new Handshake(Handshake.Role.CLIENT, posing, random);
                    asClient.consumeServerHello(Wire.readFrame(server.getInputStream()));
                    Wire.send(server, asClient.createClientHello());
                    RawFrame serverFinish = Wire.readFrame(server.getInputStream());
                    // s2 is sealed to the real client's RSA key: Mallory cannot derive the final keys
                    stuck = catchThrowableOfType(ProtocolException.class,
                            () -> asClient.consumeServerFinish(serverFinish)).reason();
                    byte[] guess = new byte[WireConstants.MAC_LENGTH + WireConstants.TAG_LENGTH];
                    random.nextBytes(guess);
                    Wire.send(server, RawFrame.of(WireConstants.TYPE_CLIENT_FINISH, guess));
                    Wire.awaitClosedByPeer(server);
                }
                Wire.send(client, asServer.createServerFinish());
                asServer.consumeClientFinish(Wire.readFrame(client.getInputStream()));
                asServer.split();
                return stuck;
            });
            PeerView reached = friend.connect(Wire.LOOPBACK, proxy.getLocalPort(), null).peer();
            assertThat(malloryStuck.get(5, TimeUnit.SECONDS)).isEqualTo(KEY_CONFIRMATION_FAILED);
            // the client is connected, but to Mallory, and it can tell
            assertThat(reached.peerId()).isEqualTo(MALLORY.peerId()).isNotEqualTo(VICTIM.peerId());
            assertThat(reached.safetyNumber())
                    .isNotEqualTo(Fingerprints.safetyNumber(FRIEND.publicKey(), VICTIM.publicKey()));
        }
        assertInboundHandshakeRefused(KEY_CONFIRMATION_FAILED, "client key confirmation did not decrypt");
        assertNothingDelivered();
        assertThat(victim.peers()).as("the victim never accepted Mallory as friend").isEmpty();
        assertListenerStillServes();
    }

    /**
     * Relays SERVER_HELLO with Mallory's RSA key in place of the victim's, then the client's
     * CLIENT_HELLO with s1 decrypted by Mallory and re-encrypted to the victim's real key. Returns s1.
     */
    private byte[] swapServerKeyAndRelayClientHello(Socket client, Socket server) throws Exception {
        ServerHello real = ServerHello.decode(Wire.readFrame(server.getInputStream()));
        Wire.send(client, Hellos.withSpki(real, MALLORY.publicKey().spki()).encode());
        // the client sealed s1 for the key it was shown: Mallory's
        ClientHello hello = Hellos.clientHello(Wire.readFrame(client.getInputStream()), MALLORY);
        byte[] s1 = RsaOaep.decrypt(MALLORY.privateKey(), hello.rsaCiphertext());
        byte[] reencrypted = RsaOaep.encrypt(PeerKey.fromSpki(real.spki()).key(), s1, random);
        Wire.send(server, Hellos.withRsaCiphertext(hello, reencrypted).encode());
        return s1;
    }
}
