package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * Request bodies are read strictly: no value is coerced into the type of its field, no string may
 * hold an unpaired surrogate, no key may come twice, nothing may follow the object. For every
 * request record.
 */
@WebMvcTest({MessageController.class, PeerController.class})
@Import(ApiSliceConfiguration.class)
class StrictJsonTest {

    @Autowired
    MockMvc mvc;

    private ResultActions post(String path, byte[] json) throws Exception {
        return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post(path)
                .contentType(MediaType.APPLICATION_JSON).content(json));
    }

    private ResultActions post(String path, String json) throws Exception {
        return post(path, json.getBytes(StandardCharsets.UTF_8));
    }

    private static ResultActions expectBadRequest(ResultActions result, String detailPart) throws Exception {
        return result.andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.title").value("Unreadable request body"))
                .andExpect(jsonPath("$.code").value("unreadable-body"))
                .andExpect(jsonPath("$.type").value(ApiError.UNREADABLE_BODY.type().toString()))
                .andExpect(jsonPath("$.detail", containsString(detailPart)));
    }

    private static void expectUnknownProperty(ResultActions result, String property, String expected)
            throws Exception {
        result.andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.title").value("Unknown property"))
                .andExpect(jsonPath("$.code").value("unknown-property"))
                .andExpect(jsonPath("$.type").value(ApiError.UNKNOWN_PROPERTY.type().toString()))
                .andExpect(jsonPath("$.detail", containsString("Unknown property '" + property + "'")))
                .andExpect(jsonPath("$.detail", containsString("expected one of " + expected)))
                .andExpect(jsonPath("$.errors[0].field").value(property));
    }

    @Test
    void refusesUnknownPropertiesInEveryBodyNamingTheProperty() throws Exception {
        // issue 18: a misspelt "recipients" must not send to the default recipient
        expectUnknownProperty(post("/api/messages", "{\"text\": \"hi\", \"recipients\": [\"peer-a\"]}"),
                "recipients", "id, text, to");
        expectUnknownProperty(post("/api/peers", "{\"host\": \"h\", \"port\": 5555, \"fingerprint\": \"ab\"}"),
                "fingerprint", "expectedFingerprint, host, invite, port");
        String peer = "/api/peers/" + "0".repeat(64);
        expectUnknownProperty(mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch(peer)
                .contentType(MediaType.APPLICATION_JSON).content("{\"alias\": \"a\", \"name\": \"b\"}")),
                "name", "alias");
        expectUnknownProperty(post(peer + "/verify", "{\"safetyNumber\": \"1\", \"number\": 1}"),
                "number", "safetyNumber");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"text\": 5}                     | Field 'text' has the wrong type: expected a string",
        "{\"text\": -5.25}                 | Field 'text' has the wrong type: expected a string",
        "{\"text\": 1e3}                   | Field 'text' has the wrong type: expected a string",
        "{\"text\": true}                  | Field 'text' has the wrong type: expected a string",
        "{\"text\": false}                 | Field 'text' has the wrong type: expected a string",
        "{\"text\": [\"hi\"]}              | Field 'text' has the wrong type: expected a string",
        "{\"to\": 7, \"text\": \"hi\"}     | Field 'to' has the wrong type: expected a string",
        "{\"to\": true, \"text\": \"hi\"}  | Field 'to' has the wrong type: expected a string"})
    void refusesNumbersAndBooleansForMessageFields(String json, String detail) throws Exception {
        expectBadRequest(post("/api/messages", json), detail);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"host\": \"h\", \"port\": \"5555\"}   | Field 'port' has the wrong type: expected an integer",
        "{\"host\": \"h\", \"port\": 5555.5}     | Field 'port' has the wrong type: expected an integer",
        "{\"host\": \"h\", \"port\": 5555.0}     | Field 'port' has the wrong type: expected an integer",
        "{\"host\": \"h\", \"port\": true}       | Field 'port' has the wrong type: expected an integer",
        "{\"host\": 10, \"port\": 5555}          | Field 'host' has the wrong type: expected a string",
        "{\"host\": false, \"port\": 5555}       | Field 'host' has the wrong type: expected a string",
        "{\"host\": \"h\", \"port\": 5555, \"expectedFingerprint\": 12} "
                + "| Field 'expectedFingerprint' has the wrong type: expected a string"})
    void refusesCoercionForConnectFields(String json, String detail) throws Exception {
        expectBadRequest(post("/api/peers", json), detail);
    }

    @Test
    void refusesCoercionAndBadUnicodeForContactFields() throws Exception {
        String peer = "/api/peers/" + "0".repeat(64);
        expectBadRequest(mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch(peer)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"alias\": 42}")),
                "Field 'alias' has the wrong type: expected a string");
        expectBadRequest(mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch(peer)
                        .contentType(MediaType.APPLICATION_JSON).content("{\"alias\": \"al\\udc00ice\"}")),
                "Field 'alias' is not valid Unicode");
        expectBadRequest(post(peer + "/verify", "{\"safetyNumber\": 123456789012}"),
                "Field 'safetyNumber' has the wrong type: expected a string");
        expectBadRequest(post(peer + "/verify", "{\"safetyNumber\": \"\\ud800\"}"),
                "Field 'safetyNumber' is not valid Unicode");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"text\": \"\\ud800\"}           | character 0",
        "{\"text\": \"\\udc00\"}           | character 0",
        "{\"text\": \"ab\\ud83d\"}         | character 2",
        "{\"text\": \"\\ude00\\ud83d\"}    | character 0",
        "{\"text\": \"\\ud83d\\ud83d\"}    | character 0",
        "{\"text\": \"ok \\ud83d\\ude00 \\udfff\"} | character 6"})
    void refusesUnpairedSurrogatesInText(String json, String where) throws Exception {
        expectBadRequest(post("/api/messages", json), "Field 'text' is not valid Unicode: unpaired UTF-16 surrogate")
                .andExpect(jsonPath("$.detail", containsString(where)));
    }

    @Test
    void refusesUnpairedSurrogatesInEveryStringField() throws Exception {
        expectBadRequest(post("/api/messages", "{\"to\": \"\\ud800\", \"text\": \"hi\"}"), "Field 'to' is not valid Unicode");
        expectBadRequest(post("/api/peers", "{\"host\": \"h\\udbff\", \"port\": 5555}"), "Field 'host' is not valid Unicode");
        expectBadRequest(post("/api/peers", "{\"host\": \"h\", \"port\": 5555, \"expectedFingerprint\": \"\\udc00\"}"),
                "Field 'expectedFingerprint' is not valid Unicode");
    }

    @Test
    void refusesASurrogateEncodedAsRawBytes() throws Exception {
        // ED A0 80 is U+D800 written as if it were a character (CESU-8): not UTF-8, Jackson refuses it
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("{\"text\": \"a".getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
        body.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));
        expectBadRequest(post("/api/messages", body.toByteArray()), "Invalid UTF-8");
    }

    @Test
    void neverEchoesTheTextInTheProblem() throws Exception {
        expectBadRequest(post("/api/messages", "{\"text\": \"secret words \\ud800\"}"), "not valid Unicode")
                .andExpect(jsonPath("$.detail", not(containsString("secret"))));
    }

    @Test
    void refusesDuplicateKeysAndTrailingContent() throws Exception {
        expectBadRequest(post("/api/messages", "{\"text\": \"a\", \"text\": \"b\"}"), "Duplicate")
                .andExpect(jsonPath("$.detail", containsString("text")));
        expectBadRequest(post("/api/peers", "{\"host\": \"h\", \"port\": 1, \"port\": 2}"), "Duplicate");
        expectBadRequest(post("/api/messages", "{\"text\": \"a\"} {\"text\": \"b\"}"),
                "must be one JSON object with nothing after it");
        expectBadRequest(post("/api/peers", "{\"host\": \"h\", \"port\": 1} 2"),
                "must be one JSON object with nothing after it");
        expectBadRequest(post("/api/messages", "{\"text\": \"a\"}]"), "Malformed JSON");
    }

    @Test
    void acceptsWellFormedValues() throws Exception {
        // past the JSON reading: the service answers that no peer is connected
        post("/api/messages", "{\"text\": \"emoji \\ud83d\\ude00 and raw 😀 and \\u00e9\"}")
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.code").value("no-recipient"));
        post("/api/messages", "{\"to\": null, \"text\": \"hi\"}")
                .andExpect(status().isConflict());
        post("/api/peers", "{\"host\": \"127.0.0.1\", \"port\": " + closedPort() + ", \"expectedFingerprint\": null}")
                .andExpect(status().isBadGateway())
                .andExpect(jsonPath("$.code").value("unreachable"));
    }

    @Test
    void findsUnpairedSurrogates() {
        assertThat(StrictJson.WellFormedStringDeserializer.unpairedSurrogate("")).isEqualTo(-1);
        assertThat(StrictJson.WellFormedStringDeserializer.unpairedSurrogate("plain")).isEqualTo(-1);
        assertThat(StrictJson.WellFormedStringDeserializer.unpairedSurrogate("\ud83d\ude00")).isEqualTo(-1);
        assertThat(StrictJson.WellFormedStringDeserializer.unpairedSurrogate("a\ud83d\ude00b\ud83d\ude00")).isEqualTo(-1);
        assertThat(StrictJson.WellFormedStringDeserializer.unpairedSurrogate("\ud83d")).isEqualTo(0);
        assertThat(StrictJson.WellFormedStringDeserializer.unpairedSurrogate("\ude00")).isEqualTo(0);
        assertThat(StrictJson.WellFormedStringDeserializer.unpairedSurrogate("ab\ud83d")).isEqualTo(2);
        assertThat(StrictJson.WellFormedStringDeserializer.unpairedSurrogate("\ud83d\ude00\ude00")).isEqualTo(2);
        assertThat(StrictJson.WellFormedStringDeserializer.unpairedSurrogate("\ud83dx\ude00")).isEqualTo(0);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
