package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.halley.config.ConfigLoader;
import org.halley.testkit.BrowserFixture;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.Ports;
import org.halley.testkit.RawIrcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat page on every transport halley.js offers, forced one at a time, under the page's own
 * Content-Security-Policy: it connects, shows which transport carries it, and talks both ways.
 */
class ChatTransportsIT {
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
        if (browser != null) {
            browser.close();
        }
        if (alice != null) {
            alice.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (irc != null) {
            irc.close();
        }
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
}
