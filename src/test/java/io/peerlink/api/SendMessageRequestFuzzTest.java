package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcPrint;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Fuzz target for the body of {@code POST /api/messages}: any bytes, read by the application's own
 * JSON converter and validated as in the running peer (the web slice of {@link MessageControllerTest},
 * with a real peer service that has no peer connected, so nothing leaves the machine).
 */
@WebMvcTest(MessageController.class)
@Import(ApiSliceConfiguration.class)
// MockMvc keeps every request's printout until the test method ends: millions of them while fuzzing
@AutoConfigureMockMvc(print = MockMvcPrint.NONE)
// an input that takes 10 s is a hang: a finding while fuzzing (Jazzer passes it on as -timeout), a
// failure when replayed (in a thread of its own, so that a runaway input cannot stall the build)
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SendMessageRequestFuzzTest {

    @Autowired
    MockMvc mvc;

    /** No peer is connected: a valid request is 404 (unknown "to") or 409 (no recipient), never sent. */
    @FuzzTest
    @DictionaryEntries({"{", "}", "\"text\"", "\"to\"", ":", ",", "null", "true", "\\u", "\\ud800", "[", "]",
            "1e999", "\"\"", " ", "\"id\"", "00112233-4455-6677-8899-aabbccddeeff"})
    void sendMessageBody(byte[] body) throws Exception {
        int status = RequestBodyInvariant.perform(mvc, post("/api/messages")
                .contentType(MediaType.APPLICATION_JSON).content(body));
        assertThat(status).isIn(400, 404, 409, 413);
    }
}
