package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.peerlink.config.PeerlinkProperties;
import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.ConnectionSettings;
import io.peerlink.messaging.Inbox;
import io.peerlink.messaging.Messages;
import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.messaging.SlowCommitServices;
import io.peerlink.store.MessageStatus;
import io.peerlink.store.StoredMessage;
import io.peerlink.support.CommitGate;
import io.peerlink.support.TestIdentities;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 17 over HTTP: a send whose commit outlasts the time-out is answered 503 with the message's
 * {@code id} in the problem (the server chose it, the client gave none); a retry with that id is
 * answered 200, and the recipient gets the message once. The local store is slowed by a
 * {@link CommitGate}; the recipient is a real peer over loopback.
 */
@WebMvcTest(MessageController.class)
@Import(CommitTimeoutApiTest.SlowStoreSlice.class)
class CommitTimeoutApiTest {

    static final CommitGate GATE = new CommitGate();
    static final AtomicInteger WRITTEN = new AtomicInteger();
    static PeerConnectionService remote;

    @TestConfiguration(proxyBeanMethods = false)
    @EnableConfigurationProperties(PeerlinkProperties.class)
    @Import({ApiSecurity.class, RequestSizeLimit.class, StrictJson.class})
    static class SlowStoreSlice {

        @Bean(destroyMethod = "stop")
        PeerConnectionService peerConnectionService() throws IOException {
            PeerConnectionService service = SlowCommitServices.create(TestIdentities.named("api-slow-local"),
                    ConnectionSettings.forTests("127.0.0.1"), GATE, new ConnectionObserver() {
                        @Override
                        public void messageSent() {
                            WRITTEN.incrementAndGet();
                        }
                    }, Duration.ofMillis(300));
            service.start();
            return service;
        }

        @Bean
        Inbox inbox(PeerConnectionService peerConnectionService) {
            return new Inbox(peerConnectionService.store());
        }

        @Bean
        Messages messages(PeerConnectionService peerConnectionService) {
            return new Messages(peerConnectionService.store());
        }
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    PeerConnectionService local;

    @BeforeAll
    static void startRemote() throws IOException {
        remote = ApiSliceConfiguration.remote("api-slow-remote");
    }

    @AfterAll
    static void stopRemote() {
        GATE.release();
        remote.stop();
    }

    @Test
    void a503AfterTheCommitTimeoutCarriesTheIdAndARetryWithItIsAnswered200AndSentOnce() throws Exception {
        local.connect("127.0.0.1", remote.listenPort(), null);
        String remoteId = remote.identity().peerId();
        ApiSliceConfiguration.awaitConnected(remote, local.identity().peerId());
        String body = "{\"to\":\"" + remoteId + "\",\"text\":\"only once\"}";

        GATE.hold();
        String problem = mvc.perform(post("/api/messages").contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isServiceUnavailable())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(header().string("Retry-After", "5"))
                .andExpect(jsonPath("$.code").value("commit-timeout"))
                .andExpect(jsonPath("$.title").value("Commit timed out"))
                .andExpect(jsonPath("$.type").value(ApiError.COMMIT_TIMEOUT.type().toString()))
                .andExpect(jsonPath("$.detail", containsString("retry with id")))
                .andReturn().getResponse().getContentAsString();
        JsonNode parsed = JsonMapper.builder().build().readTree(problem);
        UUID id = UUID.fromString(parsed.path("id").asString());
        assertThat(parsed.path("detail").asString()).contains(id.toString());

        GATE.release();
        String retry = "{\"to\":\"" + remoteId + "\",\"text\":\"only once\",\"id\":\"" + id + "\"}";
        mvc.perform(post("/api/messages").contentType(MediaType.APPLICATION_JSON).content(retry))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(id.toString()));

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (local.store().messages().find(id).map(StoredMessage::status).orElse(null) != MessageStatus.DELIVERED
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(local.store().messages().find(id).map(StoredMessage::status)).contains(MessageStatus.DELIVERED);
        List<StoredMessage> received = remote.inbox().poll(0, 10, null, Duration.ofSeconds(5)).messages();
        assertThat(received).extracting(StoredMessage::id).containsExactly(id);
        assertThat(WRITTEN.get()).as("MESSAGE frames written").isEqualTo(1);
    }
}
