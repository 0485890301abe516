package io.peerlink.bench;

import io.peerlink.handshake.HandshakeDriver;
import io.peerlink.handshake.Session;
import io.peerlink.identity.Identity;
import io.peerlink.wire.Frame;
import io.peerlink.wire.Limits;
import io.peerlink.wire.RecordReader;
import io.peerlink.wire.RecordWriter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The load side of the scale bench, in a JVM of its own so that the peer under test's JVM holds
 * only the peer: many light clients, each a distinct identity speaking the real protocol through
 * the production classes ({@link HandshakeDriver#client}, {@link RecordReader}, {@link RecordWriter}),
 * without a store, a directory or a send queue of their own (a thousand {@code PeerConnectionService}s
 * would need a thousand SQLite stores, pools and writer threads, and would load this 2-core machine
 * more than the peer under test). Each client answers nothing but sends KEEP_ALIVE when idle, so the
 * peer keeps it; during a load window each keeps {@code window} MESSAGE frames unacknowledged and
 * sends the next one on every ACK (closed loop, durable on the peer: it ACKs after its commit).
 *
 * <p>Driven over stdin/stdout by {@link ScaleRun}, one command per line:
 * {@code CONNECT <from> <to>} (clients with those key indices; answers {@code CONNECTED <open>
 * <failed> <millis> <redials> [<last error>]}), {@code LOAD <window> <warmupMs> <measureMs>} (answers {@code RATE <msg/s>
 * <acked> <sent>}), {@code OPEN} (answers {@code OPEN <n>}), {@code QUIT}.
 *
 * <p>Arguments: peer host, peer port, key file, comma list of source addresses, connect concurrency,
 * keep-alive interval in ms, message size in bytes, number of keys to load.
 */
public final class ScaleClients {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int BUFFER = 4096;
    private static final int ATTEMPTS = 5;
    private static final int REDIAL_ROUNDS = 3;

    private final String host;
    private final int port;
    private final List<KeyPair> keys;
    private final String[] sources;
    private final int concurrency;
    private final long keepAliveNanos;
    private final String text;
    private final SecureRandom random = new SecureRandom();
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean loading;

    private ScaleClients(String host, int port, List<KeyPair> keys, String[] sources, int concurrency,
            long keepAliveMillis, int messageBytes) {
        this.host = host;
        this.port = port;
        this.keys = keys;
        this.sources = sources;
        this.concurrency = concurrency;
        this.keepAliveNanos = keepAliveMillis * 1_000_000L;
        this.text = "x".repeat(messageBytes);
    }

    public static void main(String[] args) throws Exception {
        List<KeyPair> keys = BenchKeys.read(Path.of(args[2]), Integer.parseInt(args[7]));
        ScaleClients load = new ScaleClients(args[0], Integer.parseInt(args[1]), keys, args[3].split(","),
                Integer.parseInt(args[4]), Long.parseLong(args[5]), Integer.parseInt(args[6]));
        Thread.ofPlatform().daemon().name("keep-alive").start(load::keepAliveLoop);
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY " + keys.size());
        System.out.flush();
        String line;
        while ((line = commands.readLine()) != null) {
            String[] c = line.trim().split(" ");
            String answer = switch (c[0]) {
                case "CONNECT" -> load.connect(Integer.parseInt(c[1]), Integer.parseInt(c[2]));
                case "LOAD" -> load.load(Integer.parseInt(c[1]), Long.parseLong(c[2]), Long.parseLong(c[3]));
                case "OPEN" -> "OPEN " + load.open();
                case "QUIT" -> null;
                default -> "ERROR unknown command " + c[0];
            };
            if (answer == null) {
                break;
            }
            System.out.println(answer);
            System.out.flush();
        }
        load.clients.forEach(Client::closeQuietly);
        System.exit(0);
    }

    /**
     * Connects the clients with key indices [from, to), {@code concurrency} at a time. A client whose
     * handshake failed is dialled again (up to {@value #ATTEMPTS} attempts); so is, in up to
     * {@value #REDIAL_ROUNDS} more rounds, one that completed its side of the handshake and was then
     * closed by the peer (a peer that gave up on the handshake just as the client finished it, e.g. its
     * handshake time-out on a loaded machine): counted as re-dials in the answer, so that the bench
     * says how many it took instead of hiding them.
     */
    private String connect(int from, int to) throws InterruptedException {
        long start = System.nanoTime();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> lastError = new AtomicReference<>("");
        List<Integer> wanted = new ArrayList<>();
        for (int i = from; i < to; i++) {
            wanted.add(i);
        }
        dial(wanted, failed, lastError);
        int redials = 0;
        for (int round = 0; round < REDIAL_ROUNDS; round++) {
            // a CLOSE right after the handshake arrives within milliseconds; give it a moment
            Thread.sleep(500);
            List<Integer> closed = new ArrayList<>();
            for (Client c : clients) {
                if (!c.open && c.index >= from && c.index < to) {
                    clients.remove(c);
                    closed.add(c.index);
                }
            }
            if (closed.isEmpty()) {
                break;
            }
            redials += closed.size();
            dial(closed, failed, lastError);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return "CONNECTED " + open() + " " + failed.get() + " " + millis + " " + redials
                + (failed.get() > 0 ? " " + lastError.get().replace(' ', '_') : "");
    }

    /** Dials the clients with these key indices, {@code concurrency} at a time, each up to {@value #ATTEMPTS} times. */
    private void dial(List<Integer> indices, AtomicInteger failed, AtomicReference<String> lastError)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Thread> dialers = new ArrayList<>();
        for (int d = 0; d < concurrency; d++) {
            dialers.add(Thread.ofVirtual().name("dialer-" + d).start(() -> {
                int n;
                while ((n = next.getAndIncrement()) < indices.size()) {
                    int i = indices.get(n);
                    boolean done = false;
                    for (int attempt = 1; attempt <= ATTEMPTS && !done; attempt++) {
                        try {
                            clients.add(new Client(i, sources[i % sources.length]));
                            done = true;
                        } catch (Exception e) {
                            lastError.set(e.toString());
                            sleep(100L * attempt);
                        }
                    }
                    if (!done) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : dialers) {
            t.join();
        }
    }

    private String load(int window, long warmupMillis, long measureMillis) throws InterruptedException {
        loading = true;
        for (Client c : clients) {
            for (int w = 0; w < window; w++) {
                c.sendMessage();
            }
        }
        Thread.sleep(warmupMillis);
        long a0 = acked.get();
        long t0 = System.nanoTime();
        Thread.sleep(measureMillis);
        long a1 = acked.get();
        long t1 = System.nanoTime();
        loading = false;
        // let what is in flight be acknowledged before the next command (bounded)
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (acked.get() < sent.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return String.format(Locale.ROOT, "RATE %.1f %d %d", (a1 - a0) * 1e9 / (t1 - t0), acked.get(), sent.get());
    }

    private int open() {
        return (int) clients.stream().filter(c -> c.open).count();
    }

    private void keepAliveLoop() {
        while (true) {
            sleep(Math.max(1, keepAliveNanos / 4_000_000));
            long now = System.nanoTime();
            for (Client c : clients) {
                if (c.open && now - c.lastWrite > keepAliveNanos) {
                    c.write(new Frame.KeepAlive());
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One client connection: the handshake on the dialling thread, then a receive loop on a virtual thread. */
    private final class Client {
        final int index;
        private final Socket socket;
        private final RecordReader reader;
        private final RecordWriter writer;
        volatile boolean open = true;
        volatile long lastWrite = System.nanoTime();

        Client(int index, String source) throws Exception {
            this.index = index;
            socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.bind(new InetSocketAddress(source, 0));
                socket.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
                var in = new BufferedInputStream(socket.getInputStream(), BUFFER);
                var out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
                Session session = HandshakeDriver.client(socket, in, out, new Identity(keys.get(index)), random,
                        TIMEOUT, peer -> true);
                reader = new RecordReader(in, session.receiveCipher(), Limits.DEFAULTS);
                writer = new RecordWriter(out, session.sendCipher(), Limits.DEFAULTS);
            } catch (Exception e) {
                socket.close();
                throw e;
            }
            Thread.ofVirtual().name("client-recv-" + index).start(this::receiveLoop);
        }

        private void receiveLoop() {
            try {
                while (true) {
                    Frame f = reader.read();
                    if (f == null || f instanceof Frame.Close) {
                        break;
                    }
                    if (f instanceof Frame.Ack) {
                        acked.incrementAndGet();
                        if (loading) {
                            sendMessage();
                        }
                    }
                }
            } catch (Exception e) {
                // the connection ended: counted by open()
            } finally {
                open = false;
                closeQuietly();
            }
        }

        void sendMessage() {
            if (write(new Frame.Message(UUID.randomUUID(), System.currentTimeMillis(), text))) {
                sent.incrementAndGet();
            }
        }

        /** RecordWriter is not thread-safe: the receive loop and the keep-alive thread both write. */
        synchronized boolean write(Frame frame) {
            if (!open) {
                return false;
            }
            try {
                writer.write(frame);
                lastWrite = System.nanoTime();
                return true;
            } catch (IOException | RuntimeException e) {
                open = false;
                closeQuietly();
                return false;
            }
        }

        void closeQuietly() {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
