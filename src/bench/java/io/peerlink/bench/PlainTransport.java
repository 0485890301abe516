package io.peerlink.bench;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;

/** Baseline: the same frames, unencrypted (type {@link Frames#TYPE_PLAIN}, body = message); no handshake. */
final class PlainTransport implements Transport {

    static final Framing FRAMING = new Framing() {
        @Override
        public Frame seal(byte[] message) {
            return new Frame(Frames.TYPE_PLAIN, message);
        }

        @Override
        public byte[] open(Frame frame) throws GeneralSecurityException {
            if (frame.type() != Frames.TYPE_PLAIN) {
                throw new GeneralSecurityException("unexpected frame type " + frame.type());
            }
            return frame.body();
        }
    };

    @Override
    public String name() {
        return "plain";
    }

    @Override
    public String description() {
        return "unencrypted frames, same header";
    }

    @Override
    public boolean hasHandshake() {
        return false;
    }

    @Override
    public MessageChannel client(Socket socket) throws IOException {
        return new FramedChannel(socket, FRAMING, FRAMING);
    }

    @Override
    public MessageChannel server(Socket socket) throws IOException {
        return new FramedChannel(socket, FRAMING, FRAMING);
    }
}
