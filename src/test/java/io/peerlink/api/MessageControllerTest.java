package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.peerlink.store.StoredMessage;
import io.peerlink.messaging.Inbox;
import io.peerlink.messaging.PeerConnectionService;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** {@code /api/messages} over MockMvc, with a real peer service and real loopback peers. */
@WebMvcTest(MessageController.class)
@Import(ApiSliceConfiguration.class)
class MessageControllerTest {

    static PeerConnectionService remote1;
    static PeerConnectionService remote2;

    @Autowired
    MockMvc mvc;

    @Autowired
    PeerConnectionService local;

    @BeforeAll
    static void startRemotes() throws IOException {
        remote1 = ApiSliceConfiguration.remote("api-slice-remote-1");
        remote2 = ApiSliceConfiguration.remote("api-slice-remote-2");
    }

    @AfterAll
    static void stopRemotes() {
        remote1.stop();
        remote2.stop();
    }

    @AfterEach
    void forgetPeers() {
        ApiSliceConfiguration.disconnectAll(local);
    }

    private ResultActions send(String json) throws Exception {
        return mvc.perform(post("/api/messages").contentType(MediaType.APPLICATION_JSON).content(json));
    }

    private ResultActions expectProblem(ResultActions result, int status, String detailPart) throws Exception {
        return result.andExpect(status().is(status))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(status))
                .andExpect(jsonPath("$.title").isString())
                .andExpect(jsonPath("$.code").isString())
                .andExpect(jsonPath("$.type").isString())
                .andExpect(jsonPath("$.detail", containsString(detailPart)));
    }

    private static String json(String text) {
        return "{\"text\":\"" + text + "\"}";
    }

    @Test
    void sendsToTheOnlyConnectedPeerWithoutTo() throws Exception {
        local.connect("127.0.0.1", remote1.listenPort(), null);
        long after = remote1.store().messages().lastCursor();
        send(json("hello remote")).andExpect(status().isAccepted())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.id").isString())
                .andExpect(jsonPath("$.to").value(remote1.identity().peerId()))
                .andExpect(jsonPath("$.status").value("QUEUED"))
                .andExpect(jsonPath("$.direction").value("OUT"))
                .andExpect(jsonPath("$.text").value("hello remote"))
                .andExpect(jsonPath("$.cursor").isNumber())
                .andExpect(jsonPath("$.createdAt").isString());
        Inbox.Page page = remote1.inbox().poll(after, 10, local.identity().peerId(), Duration.ofSeconds(10));
        assertThat(page.messages()).extracting(StoredMessage::text).containsExactly("hello remote");
    }

    @Test
    void sendsToTheNamedPeer() throws Exception {
        local.connect("127.0.0.1", remote1.listenPort(), null);
        local.connect("127.0.0.1", remote2.listenPort(), null);
        long after = remote2.store().messages().lastCursor();
        send("{\"to\":\"" + remote2.identity().peerId() + "\",\"text\":\"for two\"}")
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.to").value(remote2.identity().peerId()));
        assertThat(remote2.inbox().poll(after, 10, null, Duration.ofSeconds(10)).messages())
                .extracting(StoredMessage::text).containsExactly("for two");
    }

    @Test
    void answersConflictWhenNoPeerIsConnected() throws Exception {
        expectProblem(send(json("anyone?")), 409, "no peer is connected")
                .andExpect(jsonPath("$.code").value("no-recipient"))
                .andExpect(jsonPath("$.title").value("No recipient"));
    }

    @Test
    void answersConflictWhenSeveralPeersAreConnectedAndToIsMissing() throws Exception {
        local.connect("127.0.0.1", remote1.listenPort(), null);
        local.connect("127.0.0.1", remote2.listenPort(), null);
        expectProblem(send(json("which one?")), 409, "2 peers are connected: say which one with \"to\"")
                .andExpect(jsonPath("$.code").value("no-recipient"));
    }

    @Test
    void answersNotFoundForAnUnknownRecipient() throws Exception {
        expectProblem(send("{\"to\":\"" + "0".repeat(64) + "\",\"text\":\"hello\"}"), 404, "is known")
                .andExpect(jsonPath("$.code").value("unknown-peer"));
    }

    @Test
    void rejectsEmptyBlankAndMissingText() throws Exception {
        expectProblem(send(json("")), 400, "text must not be empty or blank")
                .andExpect(jsonPath("$.errors[0].field").value("text"));
        expectProblem(send(json("  \\n\\t ")), 400, "text must not be empty or blank");
        expectProblem(send("{}"), 400, "text must not be empty or blank");
        expectProblem(send("{\"text\":null}"), 400, "text must not be empty or blank");
    }

    @Test
    void rejectsTextOverTheLimitInUtf8Bytes() throws Exception {
        local.connect("127.0.0.1", remote1.listenPort(), null);
        expectProblem(send(json("x".repeat(65537))), 413, "text is 65537 bytes of UTF-8, the limit is 65536")
                .andExpect(jsonPath("$.code").value("too-large"))
                .andExpect(jsonPath("$.title").value("Message too large"));
        // 32769 characters, but 65538 bytes of UTF-8
        expectProblem(send(json("é".repeat(32769))), 413, "65538 bytes");
        send(json("x".repeat(65536))).andExpect(status().isAccepted());
    }

    @Test
    void rejectsABodyFarLargerThanAnyMessage() throws Exception {
        expectProblem(send(json("x".repeat(65536 * 7))), 413, "the request body is");
    }

    @Test
    void rejectsMalformedJsonAndWrongTypes() throws Exception {
        expectProblem(send("{\"text\": \"unterminated"), 400, "Malformed JSON");
        expectProblem(send("{\"text\": {\"nested\": true}}"), 400, "Field 'text' has the wrong type: expected a string");
        expectProblem(send("\"just a string\""), 400, "must be a JSON object");
        expectProblem(mvc.perform(post("/api/messages").contentType(MediaType.TEXT_PLAIN).content("hello")), 415,
                "send application/json");
    }

    @Test
    void pollsInboundMessagesOldestFirstWithCursorAndFromFilter() throws Exception {
        local.connect("127.0.0.1", remote1.listenPort(), null);
        local.connect("127.0.0.1", remote2.listenPort(), null);
        ApiSliceConfiguration.awaitConnected(remote1, local.identity().peerId());
        ApiSliceConfiguration.awaitConnected(remote2, local.identity().peerId());
        long after = local.store().messages().lastCursor();
        remote1.send(local.identity().peerId(), "one from 1");
        local.inbox().poll(after, 10, null, Duration.ofSeconds(10));
        remote2.send(local.identity().peerId(), "one from 2");
        local.inbox().poll(after + 1, 10, null, Duration.ofSeconds(10));

        mvc.perform(get("/api/messages").param("after", String.valueOf(after)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.messages", hasSize(2)))
                .andExpect(jsonPath("$.messages[0].text").value("one from 1"))
                .andExpect(jsonPath("$.messages[0].from").value(remote1.identity().peerId()))
                .andExpect(jsonPath("$.messages[0].cursor").value(after + 1))
                .andExpect(jsonPath("$.messages[0].id").isString())
                .andExpect(jsonPath("$.messages[0].sentAt").isString())
                .andExpect(jsonPath("$.messages[0].receivedAt").isString())
                .andExpect(jsonPath("$.messages[1].text").value("one from 2"))
                .andExpect(jsonPath("$.nextCursor").value(after + 2))
                .andExpect(jsonPath("$.messages[0].direction").value("IN"))
                .andExpect(jsonPath("$.messages[0].status").value("RECEIVED"));
        mvc.perform(get("/api/messages").param("after", String.valueOf(after)).param("limit", "1"))
                .andExpect(jsonPath("$.messages", hasSize(1)))
                .andExpect(jsonPath("$.nextCursor").value(after + 1));
        mvc.perform(get("/api/messages").param("after", String.valueOf(after))
                        .param("from", remote2.identity().publicKey().fingerprint()))
                .andExpect(jsonPath("$.messages", hasSize(1)))
                .andExpect(jsonPath("$.messages[0].text").value("one from 2"));
        mvc.perform(get("/api/messages").param("after", String.valueOf(after + 2)))
                .andExpect(jsonPath("$.messages", hasSize(0)))
                .andExpect(jsonPath("$.nextCursor").value(after + 2));
    }

    @Test
    void rejectsACursorAheadOfTheNewestMessage() throws Exception {
        long ahead = local.store().messages().lastCursor() + 100;
        expectProblem(mvc.perform(get("/api/messages").param("after", String.valueOf(ahead))), 400,
                "cursor " + ahead + " is ahead of the newest message")
                .andExpect(jsonPath("$.title").value("Invalid cursor"))
                .andExpect(jsonPath("$.code").value("invalid-cursor"))
                .andExpect(jsonPath("$.type").value(ApiError.INVALID_CURSOR.type().toString()));
    }

    @Test
    void saysABadMessageIdMustBeAUuid() throws Exception {
        // issue 18: the detail names the value and what was expected (it said "must be an object")
        expectProblem(mvc.perform(get("/api/messages/not-a-uuid")), 400, "id must be a UUID (got 'not-a-uuid')")
                .andExpect(jsonPath("$.title").value("Invalid request"))
                .andExpect(jsonPath("$.code").value("invalid-request"))
                .andExpect(jsonPath("$.errors[0].parameter").value("id"));
    }

    @Test
    void answersAnUnknownMessageIdWithItsKind() throws Exception {
        String id = java.util.UUID.randomUUID().toString();
        expectProblem(mvc.perform(get("/api/messages/" + id)), 404, "no message " + id + " is stored")
                .andExpect(jsonPath("$.title").value("Unknown message"))
                .andExpect(jsonPath("$.code").value("unknown-message"))
                .andExpect(jsonPath("$.type").value(ApiError.UNKNOWN_MESSAGE.type().toString()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            after       | -1                   | after must be 0 or more (got '-1')
            after       | abc                  | after must be an integer (got 'abc')
            after       | 99999999999999999999 | after must be an integer
            limit       | 0                    | limit must be between 1 and 1000 (got '0')
            limit       | -5                   | limit must be between 1 and 1000 (got '-5')
            limit       | 1001                 | limit must be between 1 and 1000 (got '1001')
            limit       | 99999999999          | limit must be an integer (got '99999999999')
            limit       | ten                  | limit must be an integer
            waitSeconds | -1                   | waitSeconds must be between 0 and 30 (got '-1')
            waitSeconds | 31                   | waitSeconds must be between 0 and 30 (got '31')
            waitSeconds | 2147483648           | waitSeconds must be an integer
            """)
    void rejectsOutOfRangeAndMistypedQueryParameters(String name, String value, String detail) throws Exception {
        expectProblem(mvc.perform(get("/api/messages").param(name, value)), 400, detail)
                .andExpect(jsonPath("$.errors[0].parameter").value(name));
    }

    @Test
    void answersNotFoundForASenderThatIsNeitherAPeerIdNorAKnownAlias() throws Exception {
        // "from" takes a peerId, a fingerprint or an alias: anything else names nobody known
        expectProblem(mvc.perform(get("/api/messages").param("from", "not-a-peer")), 404,
                "from: no peer not-a-peer is known");
    }
}
