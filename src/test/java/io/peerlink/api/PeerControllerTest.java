package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.peerlink.messaging.PeerConnectionService;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** {@code /api/peers} over MockMvc, with a real peer service dialling real loopback sockets. */
@WebMvcTest(PeerController.class)
@Import(ApiSliceConfiguration.class)
class PeerControllerTest {

    static final String FINGERPRINT = "([0-9a-f]{4} ){15}[0-9a-f]{4}";
    static final String SAFETY_NUMBER = "([0-9]{5} ){11}[0-9]{5}";
    static final String PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON_VALUE;

    static PeerConnectionService remote;

    @Autowired
    MockMvc mvc;

    @Autowired
    PeerConnectionService local;

    @BeforeAll
    static void startRemote() throws IOException {
        remote = ApiSliceConfiguration.remote("api-slice-remote-1");
    }

    @AfterAll
    static void stopRemote() {
        remote.stop();
    }

    @AfterEach
    void forgetPeers() {
        ApiSliceConfiguration.disconnectAll(local);
    }

    private ResultActions connect(String json) throws Exception {
        return mvc.perform(post("/api/peers").contentType(MediaType.APPLICATION_JSON).content(json));
    }

    private ResultActions expectProblem(ResultActions result, int status, String detailPart) throws Exception {
        return result.andExpect(status().is(status))
                .andExpect(content().contentTypeCompatibleWith(PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(status))
                .andExpect(jsonPath("$.title").isString())
                .andExpect(jsonPath("$.detail", containsString(detailPart)));
    }

    @Test
    void connectsAndAnswersCreatedWithLocationAndThePeer() throws Exception {
        String id = remote.identity().peerId();
        connect("{\"host\":\"127.0.0.1\",\"port\":" + remote.listenPort() + "}")
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", endsWith("/api/peers/" + id)))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.peerId").value(id))
                .andExpect(jsonPath("$.fingerprint", matchesPattern(FINGERPRINT)))
                .andExpect(jsonPath("$.safetyNumber", matchesPattern(SAFETY_NUMBER)))
                .andExpect(jsonPath("$.address").value("127.0.0.1:" + remote.listenPort()))
                .andExpect(jsonPath("$.direction").value("OUTBOUND"))
                .andExpect(jsonPath("$.state").value("CONNECTED"))
                .andExpect(jsonPath("$.connectedAt").isString())
                .andExpect(jsonPath("$.publicKeyPem", containsString("BEGIN PUBLIC KEY")));
        // both ends compute the same safety number
        ApiSliceConfiguration.awaitConnected(remote, local.identity().peerId());
        assertThat(remote.peer(local.identity().peerId()).orElseThrow().safetyNumber())
                .isEqualTo(local.peer(id).orElseThrow().safetyNumber());
    }

    @Test
    void connectsWhenTheExpectedFingerprintMatches() throws Exception {
        String fingerprint = remote.identity().publicKey().fingerprint().toUpperCase();
        connect("{\"host\":\"127.0.0.1\",\"port\":" + remote.listenPort() + ",\"expectedFingerprint\":\"" + fingerprint
                + "\"}")
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.peerId").value(remote.identity().peerId()));
    }

    @Test
    void connectingTwiceGivesTheSamePeer() throws Exception {
        String body = "{\"host\":\"127.0.0.1\",\"port\":" + remote.listenPort() + "}";
        connect(body).andExpect(status().isCreated());
        connect(body).andExpect(status().isOk()).andExpect(jsonPath("$.state").value("CONNECTED"))
                .andExpect(header().doesNotExist("Location"));
        mvc.perform(get("/api/peers")).andExpect(status().isOk()).andExpect(jsonPath("$", hasSize(1)));
    }

    @Test
    void refusesAPeerWithAnotherFingerprint() throws Exception {
        expectProblem(connect("{\"host\":\"127.0.0.1\",\"port\":" + remote.listenPort()
                + ",\"expectedFingerprint\":\"" + "ab".repeat(32) + "\"}"), 409, "not the expected")
                .andExpect(jsonPath("$.title").value("Fingerprint mismatch"))
                .andExpect(jsonPath("$.code").value("fingerprint-mismatch"))
                .andExpect(jsonPath("$.instance").value("/api/peers"));
        mvc.perform(get("/api/peers")).andExpect(jsonPath("$", hasSize(0)));
    }

    @Test
    void answersBadGatewayWhenTheHostCannotBeReached() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        expectProblem(connect("{\"host\":\"127.0.0.1\",\"port\":" + closedPort + "}"), 502, "cannot reach")
                .andExpect(jsonPath("$.code").value("unreachable"));
    }

    @Test
    void answersBadGatewayWhenTheHandshakeFails() throws Exception {
        try (ServerSocket garbage = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofVirtual().start(() -> {
                try (Socket s = garbage.accept(); OutputStream out = s.getOutputStream()) {
                    out.write("HTTP/1.1 200 OK\r\nthis is not a peerlink server\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.getInputStream().read(new byte[4096]);
                } catch (IOException e) {
                    // the client hangs up
                }
            });
            expectProblem(connect("{\"host\":\"127.0.0.1\",\"port\":" + garbage.getLocalPort() + "}"), 502,
                    "handshake with 127.0.0.1:" + garbage.getLocalPort() + " failed")
                    .andExpect(jsonPath("$.code").value("handshake-failed"))
                    .andExpect(jsonPath("$.title").value("Handshake failed"));
            server.join(5000);
        }
    }

    @Test
    void rejectsMalformedJson() throws Exception {
        expectProblem(connect("{\"host\":\"127.0.0.1\","), 400, "Malformed JSON at line 1");
        expectProblem(connect("{host: 127.0.0.1}"), 400, "Malformed JSON");
    }

    @Test
    void rejectsWrongTypes() throws Exception {
        expectProblem(connect("{\"host\":\"127.0.0.1\",\"port\":\"abc\"}"), 400,
                "Field 'port' has the wrong type: expected an integer");
        expectProblem(connect("{\"host\":{\"name\":\"x\"},\"port\":5555}"), 400,
                "Field 'host' has the wrong type: expected a string");
        expectProblem(connect("[\"127.0.0.1\", 5555]"), 400, "must be a JSON object");
    }

    @Test
    void rejectsMissingFieldsAndBody() throws Exception {
        expectProblem(connect("{\"host\":\"127.0.0.1\"}"), 400, "port is required")
                .andExpect(jsonPath("$.errors[0].field").value("port"));
        expectProblem(connect("{\"port\":5555}"), 400, "host must not be blank");
        expectProblem(connect(""), 400, "request body is missing");
    }

    @Test
    void rejectsBadHostPortAndFingerprint() throws Exception {
        expectProblem(connect("{\"host\":\"  \",\"port\":5555}"), 400, "host must not be blank");
        expectProblem(connect("{\"host\":\"127.0.0.1\",\"port\":0}"), 400, "port must be between 1 and 65535");
        expectProblem(connect("{\"host\":\"127.0.0.1\",\"port\":65536}"), 400, "port must be between 1 and 65535");
        expectProblem(connect("{\"host\":\"127.0.0.1\",\"port\":-1}"), 400, "port must be between 1 and 65535");
        expectProblem(connect("{\"host\":\"127.0.0.1\",\"port\":5555,\"expectedFingerprint\":\"abc\"}"), 400,
                "expectedFingerprint must be 64 hex digits");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without the fix it never ends
    void echoesAnInvalidInviteLiterallyHoweverManyBracesItHas() throws Exception {
        // 64 closing braces once kept the validator's message interpolation busy for ever (fuzzing).
        String braces = "}".repeat(64);
        expectProblem(connect("{\"invite\":\"" + braces + "\"}"), 400, "invite is not an invite")
                .andExpect(jsonPath("$.detail", containsString(braces)))
                .andExpect(jsonPath("$.errors[0].field").value("invite"));
        // Template syntax in the caller's text is text: no expression runs, no escape is eaten.
        String syntax = "${1+1} {jakarta.validation.constraints.NotNull.message} \\\\{x\\\\}";
        expectProblem(connect("{\"invite\":\"" + syntax + "\"}"), 400, "${1+1} {jakarta.validation.constraints.NotNull.message} \\{x\\}");
    }

    @Test
    void rejectsOtherMediaTypesAndMethods() throws Exception {
        expectProblem(mvc.perform(post("/api/peers").contentType(MediaType.TEXT_PLAIN).content("127.0.0.1:5555")), 415,
                "send application/json");
        expectProblem(mvc.perform(put("/api/peers")), 405, "Method PUT is not supported")
                .andExpect(header().exists("Allow"));
    }

    @Test
    void listsShowsAndDisconnectsPeers() throws Exception {
        String id = remote.identity().peerId();
        connect("{\"host\":\"127.0.0.1\",\"port\":" + remote.listenPort() + "}").andExpect(status().isCreated());
        mvc.perform(get("/api/peers")).andExpect(status().isOk())
                .andExpect(jsonPath("$", hasSize(1)))
                .andExpect(jsonPath("$[0].peerId").value(id));
        mvc.perform(get("/api/peers/" + id)).andExpect(status().isOk()).andExpect(jsonPath("$.peerId").value(id));
        // a fingerprint with spaces names the peer too
        mvc.perform(get("/api/peers/" + remote.identity().publicKey().fingerprint())).andExpect(status().isOk());

        mvc.perform(delete("/api/peers/" + id)).andExpect(status().isNoContent());
        expectProblem(mvc.perform(get("/api/peers/" + id)), 404, "no peer " + id + " is known")
                .andExpect(jsonPath("$.code").value("unknown-peer"));
        expectProblem(mvc.perform(delete("/api/peers/" + id)), 404, "is known");
    }

    @Test
    void answersNotFoundProblemForUnknownPeersAndRoutes() throws Exception {
        expectProblem(mvc.perform(get("/api/peers/" + "0".repeat(64))), 404, "is known")
                .andExpect(jsonPath("$.title").value("Unknown peer"));
        expectProblem(mvc.perform(get("/api/nothing-here")), 404, "No endpoint GET /api/nothing-here");
    }

    @Test
    void acceptsBlocksAndUnblocksAPeerAndRefusesWhatItsRelationDoesNotAllow() throws Exception {
        String id = remote.identity().peerId();
        connect("{\"host\":\"127.0.0.1\",\"port\":" + remote.listenPort() + "}").andExpect(status().isCreated())
                .andExpect(jsonPath("$.relation").value("CONTACT"));

        mvc.perform(post("/api/peers/" + id + "/block")).andExpect(status().isOk())
                .andExpect(jsonPath("$.relation").value("BLOCKED"));
        mvc.perform(post("/api/peers/" + id + "/block")).andExpect(status().isOk())
                .andExpect(jsonPath("$.relation").value("BLOCKED"));
        mvc.perform(get("/api/peers/" + id)).andExpect(jsonPath("$.relation").value("BLOCKED"));
        expectProblem(mvc.perform(post("/api/peers/" + id + "/accept")), 409, "is blocked: lift the block first")
                .andExpect(jsonPath("$.title").value("Not possible for this peer's relation"));
        // dialling a blocked peer is refused too
        expectProblem(connect("{\"host\":\"127.0.0.1\",\"port\":" + remote.listenPort() + "}"), 409,
                "is blocked here");

        mvc.perform(delete("/api/peers/" + id + "/block")).andExpect(status().isOk())
                .andExpect(jsonPath("$.relation").value("REQUEST"));
        expectProblem(mvc.perform(delete("/api/peers/" + id + "/block")), 409, "is not blocked");
        mvc.perform(post("/api/peers/" + id + "/accept")).andExpect(status().isOk())
                .andExpect(jsonPath("$.relation").value("CONTACT"));
        mvc.perform(post("/api/peers/" + id + "/accept")).andExpect(status().isOk())
                .andExpect(jsonPath("$.relation").value("CONTACT"));
    }

    @Test
    void answersNotFoundForTheRelationOfAnUnknownPeer() throws Exception {
        String unknown = "0".repeat(64);
        expectProblem(mvc.perform(post("/api/peers/" + unknown + "/accept")), 404, "is known");
        expectProblem(mvc.perform(post("/api/peers/" + unknown + "/block")), 404, "is known");
        expectProblem(mvc.perform(delete("/api/peers/" + unknown + "/block")), 404, "is known")
                .andExpect(jsonPath("$.code").value("unknown-peer"));
    }
}
