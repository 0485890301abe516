package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peerlink.connection.Direction;
import io.peerlink.connection.PeerConnectionService;
import io.peerlink.connection.PeerState;
import io.peerlink.connection.PeerView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Fuzz target for the body of {@code POST /api/peers}: any bytes, read by the application's own
 * JSON converter and validated as in the running peer. The peer service is a mock that records the
 * dial instead of making it (a fuzzed host must not be dialled), so the target also checks that
 * only what validation allows ever reaches the service.
 */
@WebMvcTest(PeerController.class)
@Import(ApiSliceConfiguration.class)
class ConnectRequestFuzzTest {

    static final PeerView PEER = new PeerView("0".repeat(64), "0000 ".repeat(15) + "0000", "00000 ".repeat(11) + "00000",
            "192.0.2.10:5555", Direction.OUTBOUND, PeerState.CONNECTED, Instant.EPOCH, "");

    @Autowired
    MockMvc mvc;

    @MockitoBean
    PeerConnectionService service;

    final List<Object[]> dials = new ArrayList<>();

    @BeforeEach
    void recordDials() {
        when(service.connect(any(), anyInt(), any())).thenAnswer(call -> {
            dials.add(call.getArguments());
            return PEER;
        });
    }

    @FuzzTest
    @DictionaryEntries({"{", "}", "\"host\"", "\"port\"", "\"expectedFingerprint\"", ":", ",", "null", "true",
            "\\u", "65535", "65536", "-1", "1.5", "1e3", "\"\"", " ", "[", "]"})
    void connectBody(byte[] body) throws Exception {
        dials.clear();
        clearInvocations(service); // a mock remembers every call: millions of them while fuzzing
        int status = RequestBodyInvariant.check(mvc.perform(post("/api/peers")
                .contentType(MediaType.APPLICATION_JSON).content(body)).andReturn());
        assertThat(status).isIn(201, 400, 413);
        assertThat(dials).hasSize(status == 201 ? 1 : 0);
        if (status == 201) {
            // what validation let through
            String host = (String) dials.getFirst()[0];
            int port = (int) dials.getFirst()[1];
            String fingerprint = (String) dials.getFirst()[2];
            assertThat(host).isNotBlank().isEqualTo(host.strip());
            assertThat(host.length()).isLessThanOrEqualTo(253);
            assertThat(port).isBetween(1, 65535);
            if (fingerprint != null) {
                assertThat(fingerprint.replaceAll("[\\s:]", "")).matches("[0-9A-Fa-f]{64}");
            }
        }
    }
}
