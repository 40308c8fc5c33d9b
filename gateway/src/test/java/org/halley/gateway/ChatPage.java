package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.halley.testkit.BrowserFixture;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page in a real browser, seen as a person uses it: fill the connect form, pick a
 * conversation, type, read what is shown. Test hooks (page-hooks.js) are installed before the
 * page's own scripts run.
 */
final class ChatPage {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Duration WAIT = Duration.ofSeconds(30); // the IRC bridge paces what a person sends (flood control)

    private final BrowserFixture browser;

    ChatPage(BrowserFixture browser) {
        this.browser = browser;
        hook();
    }

    /** The test's hooks (script errors, CSP violations, events) and UTC, in the current tab. */
    private void hook() {
        cdp("Page.enable", Map.of());
        cdp("Page.addScriptToEvaluateOnNewDocument", Map.of("source", resource("page-hooks.js")));
        cdp("Emulation.setTimezoneOverride", Map.of("timezoneId", "UTC"));
    }

    /** Opens a new tab, hooked as the first, and switches to it; returns its handle. */
    String newTab() {
        driver().switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        hook();
        return driver().getWindowHandle();
    }

    ChromeDriver driver() {
        return browser.driver();
    }

    Object cdp(String command, Map<String, Object> params) {
        return browser.driver().executeCdpCommand(command, params);
    }

    /**
     * A fresh visit: the page open before it (of the same origin) is left as a person leaving
     * for good would, its session ended and forgotten, so the new page starts at the connect
     * screen rather than resuming it (see {@link #reload()}).
     */
    ChatPage open(String url) {
        leave(url);
        return visit(url);
    }

    /**
     * Leaves the chat page of {@code url}'s origin in this tab for good: its session is ended and
     * forgotten (a later page of that origin in this tab, also in an iframe, starts afresh).
     */
    void leave(String url) {
        String origin = java.net.URI.create(url).resolve("/").toString();
        if (!driver().getCurrentUrl().startsWith(origin)) {
            driver().get(origin + "healthz"); // the origin's sessionStorage is reachable from here
        }
        js("if (window.halleyClient) window.halleyClient.stop(); sessionStorage.clear();");
    }

    /** Goes to {@code url} in this tab as it is: a stored session is resumed. */
    ChatPage visit(String url) {
        driver().get(url);
        return loaded();
    }

    /** Reloads the page, as a person pressing F5 does. */
    ChatPage reload() {
        driver().navigate().refresh();
        return loaded();
    }

    private ChatPage loaded() {
        browser.waiting(WAIT).until(d -> Boolean.TRUE.equals(js("return !!document.body && !document.body.classList.contains('loading')")));
        return this;
    }

    Object js(String script, Object... args) {
        return driver().executeScript(script, args);
    }

    WebElement el(String id) {
        return driver().findElement(By.id(id));
    }

    private WebDriverWait waiting() {
        return waiting(WAIT);
    }

    private WebDriverWait waiting(Duration timeout) {
        WebDriverWait w = browser.waiting(timeout);
        w.ignoring(StaleElementReferenceException.class);
        w.withMessage(() -> "page state: " + state());
        return w;
    }

    /** What the page shows now, for failure messages. */
    String state() {
        try {
            return String.valueOf(js("""
                    const lines = [...document.querySelectorAll('#messages > li')].slice(-8).map(li => li.textContent);
                    const pending = [...document.querySelectorAll('#pending > li')].map(li => li.textContent + ' ' + li.title);
                    const sidebar = [...document.querySelectorAll('#networks .conv')].map(b => b.dataset.name + (b.classList.contains('parted') ? ' (parted)' : ''));
                    return JSON.stringify({title: document.getElementById('conv-title').textContent, pending, sidebar,
                      client: window.halleyClient && {state: window.halleyClient.state, pending: window.halleyClient.pending()},
                      link: document.getElementById('link-state').textContent, errors: window.__errors, lines, events: window.__events});
                    """));
        } catch (RuntimeException e) {
            return "(unavailable: " + e.getMessage() + ")";
        }
    }

    WebElement await(By by) {
        return waiting().until(ExpectedConditions.presenceOfElementLocated(by));
    }

