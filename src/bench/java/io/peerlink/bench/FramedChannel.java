package io.peerlink.bench;

import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Queue;

/**
 * A {@link MessageChannel} that sends each message as one frame over a socket's streams, turning
 * messages into frames with one {@link Framing} per direction. Frames are peerlink's own: read with
 * {@link RawFrame#read}, headers written with {@link RawFrame#writeHeader}. The socket may be an
 * {@code SSLSocket}, whose streams carry the frames inside TLS records.
 *
 * <p>Sending either writes each frame at once, header and body gathered into one {@code write}
 * (the socket streams have no buffer, so there is no separate flush cost), or, {@code batched},
 * queues the frame for a writer thread that gathers every frame waiting at that moment, up to
 * {@link #BATCH_BYTES}, into one write, as TLS stacks and peerlink's own send loop coalesce.
 */
public final class FramedChannel implements MessageChannel {

    /** Bytes of frames gathered into one write at most by the batched mode: peerlink's figure. */
    static final int BATCH_BYTES = io.peerlink.wire.RecordWriter.BATCH_BYTES;

    private static final byte[] END = new byte[0];

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Framing sending;
    private final Framing receiving;
    private final QueuedSender<byte[]> queued;
    /** The gathering buffer: of the sending thread, or of the writer thread when batched. */
    private byte[] buffer = new byte[WireConstants.HEADER_LENGTH + 4096];

    public FramedChannel(Socket socket, Framing sending, Framing receiving, boolean batched) throws IOException {
        this(socket, socket.getInputStream(), socket.getOutputStream(), sending, receiving, batched);
    }

    /**
     * For a transport whose handshake already wrapped the socket's streams: {@code in} must hold
     * every byte the handshake read ahead, and nothing may buffer {@code out} without flushing.
     */
    public FramedChannel(Socket socket, InputStream in, OutputStream out, Framing sending, Framing receiving,
            boolean batched) {
        this.socket = socket;
        this.in = new BufferedInputStream(in, 1 << 16);
        this.out = out;
        this.sending = sending;
        this.receiving = receiving;
        this.queued = batched ? new QueuedSender<>("frames-writer", END, this::writeBatch, socket::shutdownOutput)
                : null;
    }

    @Override
    public void send(byte[] message) throws IOException, GeneralSecurityException {
        byte[] body = sending.seal(message);
        if (queued == null) {
            int length = append(0, body);
            out.write(buffer, 0, length);
            out.flush();
        } else {
            // the channel keeps no reference to the caller's array
            queued.send(body == message ? Arrays.copyOf(message, message.length) : body);
        }
    }

    private void writeBatch(byte[] first, Queue<byte[]> more) throws IOException {
        int pending = append(0, first);
        byte[] next;
        while (pending < BATCH_BYTES && (next = more.poll()) != null) {
            pending = append(pending, next);
        }
        out.write(buffer, 0, pending);
        out.flush();
    }

    /** Header and body at {@code buffer[offset]}; returns the end. */
    private int append(int offset, byte[] body) {
        int end = offset + WireConstants.HEADER_LENGTH + body.length;
        if (buffer.length < end) {
            buffer = Arrays.copyOf(buffer, Math.max(end, 2 * buffer.length));
        }
        RawFrame.writeHeader(buffer, offset, sending.type(), body.length);
        System.arraycopy(body, 0, buffer, offset + WireConstants.HEADER_LENGTH, body.length);
        return end;
    }

    @Override
    public byte[] receive() throws IOException, GeneralSecurityException {
        RawFrame frame = read();
        return frame == null ? null : receiving.open(frame);
    }

    @Override
    public boolean discard() throws IOException {
        return read() != null;
    }

    private RawFrame read() throws IOException {
        try {
            return RawFrame.read(in, Frames.MAX_BODY_LENGTH);
        } catch (ProtocolException e) {
            throw new IOException(e.toString(), e);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (queued != null) {
            queued.finish(); // the writer shuts the output down after what was queued
        } else {
            // On an SSLSocket this sends close_notify; TLS 1.3 keeps the other direction open.
            socket.shutdownOutput();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (queued != null) {
                queued.close();
            }
        } finally {
            socket.close();
        }
    }
}
