package io.peerlink.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP port in the test JVM's (root) namespace whose connections come out inside a network
 * namespace: each accepted connection is piped through its own
 * {@code ip netns exec <ns> socat STDIO TCP:<host>:<port>}. So {@link Http} and {@link SseClient}
 * reach a peer's API in a {@link NatLab} namespace unchanged, without any interface or route in the
 * root namespace. The JDK cannot enter another namespace from one thread (setns is per thread and
 * not exposed), hence the process per connection; HTTP/1.1 keeps connections, so there are few.
 *
 * <p>Owns its server socket, the accepted sockets and their socat processes; {@link #close} ends
 * them all (the processes by their ids). Thread-safe.
 */
public final class NamespaceForwarder implements AutoCloseable {

    private final ServerSocket server;
    private final List<String> command;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Process> processes = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private NamespaceForwarder(ServerSocket server, List<String> command) {
        this.server = server;
        this.command = command;
    }

    /** Listens on {@code listenHost} (a free port) and forwards to {@code targetHost:targetPort} inside {@code namespace}. */
    public static NamespaceForwarder start(String listenHost, String namespace, String targetHost, int targetPort)
            throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(listenHost), 0), 50);
        NamespaceForwarder f = new NamespaceForwarder(server,
                List.of("ip", "netns", "exec", namespace, "socat", "STDIO", "TCP:" + targetHost + ":" + targetPort));
        Thread.ofPlatform().daemon().name("forward-" + namespace + "-" + server.getLocalPort()).start(f::acceptLoop);
        return f;
    }

    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            sockets.add(socket);
            try {
                Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                processes.add(p);
                Thread.ofVirtual().start(() -> pump(socket, p));
            } catch (IOException e) {
                closeQuietly(socket);
                sockets.remove(socket);
            }
        }
    }

    /** Copies both ways until both are done, then releases the socket and the process (in this one place). */
    private void pump(Socket socket, Process p) {
        Thread in = Thread.ofVirtual().start(() -> {
            // client to the namespace; its end closes socat's input (socat then half-closes the TCP side)
            try (OutputStream to = p.getOutputStream()) {
                copy(socket.getInputStream(), to);
            } catch (IOException e) {
                // the client or the process went away
            }
        });
        try (InputStream from = p.getInputStream()) {
            copy(from, socket.getOutputStream());
            socket.shutdownOutput();
        } catch (IOException e) {
            // the client went away
        } finally {
            closeQuietly(socket);
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                in.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
            sockets.remove(socket);
            processes.remove(p);
        }
    }

    private static void copy(InputStream from, OutputStream to) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = from.read(buffer)) >= 0) {
            to.write(buffer, 0, n);
            to.flush();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing
        }
    }

    /** Stops accepting and ends every forwarded connection and its process. Never throws. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        sockets.forEach(NamespaceForwarder::closeQuietly);
        for (Process p : processes) {
            p.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return host() + ":" + port() + " -> " + String.join(" ", command);
    }
}
