package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.halley.config.ConfigLoader;
import org.halley.testkit.BrowserFixture;
import org.halley.testkit.Closing;
import org.halley.testkit.FirefoxFixture;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.Ports;
import org.halley.testkit.RawIrcClient;
import org.halley.testkit.Waiting;
import org.halley.testkit.WebKitFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.remote.RemoteWebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The chat page on every transport halley.js offers, forced one at a time, under the page's own
 * Content-Security-Policy: it connects, shows which transport carries it, and talks both ways; in
 * Chromium and in Firefox.
 */
class ChatTransportsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static NgircdFixture irc;
    private static Gateway gateway;
    private static BrowserFixture browser;
    private static ChatPage page;
    private static RawIrcClient alice;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        irc = NgircdFixture.start(NgircdFixture.Options.DEFAULTS.withoutPenalties());
        int port = Ports.free();
        url = "http://127.0.0.1:" + port;
        gateway = Gateway.start(ConfigLoader.parse("test.yaml", """
                server:
                  port: %d
                  public-url: %s
                bridges:
                  - name: demo
                    kind: irc
                    host: 127.0.0.1
                    port: %d
                    tls: false
                """.formatted(port, url, irc.port())));
        alice = RawIrcClient.connect(irc.port(), "alice");
        alice.join("#transports");
        browser = BrowserFixture.start();
        page = new ChatPage(browser);
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(browser, alice, gateway, irc);
    }

    @Test
    void thePageChatsOnEveryTransportTheClientHas() {
        page.open(url + "/");
        @SuppressWarnings("unchecked")
        List<String> transports = (List<String>) page.driver().executeAsyncScript(
                "const done = arguments[0]; import('/halley.js').then(m => done(Object.keys(m.TRANSPORTS)));");
        assertThat(transports).contains("websocket");
        @SuppressWarnings("unchecked")
        Map<String, String> names = (Map<String, String>) page.driver().executeAsyncScript(
                "const done = arguments[0]; fetch('/i18n/en.json').then(r => r.json()).then(done);");
        int n = 0;
        for (String transport : transports) {
            String nick = "t" + n++;
            page.open(url + "/?network=demo&channels=%23transports&nick=" + nick + "&autoconnect=1&transport=" + transport);
            page.awaitConversation("#transports");
            String shown = names.getOrDefault("transport." + transport, transport);
            page.until("live on " + transport, () -> page.el("link-state").getText().equals("Live · " + shown));
            alice.say("#transports", "to " + nick + " over " + transport);
            page.awaitMessage("alice", "to " + nick + " over " + transport);
            page.type("from " + nick + " over " + transport);
            alice.await(l -> l.startsWith(":" + nick + "!") && l.endsWith("PRIVMSG #transports :from " + nick + " over " + transport), WAIT);
            page.assertNoErrors();
        }
    }

    /**
     * The same in Firefox (Debian's ESR, over WebDriver BiDi): the page, halley.js's every transport
     * and the chat, with real key presses, and no script error or CSP violation.
     */
    @Test
    void firefoxChatsOnEveryTransportToo() throws Exception {
        String hooks = Files.readString(Path.of(ChatPage.class.getResource("page-hooks.js").toURI()));
        try (FirefoxFixture ff = FirefoxFixture.start()) {
            ff.preload("() => {\n" + hooks + "\n}");
            ff.navigate(url + "/healthz");
            List<String> transports = List.of(ff.eval("import('/halley.js').then(m => Object.keys(m.TRANSPORTS).join(','))").split(","));
            assertThat(transports).contains("websocket", "sse", "xhr-streaming", "long-polling", "iframe");
            JsonNode names = JSON.readTree(ff.eval("fetch('/i18n/en.json').then(r => r.text())"));
            int n = 0;
            for (String transport : transports) {
                String nick = "f" + n++;
                // a fresh page: the session of the one before is ended and forgotten
                ff.eval("if (window.halleyClient) window.halleyClient.stop(); sessionStorage.clear(); 'ok'");
                ff.navigate(url + "/?network=demo&channels=%23transports&nick=" + nick + "&autoconnect=1&transport=" + transport);
                String state = "JSON.stringify({link: document.getElementById('link-state').textContent, errors: window.__errors, "
                        + "client: window.halleyClient && {state: window.halleyClient.state, last: window.halleyClient.last}, "
                        + "title: document.getElementById('conv-title').textContent, "
                        + "sidebar: [...document.querySelectorAll('#networks .conv')].map(b => b.dataset.name + ' ' + b.textContent), "
                        + "lines: [...document.querySelectorAll('#messages > li')].slice(-5).map(li => li.textContent)})";
                String live = "Live · " + names.path("transport." + transport).asText(transport);
                Waiting.until("Firefox: live on " + transport, WAIT, () -> ff.eval("document.getElementById('link-state').textContent").equals(live),
                        () -> ff.eval(state));
                alice.await(l -> l.startsWith(":" + nick + "!") && l.contains(" JOIN "), WAIT); // in the channel before alice speaks
                String in = "to " + nick + " over " + transport;
                alice.say("#transports", in);
                String shown = "[...document.querySelectorAll('#messages > li')].some(li => li.dataset.from === 'alice' "
                        + "&& li.querySelector('.text')?.textContent === " + JSON.writeValueAsString(in) + ") ? 'yes' : 'no'";
                Waiting.until("Firefox: shows " + in, WAIT, () -> ff.eval(shown).equals("yes"), () -> ff.eval(state));
                String out = "from " + nick + " over " + transport;
                ff.eval("document.getElementById('input').focus(); 'ok'");
                ff.type(out + "\uE007"); // Enter
                alice.await(l -> l.startsWith(":" + nick + "!") && l.endsWith("PRIVMSG #transports :" + out), WAIT);
                assertThat(ff.eval("JSON.stringify(window.__errors.concat(window.__csp))")).as("script errors and CSP violations in Firefox")
                        .isEqualTo("[]");
            }
            System.out.println("chat page: every transport in " + ff.version());
        }
    }

    /**
     * And in WebKit, Safari's engine (WebKitGTK's MiniBrowser; Safari does not run here): every
     * transport, both ways. The test's error hooks go in once each page has loaded.
     */
    @Test
    void webkitChatsOnEveryTransportToo() throws Exception {
        try (WebKitFixture wk = WebKitFixture.start()) {
            RemoteWebDriver d = wk.driver();
            d.get(url + "/healthz");
            @SuppressWarnings("unchecked")
            List<String> transports = (List<String>) d.executeAsyncScript(
                    "const done = arguments[arguments.length - 1]; import('/halley.js').then(m => done(Object.keys(m.TRANSPORTS)));");
            assertThat(transports).contains("websocket", "sse", "xhr-streaming", "long-polling", "iframe");
            JsonNode names = JSON.readTree((String) d.executeAsyncScript(
                    "const done = arguments[arguments.length - 1]; fetch('/i18n/en.json').then(r => r.text()).then(done);"));
            int n = 0;
            for (String transport : transports) {
                String nick = "w" + n++;
                d.executeScript("if (window.halleyClient) window.halleyClient.stop(); sessionStorage.clear();");
                d.get(url + "/?network=demo&channels=%23transports&nick=" + nick + "&autoconnect=1&transport=" + transport);
                d.executeScript("window.__errors = []; addEventListener('error', e => window.__errors.push(String(e.message)));"
                        + "addEventListener('unhandledrejection', e => window.__errors.push(String(e.reason)));");
                String live = "Live · " + names.path("transport." + transport).asText(transport);
                wk.waiting(WAIT).withMessage(() -> "live on " + transport + "; link: " + d.findElement(By.id("link-state")).getText())
                        .until(x -> d.findElement(By.id("link-state")).getText().equals(live));
                alice.await(l -> l.startsWith(":" + nick + "!") && l.contains(" JOIN "), WAIT);
                String in = "to " + nick + " over " + transport;
                alice.say("#transports", in);
                wk.waiting(WAIT).withMessage(() -> "WebKit shows " + in).until(ExpectedConditions.presenceOfElementLocated(By.xpath(
                        "//ol[@id='messages']/li[@data-from='alice']/span[@class='text' and .=" + ChatPage.literal(in) + "]")));
                String out = "from " + nick + " over " + transport;
                WebElement input = d.findElement(By.id("input"));
                input.sendKeys(out);
                input.sendKeys(Keys.ENTER);
                alice.await(l -> l.startsWith(":" + nick + "!") && l.endsWith("PRIVMSG #transports :" + out), WAIT);
                assertThat((List<?>) d.executeScript("return window.__errors")).as("script errors in WebKit").isEmpty();
            }
            System.out.println("chat page: every transport in " + wk.version());
        }
    }
}
