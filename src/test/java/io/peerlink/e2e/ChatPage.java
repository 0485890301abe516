package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * A peer's chat page ({@code /}) in one browser, as a person sees and uses it: contacts, the open
 * conversation, the composer and the dialogs, found by the ids and data attributes of
 * {@code static/index.html}.
 */
final class ChatPage {

    final Browser browser;
    final PeerProcess peer;

    ChatPage(Browser browser, PeerProcess peer) {
        this.browser = browser;
        this.peer = peer;
    }

    void open() {
        browser.open(peer.uri("/").toString());
        awaitReady();
    }

    /** The page loaded this peer's identity and contacts. */
    void awaitReady() {
        browser.until(peer + "'s page to be ready",
                d -> (Boolean) browser.js("return document.body.classList.contains('ready')"));
    }

    void awaitLive() {
        browser.until(peer + "'s page to follow the event stream",
                d -> "live".equals(browser.find("#stream-state").getDomAttribute("data-state")));
    }

    WebElement contact(String peerId) {
        return browser.visible("button.contact[data-peer='" + peerId + "']");
    }

    void awaitContact(String peerId, String attribute, String value) {
        browser.until("contact " + peerId.substring(0, 8) + " with " + attribute + "=" + value + " on " + peer,
                Duration.ofSeconds(90), d -> {
                    List<WebElement> found = browser.findAll("button.contact[data-peer='" + peerId + "']");
                    return !found.isEmpty() && value.equals(found.getFirst().getDomAttribute(attribute));
                });
    }

    /** How the contact list says the contact is reached ("direct", "via …"), or "" when it says nothing. */
    String routeShown(String peerId) {
        List<WebElement> route = contact(peerId).findElements(By.cssSelector(".route"));
        return route.isEmpty() ? "" : route.getFirst().getText();
    }

    /** Opens the conversation from the contact list with the keyboard (focus, Enter). */
    void openConversation(String peerId) {
        WebElement c = contact(peerId);
        browser.js("arguments[0].focus()", c);
        c.sendKeys(Keys.ENTER);
        awaitConversation(peerId);
    }

    void awaitConversation(String peerId) {
        browser.until("the conversation with " + peerId.substring(0, 8) + " on " + peer, d -> {
            WebElement section = browser.find("#conversation");
            return section.isDisplayed() && peerId.equals(section.getDomAttribute("data-peer"))
                    && "ready".equals(section.getDomAttribute("data-state"));
        });
    }

    WebElement composer() {
        return browser.find("#composer-text");
    }

    String byteCount() {
        return browser.find("#byte-count").getText();
    }

    /** The bubbles whose text is exactly {@code text} (as text: their textContent). */
    @SuppressWarnings("unchecked")
    List<WebElement> bubbles(String text) {
        return new ArrayList<>((List<WebElement>) browser.js("return [...document.querySelectorAll('#message-list li.msg')]"
                + ".filter(li => li.querySelector('.text').textContent === arguments[0])", text));
    }

    WebElement awaitBubble(String text) {
        return awaitBubble(text, Browser.WAIT);
    }

    WebElement awaitBubble(String text, Duration timeout) {
        return browser.until("a bubble \"" + text + "\" on " + peer, timeout, d -> {
            List<WebElement> found = bubbles(text);
            return found.isEmpty() ? null : found.getFirst();
        });
    }

    WebElement awaitStatus(String text, String status, Duration timeout) {
        return browser.until("\"" + text + "\" to show " + status + " on " + peer, timeout, d -> {
            List<WebElement> found = bubbles(text);
            return !found.isEmpty() && status.equals(found.getFirst().getDomAttribute("data-status"))
                    ? found.getFirst() : null;
        });
    }

    static String tick(WebElement bubble) {
        return bubble.findElement(By.cssSelector(".tick")).getText();
    }

    /**
     * From now on, every status a bubble shows is written down in the page (a MutationObserver on the
     * list), however briefly it is shown: {@link #statusesShown(String)} reads them back.
     */
    void recordStatuses() {
        browser.js("""
                window.__statusLog = [];
                new MutationObserver((records) => records.forEach((r) => {
                  if (r.type === 'attributes' && r.target.matches('li.msg')) {
                    window.__statusLog.push([r.target.dataset.id, r.oldValue]);
                  }
                })).observe(document.getElementById('message-list'),
                  { subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ['data-status'] });
                """);
    }

    /** The statuses the bubble showed since {@link #recordStatuses()}, in order, repeats dropped. */
    @SuppressWarnings("unchecked")
    List<String> statusesShown(WebElement bubble) {
        String id = bubble.getDomAttribute("data-id");
        List<List<String>> log = (List<List<String>>) browser.js("return window.__statusLog");
        List<String> shown = new ArrayList<>();
        for (List<String> entry : log) {
            if (entry.get(0).equals(id)) {
                shown.add(entry.get(1));
            }
        }
        shown.add(bubble.getDomAttribute("data-status"));
        List<String> distinct = new ArrayList<>();
        for (String s : shown) {
            if (distinct.isEmpty() || !distinct.getLast().equals(s)) {
                distinct.add(s);
            }
        }
        return distinct;
    }

    /** Leaves a mark in the page: {@link #assertNotReloaded()} fails if the page was loaded again since. */
    void markNoReload() {
        browser.js("window.__notReloaded = true");
    }

    void assertNotReloaded() {
        assertThat(browser.js("return window.__notReloaded === true")).as("%s's page was not reloaded", peer)
                .isEqualTo(true);
    }

    /** Opens the contact dialog of the open conversation. */
    void openInfo() {
        browser.find("#open-info").click();
        browser.until("the contact dialog on " + peer, d -> (Boolean) browser.js(
                "return document.getElementById('info-dialog').open"));
    }

    /** Closes the open dialog with Escape. */
    void escape() {
        browser.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        browser.until("no dialog open on " + peer, d -> (Boolean) browser.js(
                "return document.querySelectorAll('dialog[open]').length === 0"));
    }

    /** Renames the contact of the open conversation through its dialog. */
    void rename(String alias) {
        openInfo();
        WebElement input = browser.find("#rename-input");
        input.clear();
        input.sendKeys(alias, Keys.ENTER);
        browser.until("the contact to be called " + alias + " on " + peer,
                d -> alias.equals(browser.find("#chat-name").getText()));
        escape();
    }

    /**
     * Whether all of the element's content is on screen: nothing scrolled or cut off inside it, and
     * the element itself within the viewport's width.
     */
    boolean shownWhole(String css) {
        return (Boolean) browser.js("const e = document.querySelector(arguments[0]);"
                + "const r = e.getBoundingClientRect();"
                + "return e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight + 1"
                + " && r.width > 0 && r.left >= 0 && r.right <= document.documentElement.clientWidth", css);
    }

    /** Whether the element {@code inner} lies wholly inside {@code outer} on screen. */
    boolean inside(String inner, String outer) {
        return (Boolean) browser.js("const i = document.querySelector(arguments[0]).getBoundingClientRect();"
                + "const o = document.querySelector(arguments[1]).getBoundingClientRect();"
                + "return i.width > 0 && i.left >= o.left && i.right <= o.right"
                + " && i.top >= o.top && i.bottom <= o.bottom", inner, outer);
    }

    /** The digits of the safety number the contact dialog shows. */
    String safetyNumberShown() {
        return browser.find("#safety-number").getText().replaceAll("\\D", "");
    }
}
