package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.halley.config.ConfigLoader;
import org.halley.testkit.BrowserFixture;
import org.halley.testkit.Closing;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.Ports;
import org.halley.testkit.RawIrcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A busy channel: 40 plain IRC clients say 50 lines each (2,000) into the channel the page
 * shows, on a real ngircd through Halley, while the person types. What the page shows is
 * checked three ways: its state (the page's test hook, window.halleyPage) holds every line
 * exactly once in the order the IRC server sent them (a witness client in the channel saw that
 * order); every line the page appended to its list (a MutationObserver, as bench/ watches it)
 * was appended once, in that order; and the list holds at most its window of lines. The line
 * typed during the flood reaches IRC, and the push session is the same one at the end (it never
 * expired or was renewed).
 */
class ChatFloodIT {
    private static final int CLIENTS = 40, LINES = 50, WINDOW = 300;
    private static final Duration FLOOD_WAIT = Duration.ofSeconds(180);
    private static NgircdFixture irc;
    private static Gateway gateway;
    private static BrowserFixture browser;
    private static ChatPage page;
    private static RawIrcClient witness;
    private static final List<RawIrcClient> flooders = new ArrayList<>();
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
                  allowed-origins: [%s]
                bridges:
                  - name: demo
                    kind: irc
                    host: 127.0.0.1
                    port: %d
                    tls: false
                    default-channels: ["#flood"]
                """.formatted(port, url, url, irc.port())));
        witness = RawIrcClient.connect(irc.port(), "witness");
        witness.join("#flood");
        browser = BrowserFixture.start();
        page = new ChatPage(browser);
    }

    @AfterAll
    static void stop() throws Exception {
        List<AutoCloseable> all = new ArrayList<>(List.of(browser, witness));
        all.addAll(flooders);
        all.add(gateway);
        all.add(irc);
        Closing.all(all.toArray(AutoCloseable[]::new));
    }

    @Test
    void everyLineOfAFloodIsShownOnceInOrderWhileTheSessionLivesAndTypingStillReachesIrc() throws Exception {
        page.open(url + "/?network=demo&channels=%23flood&nick=reader&lines=" + WINDOW);
        page.connect();
        page.awaitConversation("#flood");
        witness.await(l -> l.startsWith(":reader!") && l.contains("JOIN"), ChatPage.WAIT);
        String session = (String) page.js("return window.halleyClient.session.session");
        page.js("""
                window.__appended = [];
                new MutationObserver(records => {
                  for (const r of records) for (const n of r.addedNodes) {
                    if (n.matches && n.matches('li.msg.message')) window.__appended.push(n.querySelector('.text').textContent);
                  }
                }).observe(document.getElementById('messages'), {childList: true});
                """);

        for (int i = 0; i < CLIENTS; i++) {
            RawIrcClient c = RawIrcClient.connect(irc.port(), "flood" + i);
            flooders.add(c);
            c.join("#flood");
        }
        long started = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (RawIrcClient c : flooders) {
                pool.submit(() -> {
                    for (int n = 0; n < LINES; n++) {
                        c.say("#flood", c.nick() + " line " + n);
                    }
                });
            }
            // Typed while the flood arrives: the page stays responsive and the line goes out.
            page.until("a quarter of the flood on the page", FLOOD_WAIT, () -> pageLines().size() >= CLIENTS * LINES / 4);
            figure("a quarter of the flood in the page's state", started);
            page.type("typed during the flood");
            figure("typed", started);
        }
        witness.await(l -> l.startsWith(":reader!") && l.endsWith("PRIVMSG #flood :typed during the flood"), ChatPage.WAIT);
        figure("the typed line on IRC", started);

        page.until("the witness saw the whole flood", FLOOD_WAIT, () -> witnessed().size() >= CLIENTS * LINES);
        List<String> sent = witnessed();
        assertThat(sent).as("the IRC server relayed every line").hasSize(CLIENTS * LINES);
        page.until("every line in the page's state", FLOOD_WAIT, () -> pageLines().size() >= CLIENTS * LINES);
        figure("the whole flood in the page's state", started);
        List<String> shown = pageLines();
        assertThat(shown).as("the page holds every line exactly once, in the server's order").isEqualTo(sent);

        page.until("the list rendered up to the last line", FLOOD_WAIT, () -> sent.get(sent.size() - 1).equals(lastRendered()));
        figure("the last line rendered", started);
        @SuppressWarnings("unchecked")
        List<String> appended = (List<String>) page.js("return window.__appended.filter(t => / line \\d+$/.test(t))");
        assertThat(new LinkedHashSet<>(appended)).as("no line appended twice").hasSize(appended.size());
        assertThat(sent).as("lines were appended in the server's order").containsSubsequence(appended);
        long rendered = (Long) page.js("return document.querySelectorAll('#messages > li.msg').length");
        assertThat(rendered).as("the DOM holds a bounded window of lines").isLessThanOrEqualTo(WINDOW);
        @SuppressWarnings("unchecked")
        List<String> window = (List<String>) page.js("return [...document.querySelectorAll('#messages > li.msg.message .text')].map(e => e.textContent).filter(t => / line \\d+$/.test(t))");
        assertThat(shown.subList(shown.size() - window.size(), shown.size())).as("the window is the newest lines, in order").isEqualTo(window);

        assertThat(page.js("return window.halleyClient.session.session")).as("the same push session").isEqualTo(session);
        assertThat(page.el("link-state").getAttribute("data-state")).isEqualTo("live");
        page.assertNoErrors();

        page.screenshot("flood-desktop", 1280, 800);
        page.screenshot("flood-phone", 390, 844);
    }

    /** A figure for the log (the machine is shared: never asserted; bench/ measures). */
    private static void figure(String what, long started) {
        System.out.printf("ChatFloodIT: %s after %d ms%n", what, (System.nanoTime() - started) / 1_000_000);
    }

    /** The flood's lines in the page's state for #flood (the person's own line left out). */
    @SuppressWarnings("unchecked")
    private static List<String> pageLines() {
        return (List<String>) page.js("""
                const s = window.halleyPage.lines('demo', '#flood');
                return s ? s.items.filter(i => i.text && i.from.startsWith('flood')).map(i => i.text) : [];
                """);
    }

    private static String lastRendered() {
        return (String) page.js("""
                const all = [...document.querySelectorAll('#messages > li.msg.message .text')].map(e => e.textContent).filter(t => / line \\d+$/.test(t));
                return all.length ? all[all.length - 1] : null;
                """);
    }

    /** The flood's lines in the order the IRC server relayed them to the witness. */
    private static List<String> witnessed() {
        List<String> out = new ArrayList<>();
        for (String l : witness.lines()) {
            int at = l.indexOf(" PRIVMSG #flood :");
            if (l.startsWith(":flood") && at > 0) {
                out.add(l.substring(at + " PRIVMSG #flood :".length()));
            }
        }
        return out;
    }
}
