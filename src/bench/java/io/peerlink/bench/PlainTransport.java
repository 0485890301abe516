package io.peerlink.bench;

import io.peerlink.wire.RawFrame;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;

/**
 * Baseline: the same frames, unencrypted (type {@link Frames#TYPE_PLAIN}, body = message); no
 * handshake. The limit line of the throughput runs, so it is the cheapest way this machine has to
 * move the frames: {@code plain} writes each frame with one gathered write (header and body
 * together, onto the unbuffered socket stream: nothing to flush); {@code plain-batched} queues
 * them and gathers what waits into one write, as TLS stacks and peerlink's send loop coalesce.
 */
final class PlainTransport implements Transport {

    static final Framing FRAMING = new Framing() {
        @Override
        public byte[] seal(byte[] message) {
            return message;
        }

        @Override
        public byte type() {
            return Frames.TYPE_PLAIN;
        }

        @Override
        public byte[] open(RawFrame frame) throws GeneralSecurityException {
            if (frame.type() != Frames.TYPE_PLAIN) {
                throw new GeneralSecurityException("unexpected frame type " + frame.type());
            }
            return frame.body();
        }
    };

    private final boolean batched;

    PlainTransport(boolean batched) {
        this.batched = batched;
    }

    @Override
    public String name() {
        return batched ? "plain-batched" : "plain";
    }

    @Override
    public String description() {
        return batched ? "unencrypted frames, same header, what waits gathered into one write (up to "
                + FramedChannel.BATCH_BYTES / 1024 + " KiB)"
                : "unencrypted frames, same header, one gathered write per frame";
    }

    @Override
    public boolean hasHandshake() {
        return false;
    }

    @Override
    public MessageChannel client(Socket socket) throws IOException {
        return new FramedChannel(socket, FRAMING, FRAMING, batched);
    }

    @Override
    public MessageChannel server(Socket socket) throws IOException {
        return new FramedChannel(socket, FRAMING, FRAMING, false);
    }
}
