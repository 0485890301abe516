package io.peerlink.handshake;

import static io.peerlink.wire.ProtocolException.Reason.BAD_EPHEMERAL_KEY;
import static io.peerlink.wire.ProtocolException.Reason.BAD_IDENTITY_KEY;
import static io.peerlink.wire.ProtocolException.Reason.BAD_KEM_CIPHERTEXT;
import static io.peerlink.wire.ProtocolException.Reason.BAD_RSA_CIPHERTEXT;
import static io.peerlink.wire.ProtocolException.Reason.FRAME_TOO_LARGE;
import static io.peerlink.wire.ProtocolException.Reason.GARBAGE;
import static io.peerlink.wire.ProtocolException.Reason.HANDSHAKE_DECRYPT_FAILED;
import static io.peerlink.wire.ProtocolException.Reason.KEY_CONFIRMATION_FAILED;
import static io.peerlink.wire.ProtocolException.Reason.MALFORMED;
import static io.peerlink.wire.ProtocolException.Reason.TRUNCATED;
import static io.peerlink.wire.ProtocolException.Reason.UNEXPECTED_FRAME;
import static io.peerlink.wire.ProtocolException.Reason.UNSUPPORTED_VERSION;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peerlink.crypto.RsaOaep;
import io.peerlink.identity.Identity;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz targets for the four handshake message decoders ({@link HandshakeMessage}), each driven on
 * its own and through the {@link Handshake} step that consumes it, in the state where that message
 * is due. The handshakes are deterministic
 * (the identities and random streams of docs/PROTOCOL.md's test vectors, under labels of their
 * own), so the genuine frame of each step is the same in every run and is the seed that lets the
 * fuzzer past the outer checks.
 *
 * <p>The invariants: the decoder gives a message that encodes back to the very same frame, or
 * refuses it with a format reason; the step refuses whatever the decoder refuses, with the same
 * reason, and otherwise accepts the frame and moves on, or refuses it with a reason that step
 * documents, leaving the handshake FAILED. No other exception ever escapes (an unexpected one
 * surfaces as the IllegalStateException of {@code Handshake}'s step guard). Where the cryptography
 * makes it so, only the genuine frame is accepted.
 */
// an input that takes 10 s is a hang: a finding while fuzzing (Jazzer passes it on as -timeout), a
// failure when replayed (in a thread of its own, so that a runaway input cannot stall the build)
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HandshakeFuzzTest {

    static final Path INPUTS = Path.of("src/test/resources/io/peerlink/handshake/HandshakeFuzzTestInputs");

    /** What a decoder may refuse a frame for: its type, its lengths, a field's size. */
    static final Set<ProtocolException.Reason> FORMAT = EnumSet.of(GARBAGE, UNEXPECTED_FRAME, MALFORMED,
            BAD_IDENTITY_KEY, BAD_EPHEMERAL_KEY, BAD_KEM_CIPHERTEXT, BAD_RSA_CIPHERTEXT);

    private static final Identity SERVER;
    private static final Identity CLIENT;
    private static final Genuine GENUINE;

    static {
        try {
            String doc = Files.readString(ProtocolVectorsTest.DOC);
            Map<String, String> vectors = ProtocolVectorsTest.parse(
                    doc.substring(doc.indexOf(ProtocolVectorsTest.BEGIN), doc.indexOf(ProtocolVectorsTest.END)));
            SERVER = ProtocolVectorsTest.identity(vectors.get("server.identity.pkcs8"));
            CLIENT = ProtocolVectorsTest.identity(vectors.get("client.identity.pkcs8"));
            GENUINE = Genuine.run();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Client, before anything: SERVER_HELLO; an accepted hello lets the client answer it. */
    @FuzzTest
    void consumeServerHello(byte[] wire) {
        Handshake client = client();
        boolean accepted = consume(client, wire, HandshakeMessage.ServerHello::decode, client::consumeServerHello,
                Handshake.State.SEND_CLIENT_HELLO, EnumSet.of(UNSUPPORTED_VERSION, BAD_IDENTITY_KEY, BAD_EPHEMERAL_KEY));
        if (!accepted) {
            return;
        }
        assertThat(client.peer().bits()).isBetween(WireConstants.MIN_RSA_BITS, WireConstants.MAX_RSA_BITS);
        // the server's keys were accepted: answering them works, or refuses a key that cannot be used
        try {
            client.createClientHello();
            assertThat(client.state()).isEqualTo(Handshake.State.WAIT_SERVER_FINISH);
        } catch (ProtocolException e) {
            assertThat(e.reason()).isEqualTo(BAD_EPHEMERAL_KEY);
            assertThat(client.state()).isEqualTo(Handshake.State.FAILED);
        }
    }

    /** Server, after its SERVER_HELLO: CLIENT_HELLO; only the genuine client's identity comes out. */
    @FuzzTest
    void consumeClientHello(byte[] wire) {
        Handshake server = server();
        server.createServerHello();
        boolean accepted = consume(server, wire, f -> HandshakeMessage.ClientHello.decode(f, rsaLength(SERVER)),
                server::consumeClientHello, Handshake.State.SEND_SERVER_FINISH, EnumSet.of(UNSUPPORTED_VERSION,
                        BAD_EPHEMERAL_KEY, BAD_KEM_CIPHERTEXT, BAD_RSA_CIPHERTEXT, HANDSHAKE_DECRYPT_FAILED,
                        BAD_IDENTITY_KEY));
        if (accepted) {
            // the identity is sealed under keys only the genuine client has (X25519 ignores the top bit
            // of the key, so the frame itself may differ; the transcript then differs and a MAC fails)
            assertThat(server.peer()).isEqualTo(CLIENT.publicKey());
        }
    }

    /** Client, after its CLIENT_HELLO: SERVER_FINISH; only the genuine frame is accepted. */
    @FuzzTest
    void consumeServerFinish(byte[] wire) throws ProtocolException {
        Handshake client = client();
        client.consumeServerHello(GENUINE.serverHello);
        client.createClientHello();
        boolean accepted = consume(client, wire, f -> HandshakeMessage.ServerFinish.decode(f, rsaLength(CLIENT)),
                client::consumeServerFinish, Handshake.State.SEND_CLIENT_FINISH,
                EnumSet.of(BAD_RSA_CIPHERTEXT, HANDSHAKE_DECRYPT_FAILED, KEY_CONFIRMATION_FAILED));
        if (accepted) {
            assertThat(firstFrame(wire)).isEqualTo(GENUINE.serverFinish.bytes());
        }
    }

    /** Server, after its SERVER_FINISH: CLIENT_FINISH; only the genuine frame is accepted. */
    @FuzzTest
    void consumeClientFinish(byte[] wire) throws ProtocolException {
        Handshake server = server();
        server.createServerHello();
        server.consumeClientHello(GENUINE.clientHello);
        server.createServerFinish();
        boolean accepted = consume(server, wire, HandshakeMessage.ClientFinish::decode, server::consumeClientFinish,
                Handshake.State.COMPLETE, EnumSet.of(KEY_CONFIRMATION_FAILED));
        if (accepted) {
            assertThat(firstFrame(wire)).isEqualTo(GENUINE.clientFinish.bytes());
            assertThat(server.split().peer()).isEqualTo(CLIENT.publicKey());
        }
    }

    /**
     * The seed of each target is the genuine frame of its step, as {@link Genuine#run} makes it
     * today. After a deliberate protocol change, run with {@code -Dpeerlink.fuzz.seeds.write=true}
     * to rewrite them.
     */
    @Test
    void seedsAreTheGenuineFramesOfToday() throws IOException {
        Map<String, RawFrame> seeds = Map.of("consumeServerHello", GENUINE.serverHello,
                "consumeClientHello", GENUINE.clientHello, "consumeServerFinish", GENUINE.serverFinish,
                "consumeClientFinish", GENUINE.clientFinish);
        for (var seed : seeds.entrySet()) {
            Path file = INPUTS.resolve(seed.getKey()).resolve("genuine");
            if (Boolean.getBoolean("peerlink.fuzz.seeds.write")) {
                Files.createDirectories(file.getParent());
                Files.write(file, seed.getValue().bytes());
            }
            assertThat(file).as("seed of %s", seed.getKey()).hasBinaryContent(seed.getValue().bytes());
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A message decoder. */
    private interface Decoder {
        HandshakeMessage decode(RawFrame frame) throws ProtocolException;
    }

    /** One consume step that may refuse its frame. */
    private interface Step {
        void consume(RawFrame frame) throws ProtocolException;
    }

    /**
     * Reads one frame from {@code wire} as {@link HandshakeDriver} does, decodes it on its own and
     * hands it to the step. Returns whether the step accepted it; checks the refusals otherwise.
     */
    private static boolean consume(Handshake hs, byte[] wire, Decoder decoder, Step step, Handshake.State next,
            Set<ProtocolException.Reason> stepReasons) {
        RawFrame frame = read(wire);
        if (frame == null) {
            return false;
        }
        ProtocolException.Reason decoderRefused = null;
        try {
            // round trip: every field is kept as it is, so the message encodes back to the frame
            assertThat(decoder.decode(frame).encode().bytes()).isEqualTo(frame.bytes());
        } catch (ProtocolException e) {
            assertThat(e.reason()).isIn(FORMAT);
            decoderRefused = e.reason();
        }
        try {
            step.consume(frame);
        } catch (ProtocolException e) {
            assertThat(e.reason()).isIn(union(FORMAT, stepReasons));
            if (decoderRefused != null) {
                assertThat(e.reason()).as("the step refuses for the decoder's reason").isEqualTo(decoderRefused);
            }
            assertThat(hs.state()).isEqualTo(Handshake.State.FAILED);
            return false;
        }
        assertThat(decoderRefused).as("the step accepted a frame its decoder refuses").isNull();
        assertThat(hs.state()).isEqualTo(next);
        return true;
    }

    private static int rsaLength(Identity identity) {
        return RsaOaep.ciphertextLength(identity.publicKey().key());
    }

    /** The first frame of {@code wire} under the handshake size limit, or null if there is none. */
    static RawFrame read(byte[] wire) {
        try {
            return RawFrame.read(new ByteArrayInputStream(wire), WireConstants.MAX_HANDSHAKE_FRAME_LENGTH);
        } catch (ProtocolException e) {
            assertThat(e.reason()).isIn(TRUNCATED, FRAME_TOO_LARGE);
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] firstFrame(byte[] wire) {
        return read(wire).bytes();
    }

    private static Set<ProtocolException.Reason> union(Set<ProtocolException.Reason> a,
            Set<ProtocolException.Reason> b) {
        Set<ProtocolException.Reason> all = EnumSet.copyOf(a);
        all.addAll(b);
        return all;
    }

    private static Handshake server() {
        return new Handshake(Handshake.Role.SERVER, SERVER, new StreamRandom("peerlink fuzz server"));
    }

    private static Handshake client() {
        return new Handshake(Handshake.Role.CLIENT, CLIENT, new StreamRandom("peerlink fuzz client"));
    }

    /** The frames of one complete handshake between {@link #server()} and {@link #client()}. */
    private record Genuine(RawFrame serverHello, RawFrame clientHello, RawFrame serverFinish,
            RawFrame clientFinish) {

        static Genuine run() throws ProtocolException {
            Handshake s = server();
            Handshake c = client();
            RawFrame sh = s.createServerHello();
            c.consumeServerHello(sh);
            RawFrame ch = c.createClientHello();
            s.consumeClientHello(ch);
            RawFrame sf = s.createServerFinish();
            c.consumeServerFinish(sf);
            RawFrame cf = c.createClientFinish();
            s.consumeClientFinish(cf);
            return new Genuine(sh, ch, sf, cf);
        }
    }
}
