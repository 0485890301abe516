package io.peerlink.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A server socket on 127.0.0.1 (an ephemeral port) that runs a handler per accepted connection on
 * its own thread, and the matching client-side {@link #connect()}. Every socket it opens or accepts
 * has TCP_NODELAY and a read timeout, and is closed by {@link #close()} at the latest.
 */
final class LoopbackServer implements AutoCloseable {

    static final InetAddress LOOPBACK = loopback();
    static final int IO_TIMEOUT_MILLIS = 20_000;

    /** Serves one accepted connection; the socket is closed after it returns. */
    @FunctionalInterface
    interface Handler {
        void handle(Socket socket) throws Exception;
    }

    private final String name;
    private final ServerSocket serverSocket;
    private final Handler handler;
    private final boolean virtualHandlers;
    private final Thread acceptor;
    private final Set<Thread> handlers = ConcurrentHashMap.newKeySet();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    LoopbackServer(String name, Handler handler) throws IOException {
        this(name, Threads.VIRTUAL, handler);
    }

    /** With {@code virtualHandlers} false, each connection's handler runs on a platform thread. */
    LoopbackServer(String name, boolean virtualHandlers, Handler handler) throws IOException {
        this.name = name;
        this.virtualHandlers = virtualHandlers;
        this.handler = handler;
        this.serverSocket = new ServerSocket(0, 512, LOOPBACK);
        this.acceptor = Threads.start(name + "-accept", this::acceptLoop, new AtomicReference<>());
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
                configure(socket);
            } catch (IOException e) {
                if (!serverSocket.isClosed()) {
                    failure.compareAndSet(null, e);
                }
                return;
            }
            sockets.add(socket);
            Thread connection = Threads.start(name + "-conn", virtualHandlers, () -> {
                try (socket) {
                    handler.handle(socket);
                } finally {
                    sockets.remove(socket);
                }
            }, failure);
            handlers.add(connection);
            handlers.removeIf(t -> !t.isAlive());
        }
    }

    /** A new connection to this server. */
    Socket connect() throws IOException {
        Socket socket = new Socket();
        try {
            configure(socket);
            socket.connect(new InetSocketAddress(LOOPBACK, serverSocket.getLocalPort()), IO_TIMEOUT_MILLIS);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** The first error a handler threw, if any. */
    Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        try {
            Threads.join(acceptor, 5_000);
            for (Thread handler : handlers) {
                if (!Threads.join(handler, 5_000)) {
                    // A handler still blocked after its peer went away: close its socket under it.
                    closeSockets();
                    Threads.join(handler, 5_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeSockets();
        }
    }

    private void closeSockets() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private static void configure(Socket socket) throws SocketException {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(IO_TIMEOUT_MILLIS);
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
