package io.peerlink.e2e;

import io.peerlink.support.Http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17's "the control API belongs to the user, not to web pages", against the packaged jar:
 * <ul>
 *   <li>DNS rebinding: a request whose {@code Host} is the attacker's name (what a browser sends once
 *       that name resolves to this machine) is answered 421 wherever it goes, before anything runs;
 *       loopback literals and {@code localhost} work; a page of another origin cannot change anything
 *       (403), while the page's own origin can. local-a (first host, no token, API on its own loopback
 *       address) and local-b (second host), the peer local-a would be made to dial.
 *   <li>Where the API listens: with defaults on 127.0.0.1 only (read from the kernel's socket table);
 *       on 0.0.0.0 without a token the peer does not start and says how to set one; with
 *       {@code PEERLINK_API_TOKEN=generate} it writes an owner-only token file, names it in the log
 *       (never the token) and asks for that token. These peers use the third host for their peer port
 *       and a free port of 127.0.0.1 (or 0.0.0.0) for the API.
 * </ul>
 * Requests go through a plain socket, so that {@code Host} and {@code Origin} are exactly what a
 * browser would send. Logs: {@code target/e2e/local-*.log}.
 */
@Tag("e2e")
class LocalApiE2ETest {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    static Path dataDirs;

    private static PeerProcess a;
    private static PeerProcess b;
    private static final List<PeerProcess> others = new ArrayList<>();

    @BeforeAll
    static void startPeers() throws IOException {
        assertThat(E2e.jar()).as("the packaged jar (run ./mvnw -B verify, which packages first)").isRegularFile();
        for (String host : List.of(E2e.hostA(), E2e.hostB())) {
            E2e.requireFree(host, E2e.PEER_PORT);
            E2e.requireFree(host, E2e.API_PORT);
        }
        E2e.requireFree(E2e.hostC(), E2e.PEER_PORT);
        a = new PeerProcess("local-a", E2e.hostA(), dataDirs.resolve("a"), null);
        b = new PeerProcess("local-b", E2e.hostB(), dataDirs.resolve("b"), null);
        a.deleteLog();
        b.deleteLog();
        a.start();
        b.start();
        a.awaitHealthy();
        b.awaitHealthy();
    }

    @AfterAll
    static void killPeers() {
        Stream.concat(Stream.of(a, b), others.stream()).filter(p -> p != null).forEach(PeerProcess::kill);
    }

    // ---- DNS rebinding and cross-origin requests --------------------------------------------------

    @Test
    void aRequestForAnotherHostIsMisdirectedWhereverItGoes() throws IOException {
        for (String path : List.of("/api/identity", "/api/peers", "/api/messages?after=0", "/api/events",
                "/actuator/health", "/actuator/prometheus", "/actuator/metrics", "/v3/api-docs",
                "/swagger-ui/index.html", "/", "/index.html", "/app/api.js")) {
            for (String host : List.of("attacker.example", "attacker.example:" + E2e.API_PORT)) {
                Response r = exchange(a, "GET", path, host, null, "Accept: text/html,application/json");
                assertMisdirected(r, "GET " + path + " for " + host);
            }
        }
        // the example: the page's own name as Host and Origin, telling the peer to dial
        int peersBefore = a.json("GET", "/api/peers", null, 200).size();
        Response dial = exchange(a, "POST", "/api/peers", "evil.example", "{\"host\":\"" + E2e.hostB() + "\",\"port\":"
                + E2e.PEER_PORT + "}", "Origin: http://evil.example");
        assertMisdirected(dial, "POST /api/peers for evil.example");
        assertThat(a.json("GET", "/api/peers", null, 200).size()).as("peers after the refused dial")
                .isEqualTo(peersBefore);
    }

    @Test
    void loopbackLiteralsAndLocalhostAreAnswered() throws IOException {
        String port = Integer.toString(E2e.API_PORT);
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, E2e.hostA() + ":" + port, "[::1]:" + port)) {
            Response identity = exchange(a, "GET", "/api/identity", host, null);
            assertThat(identity.status()).as("GET /api/identity for %s: %s", host, identity).isEqualTo(200);
            assertThat(Http.parse(identity.body()).get("peerId").asString()).isEqualTo(a.peerId());
            Response page = exchange(a, "GET", "/", host, null, "Accept: text/html");
            assertThat(page.status()).as("GET / for %s", host).isEqualTo(200);
            assertThat(page.body()).contains("<html");
            assertThat(exchange(a, "GET", "/actuator/health", host, null).status()).isEqualTo(200);
            assertThat(exchange(a, "GET", "/v3/api-docs", host, null).status()).isEqualTo(200);
        }
    }

    @Test
    void aPageOfAnotherOriginCannotChangeAnythingButThePagesOwnOriginCan() throws IOException {
        String self = E2e.hostA() + ":" + E2e.API_PORT;
        String dialB = "{\"host\":\"" + E2e.hostB() + "\",\"port\":" + E2e.PEER_PORT + "}";
        for (String origin : List.of("http://evil.example", "http://" + E2e.hostB() + ":" + E2e.API_PORT,
                "http://localhost:" + E2e.API_PORT, "https://" + self, "null")) {
            Response r = exchange(a, "POST", "/api/peers", self, dialB, "Origin: " + origin);
            assertThat(r.status()).as("POST /api/peers from %s: %s", origin, r).isEqualTo(403);
            assertThat(r.header("content-type")).startsWith("application/problem+json");
            JsonNode problem = Http.parse(r.body());
            assertThat(problem.get("status").asInt()).isEqualTo(403);
            assertThat(problem.get("code").asString()).isEqualTo("cross-origin");
            assertThat(problem.get("title").asString()).isEqualTo("Cross-origin request refused");
            assertThat(problem.get("detail").asString()).contains("another origin");
        }
        assertThat(a.json("GET", "/api/peers", null, 200).size()).as("peers after refused dials").isZero();
        assertThat(b.json("GET", "/api/peers", null, 200).size()).as("B was never dialled").isZero();

        // the same request from the page's own origin (what the chat page sends) is carried out
        Response own = exchange(a, "POST", "/api/peers", self, dialB, "Origin: http://" + self);
        assertThat(own.status()).as("POST /api/peers from the page's own origin: %s", own).isEqualTo(201);
        assertThat(Http.parse(own.body()).get("peerId").asString()).isEqualTo(b.peerId());
    }

    private static void assertMisdirected(Response r, String what) {
        assertThat(r.status()).as("%s: %s", what, r).isEqualTo(421);
        assertThat(r.header("content-type")).as(what).startsWith("application/problem+json");
        JsonNode problem = Http.parse(r.body());
        assertThat(problem.get("status").asInt()).isEqualTo(421);
        assertThat(problem.get("title").asString()).isEqualTo("Misdirected request");
        assertThat(problem.get("code").asString()).isEqualTo("misdirected-request");
        assertThat(problem.get("detail").asString()).contains("peerlink.api.allowed-hosts");
        assertThat(r.body()).doesNotContain("attacker", "evil");
    }

    // ---- where the API listens ----------------------------------------------------------------------

    @Test
    void withDefaultsTheApiListensOnLoopbackOnly() throws IOException {
        int port = freePort();
        PeerProcess peer = bindingPeer("local-defaults").env("SERVER_ADDRESS", null)
                .env("SERVER_PORT", Integer.toString(port)).api("127.0.0.1", port);
        peer.start();
        peer.awaitHealthy();
        try {
            List<InetAddress> listening = listeningAddresses(port);
            assertThat(listening).as("sockets listening on port %d", port).isNotEmpty()
                    .allSatisfy(address -> assertThat(address.isLoopbackAddress()).as(address.toString()).isTrue())
                    .noneMatch(InetAddress::isAnyLocalAddress);
            // another loopback address and every other address of this machine: nobody answers there
            List<InetAddress> elsewhere = new ArrayList<>(List.of(InetAddress.getByName(E2e.hostC())));
            elsewhere.addAll(nonLoopbackAddresses());
            for (InetAddress address : elsewhere) {
                assertThatThrownBy(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(address, port), 2_000);
                    }
                }).as("a connection to %s:%d", address, port).isInstanceOf(ConnectException.class);
            }
            assertThat(peer.json("GET", "/api/identity", null, 200).get("peerId").asString()).hasSize(64);
        } finally {
            peer.stop();
        }
    }

    @Test
    void beyondLoopbackWithoutATokenThePeerRefusesToStartAndSaysHowToSetOne() throws Exception {
        int port = freePort();
        PeerProcess peer = bindingPeer("local-exposed").env("SERVER_ADDRESS", "0.0.0.0")
                .env("SERVER_PORT", Integer.toString(port));
        peer.start();
        assertThat(peer.process().waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("the peer exits by itself\n%s", peer.logTail()).isTrue();
        assertThat(peer.process().exitValue()).isNotZero();
        assertThat(Files.readString(peer.log()))
                .contains("APPLICATION FAILED TO START")
                .contains("The HTTP API would listen on 0.0.0.0:" + port + " (every network interface), beyond "
                        + "loopback, without an API token")
                .contains("Set an API token of at least 32 characters: PEERLINK_API_TOKEN=<token>")
                .contains("PEERLINK_API_TOKEN=generate writes it to <data-dir>/api-token (mode 0600)")
                .contains("SERVER_ADDRESS=127.0.0.1")
                .doesNotContain("Tomcat started");
        assertThat(peer.dataDir.resolve("api-token")).doesNotExist();
    }

    @Test
    void beyondLoopbackAGeneratedTokenIsWrittenOwnerOnlyNamedInTheLogAndNeeded() throws IOException {
        int port = freePort();
        PeerProcess peer = bindingPeer("local-generated").env("SERVER_ADDRESS", "0.0.0.0")
                .env("SERVER_PORT", Integer.toString(port)).env("PEERLINK_API_TOKEN", "generate")
                .api("127.0.0.1", port);
        peer.start();
        peer.awaitHealthy();   // health answers UP without the token
        try {
            assertThat(listeningAddresses(port)).as("it really listens beyond loopback")
                    .anyMatch(InetAddress::isAnyLocalAddress);
            Path file = peer.dataDir.toAbsolutePath().resolve("api-token");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            String token = Files.readString(file).strip();
            assertThat(token).hasSizeGreaterThanOrEqualTo(32);
            String log = Files.readString(peer.log());
            assertThat(log).contains("API token generated and stored in " + file).doesNotContain(token);

            assertThat(peer.json("GET", "/api/identity", null, 401).get("detail").asString())
                    .contains("Authorization: Bearer");
            JsonNode anonymousHealth = peer.json("GET", "/actuator/health", null, 200);
            assertThat(anonymousHealth.get("status").asString()).isEqualTo("UP");
            assertThat(anonymousHealth.has("components")).as("anonymous health: %s", anonymousHealth).isFalse();
            assertThat(peer.json("GET", "/actuator/metrics", null, 401).get("status").asInt()).isEqualTo(401);

            peer.bearer(token);
            assertThat(peer.json("GET", "/api/identity", null, 200).get("peerId").asString()).hasSize(64);
            assertThat(peer.json("GET", "/actuator/health", null, 200).at("/components/peers/details/listening")
                    .asBoolean()).isTrue();
            // on every interface, a name is still refused, whatever the token
            Response misdirected = exchange("127.0.0.1", port, "GET", "/api/identity", "attacker.example:" + port,
                    null, "Authorization: Bearer " + token);
            assertThat(misdirected.status()).as(misdirected.toString()).isEqualTo(421);
        } finally {
            peer.stop();
        }
        assertThat(Files.readString(peer.log())).as("the log, also after shutdown").doesNotContain(
                Files.readString(peer.dataDir.resolve("api-token")).strip());
    }

    /** A peer of the binding tests: peer port on the third host, data of its own, nothing else set yet. */
    private static PeerProcess bindingPeer(String name) throws IOException {
        PeerProcess peer = new PeerProcess(name, E2e.hostC(), dataDirs.resolve(name), null);
        peer.deleteLog();
        others.add(peer);
        return peer;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The local addresses of every listening TCP socket on {@code port}, from /proc/net/tcp and tcp6. */
    private static List<InetAddress> listeningAddresses(int port) throws IOException {
        List<InetAddress> found = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.strip().split("\\s+");
                String[] local = fields[1].split(":");
                boolean listen = fields[3].equals("0A");
                if (listen && Integer.parseInt(local[1], 16) == port) {
                    found.add(InetAddress.getByAddress(kernelOrder(HexFormat.of().parseHex(local[0]))));
                }
            }
        }
        return found;
    }

    /** /proc/net/tcp* print each 32-bit word of an address in host (little-endian) order. */
    private static byte[] kernelOrder(byte[] words) {
        byte[] address = new byte[words.length];
        for (int i = 0; i < words.length; i += 4) {
            for (int j = 0; j < 4; j++) {
                address[i + j] = words[i + 3 - j];
            }
        }
        return address;
    }

    /** This machine's addresses that are not loopback (and not IPv6 link-local, which need a scope). */
    private static List<InetAddress> nonLoopbackAddresses() throws IOException {
        return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                .filter(address -> !address.isLoopbackAddress() && !address.isLinkLocalAddress()
                        && !(address instanceof Inet6Address i6 && i6.getScopeId() != 0))
                .toList();
    }

    // ---- HTTP/1.1 over a socket, headers exactly as given -------------------------------------------

    record Response(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }

        @Override
        public String toString() {
            return status + " " + Http.abbreviate(body);
        }
    }

    private static Response exchange(PeerProcess peer, String method, String path, String host, String jsonBody,
            String... headers) throws IOException {
        return exchange(peer.host, E2e.API_PORT, method, path, host, jsonBody, headers);
    }

    private static Response exchange(String connectHost, int port, String method, String path, String host,
            String jsonBody, String... headers) throws IOException {
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
        if (jsonBody != null) {
            request.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(connectHost, port), 10_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            return read(socket.getInputStream());
        }
    }

    private static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP/1.1 response: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line(in).strip(), 16); size > 0; size = Integer.parseInt(line(in).strip(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else {
            in.transferTo(body);
        }
        return new Response(Integer.parseInt(statusLine.substring(9, 12)), headers, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                int end = b.length();
                return end > 0 && b.charAt(end - 1) == '\r' ? b.substring(0, end - 1) : b.toString();
            }
            b.append((char) c);
        }
        return b.isEmpty() ? null : b.toString();
    }
}
