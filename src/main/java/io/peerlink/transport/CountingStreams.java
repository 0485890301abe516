package io.peerlink.transport;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/** Stream wrappers that report the bytes crossing a socket, for the bytes in/out meters. */
final class CountingStreams {

    private CountingStreams() {
    }

    static InputStream in(InputStream in, LongConsumer counter) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    counter.accept(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    counter.accept(n);
                }
                return n;
            }
        };
    }

    static OutputStream out(OutputStream out, LongConsumer counter) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                counter.accept(1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                counter.accept(len);
            }
        };
    }
}
