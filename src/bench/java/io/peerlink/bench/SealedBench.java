package io.peerlink.bench;

import io.peerlink.identity.Identity;
import io.peerlink.sealed.OpenedMessage;
import io.peerlink.sealed.Prekey;
import io.peerlink.sealed.PrekeyBundle;
import io.peerlink.sealed.PrekeyKind;
import io.peerlink.sealed.PrekeyStore;
import io.peerlink.sealed.SealedException;
import io.peerlink.sealed.SealedMessages;
import io.peerlink.sealed.SealingKey;
import io.peerlink.sealed.VerifiedBundle;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Sealed messages (issue 20), one thread: sealing one message to a verified prekey bundle, and
 * opening one (the recipient's prekey lookup, both X25519 agreements, ML-KEM-768 decapsulation, the
 * sender certificate's RSA-PSS verification, both AES-256-GCM openings). Identities are RSA-3072,
 * the product's default; the text is 256 bytes (issue 12's message size).
 *
 * <p>Opening uses a last-resort prekey, which is not consumed, so one prekey serves every
 * invocation; a one-time prekey costs the same cryptography plus the store's consume call (a map
 * remove here, a row in the transaction that commits the message in the product). The messages
 * opened cycle through 64 sealed in {@code @Setup}. Run alone:
 * {@code -Dbench.jmh=SealedBench} (once it is listed in {@link JmhSuite}).
 */
@State(Scope.Thread)
public class SealedBench {

    /** The text's length in bytes (ASCII). */
    @Param({"256"})
    public int size;

    private static final long NOW = 1_764_000_000_000L;
    private static final long WEEK = 7L * 24 * 60 * 60 * 1000;

    private final SecureRandom random = new SecureRandom();
    private Identity recipient;
    private SealingKey sealingKey;
    private VerifiedBundle bundle;
    private PrekeyStore store;
    private String text;
    private byte[][] sealed;
    private int next;

    @Setup
    public void setUp() throws SealedException {
        Identity sender = identity();
        recipient = identity();
        sealingKey = SealingKey.generate(sender, NOW + WEEK, random);
        Prekey prekey = Prekey.generate(recipient, PrekeyKind.LAST_RESORT, 1, NOW + WEEK, random);
        bundle = new PrekeyBundle(recipient.publicKey().spki(), prekey.signed()).verify(recipient.peerId(), NOW);
        store = new PrekeyStore() {
            @Override
            public Prekey prekey(long prekeyId) {
                return prekeyId == prekey.id() ? prekey : null;
            }

            @Override
            public boolean consumed(long prekeyId) {
                return false;
            }

            @Override
            public boolean consume(long prekeyId) {
                return false;
            }
        };
        text = "m".repeat(size);
        sealed = new byte[64][];
        for (int i = 0; i < sealed.length; i++) {
            sealed[i] = SealedMessages.seal(sealingKey, bundle, UUID.randomUUID(), NOW, text, random);
        }
    }

    private static Identity identity() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(3072);
            return new Identity(generator.generateKeyPair());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public byte[] seal() throws SealedException {
        return SealedMessages.seal(sealingKey, bundle, UUID.randomUUID(), NOW, text, random);
    }

    @Benchmark
    public OpenedMessage open() throws SealedException {
        byte[] message = sealed[next];
        next = (next + 1) % sealed.length;
        return SealedMessages.open(recipient, store, message, NOW);
    }
}
