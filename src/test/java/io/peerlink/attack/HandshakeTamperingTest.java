package io.peerlink.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.peerlink.handshake.Handshake;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * In memory, no sockets: one bit flipped in the body of one handshake message, for a sample of
 * positions across all four messages. The handshake must never complete, and every refusal must be
 * a {@link ProtocolException} (logged as an expected attack, one line), never another exception
 * (which the connection layer would log at ERROR with a stack trace). Every 23rd byte by default;
 * {@code -Dpeerlink.tampering.stride=1} tries every byte (about 20 s).
 */
class HandshakeTamperingTest {

    private static final int STRIDE = Integer.getInteger("peerlink.tampering.stride", 23);
    private final SecureRandom random = new SecureRandom();

    private enum Message { SERVER_HELLO, CLIENT_HELLO, SERVER_FINISH, CLIENT_FINISH }

    @Test
    void everyFlippedBitInEveryHandshakeMessageEndsInAProtocolError() throws Exception {
        Map<ProtocolException.Reason, Integer> seen = new EnumMap<>(ProtocolException.Reason.class);
        for (Message target : Message.values()) {
            int length = bodyLength(target);
            IntStream positions = IntStream.concat(IntStream.iterate(0, i -> i < length, i -> i + STRIDE),
                    IntStream.of(length - 1));
            for (int index : positions.distinct().toArray()) {
                ProtocolException e = handshakeWithFlippedBit(target, index, index % 8);
                seen.merge(e.reason(), 1, Integer::sum);
            }
        }
        assertThat(seen).containsKeys(ProtocolException.Reason.HANDSHAKE_DECRYPT_FAILED,
                ProtocolException.Reason.KEY_CONFIRMATION_FAILED);
    }

    private int bodyLength(Message target) throws Exception {
        Handshake server = new Handshake(Handshake.Role.SERVER, AttackFixture.VICTIM, random);
        Handshake client = new Handshake(Handshake.Role.CLIENT, AttackFixture.FRIEND, random);
        RawFrame sh = server.createServerHello();
        if (target == Message.SERVER_HELLO) {
            return sh.body().length;
        }
        client.consumeServerHello(sh);
        RawFrame ch = client.createClientHello();
        if (target == Message.CLIENT_HELLO) {
            return ch.body().length;
        }
        server.consumeClientHello(ch);
        RawFrame sf = server.createServerFinish();
        if (target == Message.SERVER_FINISH) {
            return sf.body().length;
        }
        client.consumeServerFinish(sf);
        return client.createClientFinish().body().length;
    }

    /** Runs a handshake with one bit of {@code target} flipped in flight; returns the refusal. */
    private ProtocolException handshakeWithFlippedBit(Message target, int index, int bit) {
        Handshake server = new Handshake(Handshake.Role.SERVER, AttackFixture.VICTIM, random);
        Handshake client = new Handshake(Handshake.Role.CLIENT, AttackFixture.FRIEND, random);
        String where = target + " byte " + index + " bit " + bit;
        try {
            client.consumeServerHello(tamper(server.createServerHello(), target == Message.SERVER_HELLO, index, bit));
            server.consumeClientHello(tamper(client.createClientHello(), target == Message.CLIENT_HELLO, index, bit));
            client.consumeServerFinish(tamper(server.createServerFinish(), target == Message.SERVER_FINISH, index, bit));
            server.consumeClientFinish(tamper(client.createClientFinish(), target == Message.CLIENT_FINISH, index, bit));
        } catch (ProtocolException e) {
            assertThat(server.state() == Handshake.State.COMPLETE && client.state() == Handshake.State.COMPLETE)
                    .as("both complete despite %s", where).isFalse();
            return e;
        } catch (RuntimeException e) {
            throw new AssertionError("not a protocol error for " + where + ": " + e, e);
        }
        return fail("tampering went unnoticed: " + where);
    }

    private static RawFrame tamper(RawFrame frame, boolean now, int index, int bit) {
        return now ? Wire.flipBodyBit(frame, index, bit) : frame;
    }
}