    void awaitVisible(By by) {
        waiting().until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    void until(String description, java.util.function.BooleanSupplier condition) {
        until(description, WAIT, condition);
    }

    void until(String description, Duration timeout, java.util.function.BooleanSupplier condition) {
        waiting(timeout).withMessage(() -> description + "; page state: " + state()).until(d -> condition.getAsBoolean());
    }

    /** Presses Connect and waits for the chat screen. */
    void connect() {
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("connect-button"))).click();
        awaitVisible(By.id("chat-screen"));
        recordEvents();
    }

    /** Keeps the last events the page received, for failure messages. */
    void recordEvents() {
        js("""
                const c = window.halleyClient, handle = c.onEvent;
                if (!c || c.__recorded) return;
                window.__events = [];
                c.onEvent = (e, seq) => { window.__events.push(JSON.stringify(e)); window.__events.splice(0, window.__events.length - 12); handle(e, seq); };
                c.__recorded = true;
                """);
    }

    /** Waits until {@code name} is open (the header shows it, or its short form with the full name as title). */
    void awaitConversation(String name) {
        waiting().until(d -> {
            WebElement title = d.findElement(By.id("conv-title"));
            return title.getText().equals(name) || name.equals(title.getAttribute("title"));
        });
    }

    /** Clicks a conversation in the side list. */
    void select(String name) {
        waiting().until(d -> { // the list is redrawn as events come: find and click in one go
            sidebarItem(name).click();
            return true;
        });
        awaitConversation(name);
    }

    WebElement sidebarItem(String name) {
        return await(By.xpath("//div[@id='networks']//button[contains(@class,'conv') and @data-name=" + literal(name) + "]"));
    }

    /** Types a line into the composer and presses Enter. */
    void type(String text) {
        WebElement input = el("input");
        input.sendKeys(text);
        input.sendKeys(Keys.ENTER);
    }

    WebElement awaitMessage(String from, String text) {
        return await(By.xpath("//ol[@id='messages']/li[@data-from=" + literal(from) + "]/span[@class='text' and .=" + literal(text) + "]"));
    }

    /** A line in the message list whose text contains {@code text}. */
    WebElement awaitLine(String text) {
        return await(By.xpath("//ol[@id='messages']/li[contains(., " + literal(text) + ")]"));
    }

    List<WebElement> pending() {
        return driver().findElements(By.cssSelector("#pending li"));
    }

    /** Pastes text into the composer as the browser does (a paste event carrying clipboard data). */
    Object paste(String text) {
        return js("""
                const input = document.getElementById('input');
                input.focus();
                const data = new DataTransfer();
                data.setData('text/plain', arguments[0]);
                const started = performance.now();
                input.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
                return performance.now() - started;
                """, text);
    }

    /** The network goes away for the page: every push request is refused and open sockets close. */
    void cutLink() {
        cdp("Network.enable", Map.of());
        cdp("Network.setBlockedURLs", Map.of("urls", List.of("*/push/*")));
        js("window.__cut()");
    }

    /** The network is back. */
    void restoreLink() {
        cdp("Network.setBlockedURLs", Map.of("urls", List.of()));
        js("window.__restore()");
    }

    /** Takes a screenshot at a viewport size; narrow sizes are emulated as a phone. */
    Path screenshot(String name, int width, int height) {
        boolean phone = width < 700;
        cdp("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", phone));
        try {
            js("return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
            return browser.screenshot(SCREENSHOTS, name);
        } finally {
            cdp("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    void viewport(int width, int height) {
        cdp("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 700));
    }

    void resetViewport() {
        cdp("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    void dark(boolean dark) {
        cdp("Emulation.setEmulatedMedia", Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", dark ? "dark" : "light"))));
    }

    /** No script error and no CSP violation happened in the page. */
    void assertNoErrors() {
        assertThat((List<?>) js("return window.__errors")).as("script errors in the page").isEmpty();
        assertThat((List<?>) js("return window.__csp")).as("CSP violations in the page").isEmpty();
    }

    static String literal(String s) {
        if (!s.contains("'")) {
            return "'" + s + "'";
        }
        if (!s.contains("\"")) {
            return "\"" + s + "\"";
        }
        return "concat('" + s.replace("'", "', \"'\", '") + "')";
    }

    static String resource(String name) {
        try (InputStream in = ChatPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
