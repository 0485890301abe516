package io.peerlink.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder from a listening address to a target, byte for byte, that can cut every open
 * connection (a TCP reset on both sides) at a fixed interval for a while: a flaky network between two
 * peers. New connections are accepted and forwarded all the time, also while cutting.
 *
 * <p>Thread-safe.
 */
final class CuttingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Pair> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService cutter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "proxy-cutter");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger cutConnections = new AtomicInteger();
    private final AtomicInteger cutRounds = new AtomicInteger();
    private final Thread acceptor;

    CuttingProxy(String listenHost, int listenPort, String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getByName(targetHost), targetPort);
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(listenHost), listenPort), 50);
        this.acceptor = Thread.ofPlatform().daemon().name("proxy-accept").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;   // closed
            }
            accepted.incrementAndGet();
            Thread.ofVirtual().start(() -> forward(client));
        }
    }

    private void forward(Socket client) {
        Socket upstream = new Socket();
        Pair pair = new Pair(client, upstream);
        open.add(pair);
        try {
            upstream.connect(target, 5000);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            Thread.ofVirtual().start(() -> pump(upstream, client, pair));
            pump(client, upstream, pair);
        } catch (IOException e) {
            pair.reset();
        }
    }

    private static void pump(Socket from, Socket to, Pair pair) {
        byte[] buffer = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            // an orderly close on one side is passed on as one
            to.shutdownOutput();
            pair.halfClosed();
        } catch (IOException e) {
            pair.reset();
        }
    }

    /**
     * From now on, every {@code interval} for {@code duration}, resets every open connection; returns
     * at once. Afterwards the proxy only forwards.
     */
    void startCutting(Duration interval, Duration duration) {
        ScheduledFuture<?> cuts = cutter.scheduleAtFixedRate(this::cutAll, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        cutter.schedule(() -> cuts.cancel(false), duration.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cutAll() {
        cutRounds.incrementAndGet();
        for (Pair pair : open) {
            if (pair.reset()) {
                cutConnections.incrementAndGet();
            }
        }
    }

    int accepted() {
        return accepted.get();
    }

    /** Connections reset by cutting. */
    int cutConnections() {
        return cutConnections.get();
    }

    int cutRounds() {
        return cutRounds.get();
    }

    @Override
    public void close() throws IOException {
        cutter.shutdownNow();
        server.close();
        open.forEach(Pair::reset);
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "proxy " + server.getLocalSocketAddress() + " -> " + target + " (" + accepted() + " accepted, "
                + cutConnections() + " cut in " + cutRounds() + " rounds)";
    }

    /** Both sockets of one forwarded connection; reset at most once. */
    private final class Pair {

        private final Socket client;
        private final Socket upstream;
        private boolean closed;
        private int halfClosed;

        Pair(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        /** One direction ended in order; when both have, the connection is closed normally. */
        synchronized void halfClosed() {
            if (++halfClosed == 2 && !closed) {
                closed = true;
                open.remove(this);
                for (Socket s : new Socket[] {client, upstream}) {
                    try {
                        s.close();
                    } catch (IOException e) {
                        // already gone
                    }
                }
            }
        }

        /** Resets both sides (SO_LINGER 0: RST, not FIN); true if this call closed them. */
        synchronized boolean reset() {
            if (closed) {
                return false;
            }
            closed = true;
            open.remove(this);
            for (Socket s : new Socket[] {client, upstream}) {
                try {
                    if (!s.isClosed()) {
                        s.setSoLinger(true, 0);
                    }
                } catch (IOException e) {
                    // not connected yet: closing is enough
                }
                try {
                    s.close();
                } catch (IOException e) {
                    // already gone
                }
            }
            return true;
        }
    }
}
