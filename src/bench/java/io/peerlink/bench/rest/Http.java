package io.peerlink.bench.rest;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The load tool's HTTP/1.1 client, in two interchangeable kinds:
 *
 * <ul>
 *   <li>{@code raw} (default): a minimal keep-alive HTTP/1.1 client over a blocking socket, one
 *       connection per calling thread at a time from a small pool. On the 2-core machine, where the
 *       tool shares the cores with both peers, it took about half the CPU per message of the JDK
 *       client (with 8 senders: 0.43 cores at 3,360 msg/s against 0.59 cores at 2,730 msg/s,
 *       receiver included), which leaves the CPU to the product being measured.</li>
 *   <li>{@code jdk}: {@link java.net.http.HttpClient} (HTTP/1.1, virtual-thread executor), which
 *       hands every exchange between its selector thread and the executor.</li>
 * </ul>
 *
 * Both send the same requests (same headers that matter, same bodies) to the same peer endpoints.
 */
abstract class Http implements AutoCloseable {

    /** Status and body of one response. */
    record Response(int status, String body) {
    }

    static Http create(String kind, URI base, Duration timeout) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "raw" -> new Raw(base, timeout);
            case "jdk" -> new Jdk(base, timeout);
            default -> throw new IllegalArgumentException("bench.rest.client: raw or jdk, not " + kind);
        };
    }

    abstract String kind();

    abstract Response post(String path, String json) throws IOException, InterruptedException;

    abstract Response get(String path) throws IOException, InterruptedException;

    @Override
    public abstract void close();

    // ---- java.net.http ------------------------------------------------------------------------------

    static final class Jdk extends Http {
        private final URI base;
        private final Duration timeout;
        private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        private final HttpClient client;

        Jdk(URI base, Duration timeout) {
            this.base = base;
            this.timeout = timeout;
            this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).executor(executor).build();
        }

        @Override
        String kind() {
            return "java.net.http.HttpClient";
        }

        @Override
        Response post(String path, String json) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        }

        @Override
        Response get(String path) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                    .header("Accept", "application/json").GET().build();
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        }

        @Override
        public void close() {
            client.shutdownNow();
            executor.shutdownNow();
        }
    }

    // ---- a minimal HTTP/1.1 client ------------------------------------------------------------------

    static final class Raw extends Http {
        private static final int MAX_IDLE = 256;
        private static final int MAX_HEADER_BYTES = 16 * 1024;
        private static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

        private final InetSocketAddress address;
        private final String hostHeader;
        private final int timeoutMillis;
        private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
        private volatile boolean closed;

        Raw(URI base, Duration timeout) {
            this.address = new InetSocketAddress(base.getHost(), base.getPort());
            this.hostHeader = base.getHost() + ":" + base.getPort();
            this.timeoutMillis = (int) timeout.toMillis();
        }

        @Override
        String kind() {
            return "minimal HTTP/1.1 keep-alive client over sockets";
        }

        @Override
        Response post(String path, String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + hostHeader
                    + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: " + body.length
                    + "\r\n\r\n";
            return exchange(head, body);
        }

        @Override
        Response get(String path) throws IOException {
            return exchange("GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nAccept: application/json\r\n\r\n",
                    null);
        }

        private Response exchange(String head, byte[] body) throws IOException {
            Connection c = idle.poll();
            if (c == null) {
                c = new Connection();
            }
            boolean reusable = false;
            try {
                c.write(head, body);
                Response r = c.read();
                reusable = c.keepAlive;
                return r;
            } finally {
                if (reusable && !closed && idle.size() < MAX_IDLE) {
                    idle.add(c);
                } else {
                    c.close();
                }
            }
        }

        @Override
        public void close() {
            closed = true;
            Connection c;
            while ((c = idle.poll()) != null) {
                c.close();
            }
        }

        /** One keep-alive connection; used by one thread at a time. */
        private final class Connection {
            private final Socket socket;
            private final OutputStream out;
            private final InputStream in;
            private final byte[] line = new byte[MAX_HEADER_BYTES];
            boolean keepAlive;

            Connection() throws IOException {
                socket = new Socket();
                try {
                    socket.connect(address, 5_000);
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(timeoutMillis);
                    out = socket.getOutputStream();
                    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
                } catch (IOException e) {
                    socket.close();
                    throw e;
                }
            }

            void write(String head, byte[] body) throws IOException {
                byte[] h = head.getBytes(StandardCharsets.US_ASCII);
                if (body == null) {
                    out.write(h);
                } else {
                    byte[] all = new byte[h.length + body.length];
                    System.arraycopy(h, 0, all, 0, h.length);
                    System.arraycopy(body, 0, all, h.length, body.length);
                    out.write(all); // one segment: head and body together
                }
                out.flush();
            }

            Response read() throws IOException {
                String status = readLine();
                // "HTTP/1.1 202 " (Tomcat sends no reason phrase)
                if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                    throw new IOException("not an HTTP/1.1 status line: " + status);
                }
                int code = Integer.parseInt(status.substring(9, 12));
                long length = -1;
                boolean chunked = false;
                keepAlive = true;
                while (true) {
                    String header = readLine();
                    if (header.isEmpty()) {
                        break;
                    }
                    int colon = header.indexOf(':');
                    if (colon <= 0) {
                        continue;
                    }
                    String name = header.substring(0, colon).trim();
                    String value = header.substring(colon + 1).trim();
                    if (name.equalsIgnoreCase("Content-Length")) {
                        length = Long.parseLong(value);
                    } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    } else if (name.equalsIgnoreCase("Connection")) {
                        keepAlive = !value.equalsIgnoreCase("close");
                    }
                }
                String body;
                if (chunked) {
                    ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
                    while (true) {
                        String sizeLine = readLine();
                        int semicolon = sizeLine.indexOf(';');
                        int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(),
                                16);
                        if (size == 0) {
                            while (!readLine().isEmpty()) {
                                // trailers
                            }
                            break;
                        }
                        if (buffer.size() + size > MAX_BODY_BYTES) {
                            throw new IOException("response body too large");
                        }
                        buffer.write(in.readNBytes(size));
                        readLine(); // CRLF after the chunk
                    }
                    body = buffer.toString(StandardCharsets.UTF_8);
                } else if (length >= 0) {
                    if (length > MAX_BODY_BYTES) {
                        throw new IOException("response body too large");
                    }
                    byte[] bytes = in.readNBytes((int) length);
                    if (bytes.length < length) {
                        throw new EOFException("response body cut short");
                    }
                    body = new String(bytes, StandardCharsets.UTF_8);
                } else if (code == 204 || code == 304 || code / 100 == 1) {
                    body = "";
                } else {
                    // no length: the body runs to the end of the connection
                    body = new String(in.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
                    keepAlive = false;
                }
                return new Response(code, body);
            }

            private String readLine() throws IOException {
                int n = 0;
                while (true) {
                    int b = in.read();
                    if (b < 0) {
                        throw new EOFException("connection closed by the server");
                    }
                    if (b == '\n') {
                        int end = n > 0 && line[n - 1] == '\r' ? n - 1 : n;
                        return new String(line, 0, end, StandardCharsets.ISO_8859_1);
                    }
                    if (n == line.length) {
                        throw new IOException("header line too long");
                    }
                    line[n++] = (byte) b;
                }
            }

            void close() {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closed
                }
            }
        }
    }
}
