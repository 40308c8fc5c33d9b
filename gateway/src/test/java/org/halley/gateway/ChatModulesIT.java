package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.halley.config.ConfigLoader;
import org.halley.testkit.BrowserFixture;
import org.halley.testkit.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat page's pure modules (formatting, links, commands) checked in the browser that runs
 * them, and the language chosen from the browser's preference. No network is connected.
 */
class ChatModulesIT {
    private static Gateway gateway;
    private static BrowserFixture browser;
    private static ChatPage page;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
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
                    default-channels: ["#halley", "#help"]
                """.formatted(port, url, Ports.free())));
        browser = BrowserFixture.start();
        page = new ChatPage(browser);
        page.open(url + "/");
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    /** Runs {@code body} with the named module imported as {@code m}; returns its JSON result parsed by WebDriver. */
    private static Object withModule(String module, String body) {
        return page.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import(arguments[0]).then(m => done(JSON.parse(JSON.stringify((function (m) { %s })(m)))), e => done('failed: ' + e));
                """.formatted(body), "/" + module);
    }

    @Test
    void formattingCodesBecomeRunsOfStyle() {
        Object runs = withModule("irc-format.js", """
                return [
                  m.parseFormatting('\\x02b\\x02 \\x0304,12red\\x03 \\x0399,99def \\x0412ab4F,000000hex\\x0f'),
                  m.parseFormatting('\\x031red \\x03,5comma stays \\x0310,10 \\x04zz'),
                  m.parseFormatting('\\x16rev\\x16\\x1d\\x1f\\x1e\\x11all\\x0f \\x01ctcp\\x07bell'),
                  m.plainText('\\x02a\\x0fb\\x0300,01c'),
                ];
                """);
        assertThat(runs).isEqualTo(List.of(
                List.of(Map.of("text", "b", "bold", true), Map.of("text", " "), Map.of("text", "red", "fg", 4L, "bg", 12L),
                        Map.of("text", " "), Map.of("text", "def "), Map.of("text", "hex", "fg", "#12ab4f", "bg", "#000000")),
                List.of(Map.of("text", "red ", "fg", 1L), Map.of("text", ",5comma stays "), Map.of("text", " ", "fg", 10L, "bg", 10L),
                        Map.of("text", "zz")),
                List.of(Map.of("text", "rev", "reverse", true), Map.of("text", "all", "italic", true, "underline", true, "strike", true, "mono", true),
                        Map.of("text", " ctcpbell")),
                "abc"));
    }

    @Test
    void onlyHttpAndHttpsUrlsBecomeLinksWithoutTheirTrailingPunctuation() {
        Object found = withModule("irc-format.js", """
                const links = s => m.findLinks(s, '#').map(l => [l.kind, l.value, s.slice(l.start, l.end)]);
                return [
                  links('see https://example.org/a_(b). and (http://example.org/x) ok?'),
                  links('javascript:alert(1) data:text/html,x JAVASCRIPT://x vbscript:x file:///etc/passwd'),
                  links('HTTPS://EXAMPLE.org/Q?a=1&b=2#frag, then #chan, and #a,#b'),
                  links('"http://example.org/\\"><script>" <http://example.org/in>'),
                  [m.safeHref('https://example.org'), m.safeHref('javascript:alert(1)'), m.safeHref('http://[bad')],
                ];
                """);
        assertThat(found).isEqualTo(List.of(
                List.of(List.of("url", "https://example.org/a_(b)", "https://example.org/a_(b)"),
                        List.of("url", "http://example.org/x", "http://example.org/x")),
                List.of(),
                List.of(List.of("url", "https://example.org/Q?a=1&b=2#frag", "HTTPS://EXAMPLE.org/Q?a=1&b=2#frag"),
                        List.of("channel", "#chan", "#chan"), List.of("channel", "#a", "#a")),
                List.of(List.of("url", "http://example.org/", "http://example.org/"), List.of("url", "http://example.org/in", "http://example.org/in")),
                java.util.Arrays.asList("https://example.org/", null, null)));
    }

    @Test
    void slashCommandsBecomeOpsForTheOpenConversation() {
        Object actions = withModule("commands.js", """
                const ctx = {conversation: '#halley', type: 'channel', kind: 'irc', isChannel: n => /^[#&]/.test(n)};
                const server = {conversation: null, type: 'server', kind: 'irc', isChannel: n => /^[#&]/.test(n)};
                return [
                  m.parseLine('hello', ctx), m.parseLine('//not a command', ctx), m.parseLine('/me waves  twice', ctx),
                  m.parseLine('/join help key', ctx), m.parseLine('/part', ctx), m.parseLine('/part #other gone now', ctx),
                  m.parseLine('/msg bob hi there', ctx), m.parseLine('/query bob hi', ctx), m.parseLine('/kick bob spam', ctx),
                  m.parseLine('/op bob carol', ctx), m.parseLine('/mode +b *!*@spam', ctx), m.parseLine('/away', ctx),
                  m.parseLine('/topic', ctx), m.parseLine('/nick', ctx), m.parseLine('/bogus x', ctx), m.parseLine('hi', server),
                  m.splitLines('a\\r\\nb\\rc\\n\\n  \\nd\\u2028e'),
                ];
                """);
        assertThat(actions).isEqualTo(List.of(
                List.of(Map.of("say", "hello", "target", "#halley")),
                List.of(Map.of("say", "/not a command", "target", "#halley")),
                List.of(Map.of("act", "waves  twice", "target", "#halley")),
                List.of(Map.of("op", Map.of("op", "join", "channel", "#help", "key", "key"), "local", "select-when-joined", "channel", "#help")),
                List.of(Map.of("op", Map.of("op", "part", "channel", "#halley", "reason", ""))),
                List.of(Map.of("op", Map.of("op", "part", "channel", "#other", "reason", "gone now"))),
                List.of(Map.of("say", "hi there", "target", "bob")),
                List.of(Map.of("local", "query", "target", "bob"), Map.of("say", "hi", "target", "bob")),
                List.of(Map.of("op", Map.of("op", "kick", "channel", "#halley", "nick", "bob", "reason", "spam"))),
                List.of(Map.of("op", Map.of("op", "mode", "target", "#halley", "modes", "+oo bob carol"))),
                List.of(Map.of("op", Map.of("op", "mode", "target", "#halley", "modes", "+b *!*@spam"))),
                List.of(Map.of("op", Map.of("op", "presence", "status", "away", "message", ""), "local", "away-default")),
                List.of(Map.of("local", "show-topic", "channel", "#halley")),
                List.of(Map.of("error", "error.usage", "params", Map.of("usage", "usage.nick"))),
                List.of(Map.of("error", "error.unknownCommand", "params", Map.of("command", "/bogus"))),
                List.of(Map.of("error", "error.noConversation")),
                List.of("a", "b", "c", "d", "e")));
    }

    @Test
    void nickColoursAreStableAndIgnoreCase() {
        Object colours = withModule("irc-format.js", "return [m.nickColour('Alice'), m.nickColour('alice'), m.nickColour('ALICE'), m.nickColour('bob')];");
        @SuppressWarnings("unchecked")
        List<String> c = (List<String>) colours;
        assertThat(c.get(0)).matches("nc\\d{1,2}").isEqualTo(c.get(1)).isEqualTo(c.get(2));
    }

    @Test
    void thePageSpeaksTheBrowsersLanguageWhenItHasACatalogueForIt() {
        page.cdp("Emulation.setUserAgentOverride", Map.of("userAgent", (String) page.js("return navigator.userAgent"), "acceptLanguage", "de-DE,de;q=0.9"));
        try {
            page.open(url + "/");
            assertThat(page.js("return navigator.language")).isEqualTo("de-DE");
            assertThat(page.el("connect-button").getText()).isEqualTo("Verbinden");
            assertThat(page.js("return document.documentElement.lang")).isEqualTo("de");
            assertThat(page.el("channels").getAttribute("value")).isEqualTo("#halley, #help");
            page.screenshot("connect-phone-german", 390, 844);
        } finally {
            page.cdp("Emulation.setUserAgentOverride", Map.of("userAgent", (String) page.js("return navigator.userAgent"), "acceptLanguage", "en-US"));
        }
        page.open(url + "/?lang=de");
        assertThat(page.el("connect-button").getText()).isEqualTo("Verbinden");
        page.open(url + "/?lang=xx");
        assertThat(page.el("connect-button").getText()).isEqualTo("Connect");
        page.assertNoErrors();
    }
}
