package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peerlink.transport.DialTarget;
import io.peerlink.transport.Direction;
import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.messaging.PeerState;
import io.peerlink.messaging.PeerView;
import io.peerlink.store.Trust;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcPrint;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Fuzz target for the body of {@code POST /api/peers}: any bytes, read by the application's own
 * JSON converter and validated as in the running peer (host, port and fingerprint, or an invite
 * link). The peer service is a mock that records the dial instead of making it (a fuzzed host must
 * not be dialled), so the target also checks that only what validation allows reaches the service.
 */
@WebMvcTest(PeerController.class)
@Import(ApiSliceConfiguration.class)
// MockMvc keeps every request's printout until the test method ends: millions of them while fuzzing
@AutoConfigureMockMvc(print = MockMvcPrint.NONE)
// an input that takes 10 s is a hang: a finding while fuzzing (Jazzer passes it on as -timeout), a
// failure when replayed (in a thread of its own, so that a runaway input cannot stall the build)
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectRequestFuzzTest {

    static final PeerView PEER = new PeerView("0".repeat(64), "0000 ".repeat(15) + "0000", "00000 ".repeat(11) + "00000",
            "192.0.2.10:5555", Direction.OUTBOUND, PeerState.CONNECTED, Instant.EPOCH, "", Instant.EPOCH, Instant.EPOCH,
            0, null, Trust.UNVERIFIED, null, List.of("192.0.2.10:5555"), io.peerlink.store.Relation.CONTACT, null);

    @Autowired
    MockMvc mvc;

    @MockitoBean
    PeerConnectionService service;

    final List<DialTarget> dials = new ArrayList<>();

    /** Records the dial; an odd port "creates" a connection (201), an even one finds it open (200). */
    @BeforeEach
    void recordDials() {
        when(service.connect(any(DialTarget.class))).thenAnswer(call -> {
            DialTarget target = call.getArgument(0);
            dials.add(target);
            return new PeerConnectionService.Connected(PEER, target.port() % 2 == 1);
        });
    }

    @FuzzTest
    @DictionaryEntries({"{", "}", "\"host\"", "\"port\"", "\"expectedFingerprint\"", ":", ",", "null", "true",
            "\\u", "65535", "65536", "-1", "1.5", "1e3", "\"\"", " ", "[", "]", "\"invite\"", "peerlink://", "@",
            "[::1]"})
    void connectBody(byte[] body) throws Exception {
        dials.clear();
        clearInvocations(service); // a mock remembers every call: millions of them while fuzzing
        int status = RequestBodyInvariant.perform(mvc, post("/api/peers")
                .contentType(MediaType.APPLICATION_JSON).content(body));
        assertThat(status).isIn(200, 201, 400, 413);
        boolean dialled = status < 300;
        assertThat(dials).hasSize(dialled ? 1 : 0);
        if (dialled) {
            // what validation let through: a host, a port in range, and a peerId or no pin
            DialTarget target = dials.getFirst();
            assertThat(status).isEqualTo(target.port() % 2 == 1 ? 201 : 200);
            assertThat(target.host()).isNotBlank().isEqualTo(target.host().strip());
            assertThat(target.host().length()).isLessThanOrEqualTo(253);
            assertThat(target.port()).isBetween(1, 65535);
            if (target.pin() != null) {
                assertThat(target.pin()).matches("[0-9a-f]{64}");
            }
        }
    }
}
