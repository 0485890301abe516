package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.support.Http;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Issue 11: the chat page in a real browser. Two peer processes (chat-a on the first host, chat-b on
 * the second, chat-b with a 2 KB message limit), one headless Chromium per peer, each on its own
 * peer's page. The tests run in order, as one story: connect, talk both ways, a peer that goes away
 * and comes back, verification, markup in a message, the API token, a key that changed. Each saves
 * screenshots in {@code target/screenshots}; peer logs are {@code target/e2e/chat-*.log}.
 */
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatPageE2ETest {

    private static final Duration BACK_TIMEOUT = Duration.ofSeconds(180);
    private static final List<String> STATUS_ORDER = List.of("SENDING", "QUEUED", "SENT", "DELIVERED");

    @TempDir
    static Path dataDirs;

    private static PeerProcess a;
    private static PeerProcess b;
    private static Browser browserA;
    private static Browser browserB;
    private static ChatPage pageA;
    private static ChatPage pageB;
    private static String idA;
    private static String idB;

    /** A failed test leaves both browsers' screens behind. */
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
        for (String host : List.of(E2e.hostA(), E2e.hostB())) {
            E2e.requireFree(host, E2e.PEER_PORT);
            E2e.requireFree(host, E2e.API_PORT);
        }
        a = new PeerProcess("chat-a", E2e.hostA(), dataDirs.resolve("a"), null);
        b = new PeerProcess("chat-b", E2e.hostB(), dataDirs.resolve("b"), null).env("PEERLINK_MAX_MESSAGE_BYTES", "2KB");
        a.deleteLog();
        b.deleteLog();
        a.start();
        b.start();
        // the browsers start while the peers do
        browserA = Browser.start("a");
        browserB = Browser.start("b");
        a.awaitHealthy();
        b.awaitHealthy();
        idA = a.peerId();
        idB = b.peerId();
        pageA = new ChatPage(browserA, a);
        pageB = new ChatPage(browserB, b);
    }

    @AfterEach
    void theConsolesShowNoFault() {
        assertThat(browserA.pageErrors()).as("faults in the console of A's page").isEmpty();
        assertThat(browserB.pageErrors()).as("faults in the console of B's page").isEmpty();
    }

    @AfterAll
    static void stop() {
        Stream.of(browserA, browserB).filter(x -> x != null).forEach(Browser::close);
        Stream.of(a, b).filter(p -> p != null).forEach(PeerProcess::kill);
    }

    @Test
    @Order(1)
    void connectsAToBByPastingBsInviteIntoAsPage() {
        pageB.open();
        String invite = browserB.find("#welcome-invite").getDomProperty("value");
        assertThat(invite).as("the invite B's page shows")
                .isEqualTo(Http.text(b.json("GET", "/api/identity", null, 200), "invite"))
                .isEqualTo("peerlink://" + idB + "@" + E2e.hostB() + ":" + E2e.PEER_PORT);
        // the whole invite is on screen, its end (@host:port) included: on a desktop, in the dialog, at 360 px
        assertThat(pageB.shownWhole("#welcome-invite")).as("the whole invite on B's welcome screen").isTrue();
        browserB.find("#open-identity").click();
        assertThat(browserB.visible("#my-invite").getDomProperty("value")).isEqualTo(invite);
        assertThat(pageB.shownWhole("#my-invite")).as("the whole invite in B's identity dialog").isTrue();
        pageB.escape();
        browserB.viewport(360, 740, true);
        try {
            browserB.find("#open-identity").click();
            assertThat(pageB.shownWhole("#my-invite")).as("the whole invite in the dialog at 360 px").isTrue();
            browserB.screenshot("1-invite-b-360");
            pageB.escape();
        } finally {
            browserB.desktop();
        }

        pageA.open();
        pageA.awaitLive();
        assertThat(browserA.findAll("button.contact")).as("contacts of A before connecting").isEmpty();
        browserA.find("#open-connect").click();
        WebElement field = browserA.driver.switchTo().activeElement();
        assertThat(field.getDomAttribute("id")).as("the field the connect dialog focuses").isEqualTo("connect-invite");
        // its own invite is refused, and the dialog says why
        field.sendKeys(Http.text(a.json("GET", "/api/identity", null, 200), "invite"), Keys.ENTER);
        browserA.until("the refusal of A's own invite",
                d -> browserA.find("#connect-form").getText().contains("this peer"));
        browserA.screenshot("1-connect-dialog-a");
        field.clear();
        field.sendKeys(invite, Keys.ENTER);

        pageA.awaitConversation(idB);
        pageA.awaitContact(idB, "data-state", "CONNECTED");
        assertThat(a.peerState(idB)).as("B at A").isEqualTo("CONNECTED");
        // how: directly (a relayed connection says "via" its relay: RelayChatPageE2ETest)
        assertThat(Http.text(a.json("GET", "/api/peers/" + idB, null, 200), "route")).isEqualTo("direct");
        pageA.awaitContact(idB, "data-route", "direct");
        assertThat(pageA.contact(idB).getDomAttribute("data-relay")).isEmpty();
        assertThat(pageA.routeShown(idB)).isEqualTo("direct");
        assertThat(browserA.find("#chat-status").getText()).startsWith("Connected directly");
        // B's page hears of A through its event stream: no reload
        pageB.awaitContact(idA, "data-state", "CONNECTED");

        pageA.rename("Bob");
        assertThat(Http.text(a.json("GET", "/api/peers/" + idB, null, 200), "alias")).isEqualTo("Bob");
        assertThat(pageA.contact(idB).getText()).contains("Bob").contains("Connected").contains("Unverified");
        pageB.openConversation(idA);
        pageB.rename("Alice");
        assertThat(pageB.contact(idA).getText()).contains("Alice");
        browserA.screenshot("1-connected-a");
    }

    @Test
    @Order(2)
    void aMessageTypedOnAAppearsOnBWithoutAReloadAndItsTickGoesFromSentToDelivered() {
        String text = "Hi Bob! Coffee at ten — the usual café?";
        pageB.markNoReload();
        pageA.recordStatuses();
        WebElement box = pageA.composer();
        box.sendKeys(text);
        // the UTF-8 length, against A's limit, before anything is sent
        assertThat(pageA.byteCount()).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length + " / 65,536 bytes");
        assertThat(text.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(text.length());
        box.sendKeys(Keys.ENTER);
        assertThat(box.getDomProperty("value")).as("the composer after Enter").isEmpty();

        WebElement onB = pageB.awaitBubble(text);
        assertThat(onB.getDomAttribute("class")).contains("in");
        WebElement onA = pageA.awaitStatus(text, "DELIVERED", Browser.WAIT);
        assertThat(onA.getDomAttribute("class")).contains("out");
        assertThat(ChatPage.tick(onA)).isEqualTo("✓✓");
        List<String> shown = pageA.statusesShown(onA);
        assertThat(shown).as("the ticks A's bubble showed").containsSubsequence("SENT", "DELIVERED")
                .isSortedAccordingTo((x, y) -> STATUS_ORDER.indexOf(x) - STATUS_ORDER.indexOf(y));
        pageB.assertNotReloaded();
        assertThat(pageB.bubbles(text)).as("the message on B, once").hasSize(1);
        browserB.screenshot("2-received-b");
    }

    @Test
    @Order(3)
    void bAnswersWithTheKeyboardAndASeesIt() {
        pageB.markNoReload();
        // keyboard only: Enter on the contact puts the focus in the composer; Shift+Enter is a new line
        WebElement contact = pageB.contact(idA);
        browserB.js("arguments[0].focus()", contact);
        contact.sendKeys(Keys.ENTER);
        WebElement box = browserB.driver.switchTo().activeElement();
        assertThat(box.getDomAttribute("id")).as("the focus after opening a contact").isEqualTo("composer-text");
        assertThat(pageB.byteCount()).as("B's own limit").isEqualTo("0 / 2,048 bytes");
        box.sendKeys("Sounds good.", Keys.chord(Keys.SHIFT, Keys.ENTER), "See you there!");
        assertThat(box.getDomProperty("value")).isEqualTo("Sounds good.\nSee you there!");
        box.sendKeys(Keys.ENTER);
        String answer = "Sounds good.\nSee you there!";

        WebElement onA = pageA.awaitBubble(answer);
        assertThat(onA.getDomAttribute("class")).contains("in");
        assertThat(pageB.awaitStatus(answer, "DELIVERED", Browser.WAIT).getDomAttribute("class")).contains("out");
        pageB.assertNotReloaded();
        browserA.screenshot("3-conversation-a");
        browserB.screenshot("3-conversation-b");

        browserA.colorScheme("dark");
        browserA.screenshot("3-conversation-a-dark");
        browserA.colorScheme("light");

        // a phone: one column, nothing wider than the screen; back to the contacts and in again
        browserA.viewport(360, 740, true);
        try {
            assertThat(browserA.js("return document.documentElement.scrollWidth")).as("page width at 360 px")
                    .isEqualTo(360L);
            assertThat(browserA.find(".sidebar").isDisplayed()).as("contacts beside a conversation at 360 px").isFalse();
            browserA.screenshot("3-conversation-a-360");
            browserA.find("#back").click();
            pageA.contact(idB);
            assertThat(browserA.find("#chat").isDisplayed()).isFalse();
            browserA.screenshot("3-contacts-a-360");
            pageA.openConversation(idB);
        } finally {
            browserA.desktop();
        }
    }

    @Test
    @Order(4)
    void aMessageToAStoppedPeerShowsQueuedAndTurnsDeliveredByItselfOnceItIsBack() throws IOException {
        pageA.markNoReload();
        pageB.markNoReload();
        b.stop();
        pageA.awaitContact(idB, "data-state", "DISCONNECTED");
        assertThat(browserA.find("#chat-status").getText()).startsWith("Offline");

        String text = "Running five minutes late, sorry!";
        pageA.composer().sendKeys(text, Keys.ENTER);
        WebElement queued = pageA.awaitStatus(text, "QUEUED", Browser.WAIT);
        assertThat(ChatPage.tick(queued)).isEqualTo("◷");
        pageA.awaitContact(idB, "data-undelivered", "1");
        assertThat(pageA.contact(idB).getText()).contains("1 queued");
        browserA.screenshot("4-queued-a");

        b.restart();
        // nobody touches either page from here
        pageA.awaitStatus(text, "DELIVERED", BACK_TIMEOUT);
        pageA.awaitContact(idB, "data-undelivered", "0");
        // B's page stayed open while its peer was down: its stream resumes and shows each message once
        pageB.awaitBubble(text, Duration.ofSeconds(60));
        pageB.awaitLive();
        assertThat(pageB.bubbles(text)).hasSize(1);
        assertThat(pageB.bubbles("Hi Bob! Coffee at ten — the usual café?")).hasSize(1);
        pageA.assertNotReloaded();
        pageB.assertNotReloaded();
        browserA.screenshot("4-delivered-a");
        browserB.screenshot("4-resumed-b");
    }

    @Test
    @Order(5)
    void marksBVerifiedOnAByComparingTheSafetyNumbersShownOnBothPages() throws IOException {
        pageB.openInfo();
        String onB = pageB.safetyNumberShown();
        pageB.escape();
        pageA.openInfo();
        String onA = pageA.safetyNumberShown();
        assertThat(onA).as("the safety numbers on both pages").hasSize(60).isEqualTo(onB);
        HttpResponse<String> qr = a.get("/api/peers/" + idB + "/safety-number.svg");
        if (qr.statusCode() == 200) {
            assertThat(browserA.visible("#safety-qr svg").getDomAttribute("aria-label")).contains("QR");
        } else {
            assertThat(browserA.find("#safety-qr").isDisplayed()).as("a QR code this peer does not serve").isFalse();
        }

        // nothing compared yet: "Mark as verified" cannot be used, and the page says why
        WebElement verify = browserA.find("#verify");
        assertThat(verify.isEnabled()).as("Mark as verified before any comparison").isFalse();
        assertThat(browserA.find("#verify-hint").getText()).contains("Compare the numbers first");
        // a number that differs is called out, and cannot be confirmed, even with the box ticked
        WebElement compare = browserA.find("#safety-compare");
        String wrong = (onB.charAt(0) == '9' ? "0" : "9") + onB.substring(1);
        compare.sendKeys(wrong);
        assertThat(browserA.find("#safety-compare-result").getText()).contains("differ");
        browserA.find("#safety-compared").click();
        assertThat(verify.isEnabled()).as("Mark as verified with a number that differs").isFalse();
        browserA.find("#safety-compared").click();
        verify.click();
        assertThat(Http.text(a.json("GET", "/api/peers/" + idB, null, 200), "trust")).isEqualTo("UNVERIFIED");
        // half a number is not a comparison either
        compare.clear();
        compare.sendKeys(onB.substring(0, 30));
        assertThat(verify.isEnabled()).as("Mark as verified with 30 of 60 digits").isFalse();

        // the number B's page shows
        compare.clear();
        compare.sendKeys(onB);
        assertThat(browserA.find("#safety-compare-result").getText()).contains("match");
        assertThat(verify.isEnabled()).as("Mark as verified once the numbers match").isTrue();
        verify.click();
        browserA.until("B to be verified in the dialog",
                d -> "VERIFIED".equals(browserA.find("#info-trust").getDomAttribute("data-trust")));
        browserA.screenshot("5-verified-a");
        pageA.escape();
        pageA.awaitContact(idB, "data-trust", "VERIFIED");
        assertThat(browserA.find("#chat-trust").getText()).contains("Verified");
        assertThat(Http.text(a.json("GET", "/api/peers/" + idB, null, 200), "trust")).isEqualTo("VERIFIED");

        // on B, the numbers were read out: nothing is typed, the person says they compared them
        pageB.openInfo();
        WebElement verifyOnB = browserB.find("#verify");
        assertThat(verifyOnB.isEnabled()).as("Mark as verified on B before the box is ticked").isFalse();
        browserB.find("#safety-compared").click();
        assertThat(verifyOnB.isEnabled()).as("Mark as verified on B once the box is ticked").isTrue();
        verifyOnB.click();
        browserB.until("A to be verified in B's dialog",
                d -> "VERIFIED".equals(browserB.find("#info-trust").getDomAttribute("data-trust")));
        pageB.escape();
        assertThat(Http.text(b.json("GET", "/api/peers/" + idA, null, 200), "trust")).isEqualTo("VERIFIED");

        // a phone: the conversation header keeps the trust badge beside the name and the dialog button
        browserA.viewport(360, 740, true);
        try {
            assertThat(browserA.find("#chat-trust").isDisplayed()).as("the trust badge at 360 px").isTrue();
            assertThat(browserA.find("#chat-trust").getText()).contains("Verified");
            assertThat(pageA.inside("#chat-trust", ".chat-head")).as("the badge inside the header at 360 px").isTrue();
            assertThat(pageA.inside("#open-info", ".chat-head")).as("the dialog button inside the header").isTrue();
            assertThat(pageA.shownWhole(".chat-head")).as("the header at 360 px, nothing cut off").isTrue();
            assertThat(browserA.find("#chat-name").getText()).isEqualTo("Bob");
            assertThat(browserA.find("#open-info").getAccessibleName()).isEqualTo("Safety number");
            browserA.screenshot("5-verified-header-a-360");
        } finally {
            browserA.desktop();
        }
        // the conversation as a person sees it (docs/chat.png is one of these): no notice, no focus ring
        browserA.until("the notice to go",
                d -> (Boolean) browserA.js("return getComputedStyle(document.getElementById('toast')).opacity === '0'"));
        browserA.js("document.activeElement.blur()");
        browserA.viewport(1024, 600, false);
        try {
            browserA.screenshot("5-conversation-verified-a");
        } finally {
            browserA.desktop();
        }
    }

    @Test
    @Order(6)
    void markupInAMessageIsShownAsTextAndRunsNothing() throws IOException {
        String markup = "<img src=x onerror=alert(1)>";
        pageA.composer().sendKeys(markup, Keys.ENTER);
        WebElement onB = pageB.awaitBubble(markup);
        pageA.awaitStatus(markup, "DELIVERED", Browser.WAIT);
        assertThat(browserB.js("const t = arguments[0].querySelector('.text');"
                + "return t.childNodes.length === 1 && t.firstChild.nodeType === Node.TEXT_NODE", onB))
                .as("the bubble holds one text node").isEqualTo(true);
        assertThat(onB.getText()).startsWith(markup);

        // through the API too, and as a contact's name
        String script = "<script>alert(2)</script><b>bold?</b>";
        b.json("POST", "/api/messages", Map.of("to", idA, "text", script), 202);
        pageA.awaitBubble(script);
        pageB.rename("<i>Alice</i>");
        assertThat(browserB.find("#chat-name").getText()).isEqualTo("<i>Alice</i>");

        for (Browser x : List.of(browserA, browserB)) {
            assertThat(x.findAll("#message-list img, #message-list script, #message-list b, .contact i, #chat-name i"))
                    .as("elements made from text on %s", x).isEmpty();
            assertThat(x.alertOpens(Duration.ofSeconds(2))).as("an alert on %s", x).isFalse();
        }
        browserB.screenshot("6-markup-as-text-b");
        pageB.rename("Alice");

        // and had a script got into the page, its policy would refuse to run it
        HttpResponse<String> page = a.get("/");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).startsWith("default-src 'self';"));
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        browserA.js("const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
                + "document.head.append(s)");
        assertThat(browserA.js("return window.__ran === undefined")).as("an inline script ran").isEqualTo(true);
        assertThat(browserA.pageErrors()).as("the console after an inline script")
                .isNotEmpty().allMatch(m -> m.contains("Content Security Policy"));
    }

    @Test
    @Order(7)
    void withAnApiTokenThePageAsksForItOnceAndThenWorks() throws IOException {
        String token = HexFormat.of().formatHex(randomBytes());
        pageA.markNoReload();
        a.stop();
        a.env("PEERLINK_API_TOKEN", token).bearer(token);
        a.restart();
        assertThat(a.send("GET", "/api/identity", null, Duration.ofSeconds(10)).statusCode()).isEqualTo(200);

        // the open page's stream comes back to a 401: the page asks by itself
        browserA.until("A's page to ask for the token", Duration.ofSeconds(60),
                d -> (Boolean) browserA.js("return document.getElementById('token-dialog').open"));
        pageA.assertNotReloaded();
        browserA.screenshot("7-token-asked-a");
        WebElement field = browserA.driver.switchTo().activeElement();
        assertThat(field.getDomAttribute("id")).isEqualTo("token-input");
        field.sendKeys("not-the-token", Keys.ENTER);
        browserA.until("the wrong token to be refused",
                d -> browserA.find("#token-error").getText().contains("not accepted"));
        WebElement again = browserA.find("#token-input");
        again.sendKeys(token, Keys.ENTER);
        browserA.until("the token dialog to close", d -> (Boolean) browserA.js(
                "return !document.getElementById('token-dialog').open"));
        pageA.awaitLive();
        assertThat(browserA.js("return sessionStorage.getItem('peerlink.api-token')")).isEqualTo(token);

        // it works: A dials B again by itself, B's message arrives live, A's reply is delivered
        pageA.awaitContact(idB, "data-state", "CONNECTED");
        pageB.awaitContact(idA, "data-state", "CONNECTED");
        pageB.composer().sendKeys("Did you lock your peer?", Keys.ENTER);
        pageA.awaitBubble("Did you lock your peer?");
        pageA.composer().sendKeys("Yes: it asks for a token now.", Keys.ENTER);
        pageA.awaitStatus("Yes: it asks for a token now.", "DELIVERED", Browser.WAIT);

        // asked once: a reload of the tab keeps the token
        browserA.driver.navigate().refresh();
        pageA.awaitReady();
        assertThat(browserA.js("return document.getElementById('token-dialog').open")).isEqualTo(false);
        pageA.openConversation(idB);
        pageA.awaitBubble("Did you lock your peer?");
        browserA.screenshot("7-with-token-a");
    }

    @Test
    @Order(8)
    void whenAnotherIdentityAnswersAtBsAddressAsPageShowsTheKeyChangedBanner() throws IOException {
        b.stop();
        // a peer with a new key where B was: A dials it again by itself and refuses it
        PeerProcess other = new PeerProcess("chat-b-new-key", E2e.hostB(), dataDirs.resolve("b-new-key"), null);
        other.deleteLog();
        other.start();
        try {
            other.awaitHealthy();
            pageA.awaitContact(idB, "data-trust", "CHANGED");
            WebElement banner = browserA.visible("#changed-banner");
            assertThat(banner.getText()).contains("Key changed")
                    .contains(E2e.hostB() + ":" + E2e.PEER_PORT).contains("Bob");
            assertThat(browserA.find("#chat-trust").getText()).contains("Key changed");
            assertThat(pageA.contact(idB).getText()).contains("Key changed");
            assertThat(Http.text(a.json("GET", "/api/peers/" + idB, null, 200), "trust")).isEqualTo("CHANGED");
            browserA.screenshot("8-key-changed-a");
            pageA.openInfo();
            assertThat(browserA.visible("#info-changed").getText()).contains("Another identity answered");
            pageA.escape();
        } finally {
            other.kill();
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
