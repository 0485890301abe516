package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.support.Http;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

/**
 * Issue 19: the chat page says how a contact is reached, and a connection through a relay shows
 * "via" that relay on both ends. Three peer processes: a relay (relay-r on the third host,
 * {@code peerlink.relay.enabled}, anyone may reserve) and two peers that name it in
 * {@code peerlink.relays} (relay-a, relay-b). A connects from its page with an invite of B that
 * names only the relay, as a peer behind NAT gives out, so the relay is A's only way to B; B accepts
 * A's message request on its page. One
 * headless Chromium per peer page; screenshots in {@code target/screenshots}, peer logs in
 * {@code target/e2e/relay-*.log}. (Connections that are direct: {@link ChatPageE2ETest}.)
 */
@Tag("e2e")
class RelayChatPageE2ETest {

    private static final Duration RESERVE_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dataDirs;

    private static PeerProcess relay;
    private static PeerProcess a;
    private static PeerProcess b;
    private static Browser browserA;
    private static Browser browserB;
    private static String idR;
    private static String idA;
    private static String idB;

    @RegisterExtension
    static final TestWatcher SCREENS_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            String test = context.getRequiredTestMethod().getName();
            Stream.of(browserA, browserB).filter(x -> x != null).forEach(x -> x.screenshot("failed-" + test + "-" + x.name));
        }
    };

    @BeforeAll
    static void start() throws IOException {
        Browser.requireInstalled();
        assertThat(E2e.jar()).as("the packaged jar (run ./mvnw -B verify, which packages first)").isRegularFile();
        for (String host : List.of(E2e.hostA(), E2e.hostB(), E2e.hostC())) {
            E2e.requireFree(host, E2e.PEER_PORT);
            E2e.requireFree(host, E2e.API_PORT);
        }
        relay = new PeerProcess("relay-r", E2e.hostC(), dataDirs.resolve("r"), null)
                .env("PEERLINK_RELAY_ENABLED", "true").env("PEERLINK_RELAY_ALLOW", "anyone");
        relay.deleteLog();
        relay.start();
        browserA = Browser.start("a");
        browserB = Browser.start("b");
        relay.awaitHealthy();
        idR = relay.peerId();
        String relays = idR + "@" + E2e.hostC() + ":" + E2e.PEER_PORT;
        a = new PeerProcess("relay-a", E2e.hostA(), dataDirs.resolve("a"), null).env("PEERLINK_RELAYS", relays);
        b = new PeerProcess("relay-b", E2e.hostB(), dataDirs.resolve("b"), null).env("PEERLINK_RELAYS", relays);
        a.deleteLog();
        b.deleteLog();
        a.start();
        b.start();
        a.awaitHealthy();
        b.awaitHealthy();
        idA = a.peerId();
        idB = b.peerId();
    }

    @AfterEach
    void theConsolesShowNoFault() {
        assertThat(browserA.pageErrors()).as("faults in the console of A's page").isEmpty();
        assertThat(browserB.pageErrors()).as("faults in the console of B's page").isEmpty();
    }

    @AfterAll
    static void stop() {
        Stream.of(browserA, browserB).filter(x -> x != null).forEach(Browser::close);
        Stream.of(a, b, relay).filter(p -> p != null).forEach(PeerProcess::kill);
    }

    @Test
    void aContactReachedThroughARelayShowsViaThatRelayOnBothPages() {
        awaitReserved(a);
        awaitReserved(b);
        ChatPage pageA = new ChatPage(browserA, a);
        ChatPage pageB = new ChatPage(browserB, b);
        pageB.open();
        pageB.awaitLive();
        pageA.open();
        pageA.awaitLive();

        // B's invite as a peer behind NAT gives it out: no address of its own, only its relay
        String invite = "peerlink://" + idB + "?relay=" + idR + "@" + E2e.hostC() + ":" + E2e.PEER_PORT;
        browserA.find("#open-connect").click();
        WebElement field = browserA.driver.switchTo().activeElement();
        assertThat(field.getDomAttribute("id")).isEqualTo("connect-invite");
        field.sendKeys(invite, Keys.ENTER);
        pageA.awaitConversation(idB);

        browserA.until("B connected at A", d -> "CONNECTED".equals(a.peerState(idB)));
        JsonNode onA = a.json("GET", "/api/peers/" + idB, null, 200);
        assertThat(Http.text(onA, "route")).as("B's route at A").isEqualTo("relay");
        assertThat(Http.text(onA, "relayId")).as("the relay A reaches B through").isEqualTo(idR);
        String relayShown = "via relay " + idR.substring(0, 4) + " " + idR.substring(4, 8);

        // the conversation's header on A says through which relay
        browserA.until("A's header to name the relay", d -> "relay".equals(
                browserA.find("#chat-status").getDomAttribute("data-route")));
        assertThat(browserA.find("#chat-status").getDomAttribute("data-relay")).isEqualTo(idR);
        assertThat(browserA.find("#chat-status").getText()).startsWith("Connected " + relayShown);

        // B's page heard of A through its event stream: A dialled in on its own, a message request;
        // once B accepts it, A is a contact, and B's list says it is reached through the same relay
        browserB.until("A's request on B's page", d -> !browserB.findAll(
                "li.request[data-peer='" + idA + "'] button.accept").isEmpty());
        browserB.find("li.request[data-peer='" + idA + "'] button.accept").click();
        pageB.awaitContact(idA, "data-state", "CONNECTED");
        pageB.awaitContact(idA, "data-route", "relay");
        assertThat(pageB.contact(idA).getDomAttribute("data-relay")).isEqualTo(idR);
        assertThat(pageB.routeShown(idA)).isEqualTo(relayShown);
        assertThat(pageB.shownWhole("button.contact[data-peer='" + idA + "'] .route"))
                .as("the relay's name whole in B's contact list").isTrue();
        assertThat(Http.text(b.json("GET", "/api/peers/" + idA, null, 200), "route")).as("A's route at B")
                .isEqualTo("relay");
        pageB.openConversation(idA);
        assertThat(browserB.find("#chat-status").getText()).startsWith("Connected " + relayShown);

        // a message typed on A goes through the circuit and turns delivered
        String text = "Through the relay, and it cannot read this";
        pageA.composer().sendKeys(text, Keys.ENTER);
        pageB.awaitBubble(text);
        WebElement bubble = pageA.awaitStatus(text, "DELIVERED", Browser.WAIT);
        assertThat(ChatPage.tick(bubble)).isEqualTo("✓✓");
        browserA.screenshot("relay-a-via-relay");
        browserB.screenshot("relay-b-via-relay");
    }

    /** The peer reserved a slot on the relay: its identity shows the relay RESERVED. */
    private static void awaitReserved(PeerProcess peer) {
        long deadline = System.nanoTime() + RESERVE_TIMEOUT.toNanos();
        JsonNode relays = null;
        while (System.nanoTime() < deadline) {
            relays = peer.json("GET", "/api/identity", null, 200).get("relays");
            for (JsonNode r : relays) {
                if (idR.equals(Http.text(r, "relayId")) && "RESERVED".equals(Http.text(r, "state"))) {
                    return;
                }
            }
            sleep(Duration.ofMillis(200));
        }
        throw new AssertionError(peer + " did not reserve a slot on the relay within " + RESERVE_TIMEOUT + ": " + relays);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
