package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;
import org.halley.testkit.BrowserFixture;
import org.halley.testkit.Closing;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.Ports;
import org.halley.testkit.RawIrcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Nothing a network sends can run script in the page or break its layout: hostile messages and
 * topics from a plain client on ngircd, and hostile nicks, channel names and text from a scripted
 * hostile IRC server, all through the real gateway and bridge. The page's CSP blocks inline
 * script; a 10,000-line paste is refused at once and sends nothing.
 */
class ChatSafetyIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String LONG_WORD = "W".repeat(400);
    /** A payload that would set window.__pwned if any of it were ever parsed as HTML or script. */
    private static final List<String> PAYLOADS = List.of(
            "<script>window.__pwned='script'</script>",
            "<img src=x onerror=\"window.__pwned='img'\">",
            "javascript:window.__pwned='js-link' and JAVASCRIPT:alert(1)",
            "<a href=\"javascript:window.__pwned='a'\">click</a>",
            "http://example.org/\"><script>window.__pwned='attr'</script>",
            "data:text/html,<script>window.__pwned='data'</script>",
            "<svg/onload=window.__pwned='svg'>",
            "<iframe srcdoc=\"<script>parent.__pwned='srcdoc'</script>\"></iframe>",
            "\u202Egnirts desrever\u202C then normal",
            "zero\u200B\u200C\u200D\uFEFFwidth",
            LONG_WORD);

    private static NgircdFixture irc;
    private static ScriptedIrcServer evil;
    private static Gateway gateway;
    private static BrowserFixture browser;
    private static ChatPage page;
    private static RawIrcClient alice;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        irc = NgircdFixture.start(NgircdFixture.Options.DEFAULTS.withoutPenalties());
        evil = new ScriptedIrcServer((nick, channel) -> List.of(
                ":evil.test 332 $nick " + channel + " :<img src=x onerror=\"window.__pwned='topic'\"> \u202Eevil topic",
                ":evil.test 353 $nick = " + channel + " :$nick @<img/src=x/onerror=window.__pwned='names'> +\u202Eevil zero\u200Bwidth javascript:alert(1)",
                ":evil.test 366 $nick " + channel + " :End of NAMES"));
        int port = Ports.free();
        url = "http://127.0.0.1:" + port;
        HalleyConfig config = ConfigLoader.parse("test.yaml", """
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
                  - name: evil
                    kind: irc
                    host: 127.0.0.1
                    port: %d
                    tls: false
                """.formatted(port, url, url, irc.port(), evil.port()));
        gateway = Gateway.start(config);
        alice = RawIrcClient.connect(irc.port(), "alice");
        browser = BrowserFixture.start();
        page = new ChatPage(browser);
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(browser, alice, gateway, evil, irc);
    }

    @Test
    void pageIsServedWithAPolicyThatBlocksInlineScript() throws Exception {
        HttpResponse<String> res;
        try (HttpClient http = HttpClient.newHttpClient()) {
            res = http.send(HttpRequest.newBuilder(URI.create(url + "/")).build(), HttpResponse.BodyHandlers.ofString());
        }
        String csp = res.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("script-src 'self';", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'self' " + url)
                .doesNotContain("unsafe-inline", "unsafe-eval", "*");
        assertThat(res.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        page.open(url + "/?network=demo&channels=%23hostile&nick=victim");
        page.js("""
                const s = document.createElement('script');
                s.textContent = "window.__inline = 'element'";
                document.head.append(s);
                const d = document.createElement('div');
                d.setAttribute('onclick', "window.__inline = 'handler'");
                document.body.append(d);
                d.click();
                d.remove();
                """);
        page.until("the page saw the policy refuse the inline script", () -> ((List<?>) page.js("return window.__csp")).size() >= 2);
        assertThat(page.js("return window.__inline")).isNull();
        assertThat((List<?>) page.js("return window.__csp")).allMatch(v -> v.toString().startsWith("script-src"));
        page.js("window.__csp.length = 0");
    }

    @Test
    void hostileTopicsAndMessagesFromAPlainClientStayText() {
        alice.join("#hostile"); // first in: operator, so she may set the topic
        page.open(url + "/?network=demo&channels=%23hostile&nick=victim");
        alice.send("TOPIC #hostile :" + PAYLOADS.get(1) + " " + PAYLOADS.get(8));
        page.connect();
        page.awaitConversation("#hostile");
        for (String p : PAYLOADS) {
            alice.say("#hostile", p);
        }
        alice.send("PRIVMSG #hostile :\u0001ACTION " + PAYLOADS.get(0) + "\u0001");
        alice.send("PART #hostile :" + PAYLOADS.get(3));
        page.awaitLine("alice left (" + PAYLOADS.get(3) + ")");
        for (String p : PAYLOADS) {
            page.awaitMessage("alice", p.replace("\u202C", "").equals(p) ? p : p);
        }
        assertThat(page.el("topic").getText()).contains("<img src=x onerror=");
        assertNothingRan();
        assertLinksAreSafe();
        assertNoHorizontalOverflow();
        page.screenshot("hostile-irc-desktop", 1280, 800);
        page.viewport(390, 844);
        assertNoHorizontalOverflow();
        assertRtlStaysInItsPlace("\u202Egnirts desrever\u202C then normal");
        page.viewport(360, 740); // the narrowest phone the page is made for
        assertNoHorizontalOverflow();
        page.resetViewport();
        page.screenshot("hostile-irc-phone", 390, 844);
    }

    @Test
    void aTenThousandLinePasteIsRefusedAtOnceAndSendsNothing() {
        alice.join("#paste");
        page.open(url + "/?network=demo&channels=%23paste&nick=paster");
        page.connect();
        page.awaitConversation("#paste");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            b.append("paste line ").append(i).append('\n');
        }
        Number took = (Number) page.paste(b.toString());
        assertThat(took.doubleValue()).as("ms the page spent on the paste").isLessThan(5_000);
        page.awaitVisible(By.id("paste-dialog"));
        assertThat(page.el("paste-question").getText()).startsWith("This paste has 10,000 lines; at most 100");
        assertThat(page.el("paste-send").isDisplayed()).isFalse();
        page.screenshot("paste-refused-desktop", 1280, 800);
        page.el("paste-dialog").sendKeys(Keys.ESCAPE);
        page.until("dialog closed", () -> !page.el("paste-dialog").isDisplayed());
        page.type("after the paste");
        alice.await(l -> l.endsWith("PRIVMSG #paste :after the paste"), WAIT);
        assertThat(alice.lines()).noneMatch(l -> l.contains("paste line"));
        page.until("nothing left pending", () -> page.pending().isEmpty());
    }

    @Test
    void aHostileIrcServerCannotScriptThePageOrBreakItsLayout() {
        page.open(url + "/?network=demo&channels=%23calm&nick=calm");
        page.connect();
        page.awaitConversation("#calm");
        page.el("add-network").click();
        page.awaitVisible(By.id("connect-screen"));
        page.js("const s = document.getElementById('network'); s.value = 'evil'; s.dispatchEvent(new Event('change'));");
        page.el("nick").clear();
        page.el("nick").sendKeys("victim");
        page.el("channels").clear();
        page.el("channels").sendKeys("#lobby");
        page.el("connect-button").click();
        page.awaitConversation("#lobby");
        page.await(By.xpath("//ul[@id='members']//button[@data-nick=" + ChatPage.literal("<img/src=x/onerror=window.__pwned='names'>") + "]"));

        String hostileNick = "<img/src=x/onerror=window.__pwned='nick'>";
        String hostileChannel = "#<svg/onload=window.__pwned='channel'>";
        evil.send(":" + hostileNick + "!u@h PRIVMSG #lobby :" + PAYLOADS.get(0),
                ":\u202Eevil!u@h PRIVMSG #lobby :I come after my nick",
                ":zero\u200Bwidth!u@h PRIVMSG #lobby :" + PAYLOADS.get(9),
                ":mallory!u@h PRIVMSG #lobby :\u0004zzzzzz\u0003999,999\u000399,99\u0002\u0016" + PAYLOADS.get(4),
                ":mallory!u@h NOTICE #lobby :" + PAYLOADS.get(2),
                ":mallory!u@h PRIVMSG #lobby :\u0001ACTION " + PAYLOADS.get(1) + "\u0001",
                "@time=2021-02-03T04:05:06.000Z :mallory!u@h PRIVMSG #lobby :from the past",
                ":mallory!u@h TOPIC #lobby :" + PAYLOADS.get(6),
                ":" + hostileNick + "!u@h PRIVMSG $nick :" + PAYLOADS.get(3),
                ":$nick!u@h JOIN :" + hostileChannel,
                ":mallory!u@h PRIVMSG " + hostileChannel + " :" + PAYLOADS.get(7),
                ":mallory!u@h KICK " + hostileChannel + " $nick :" + PAYLOADS.get(5),
                ":mallory!u@h NICK :" + hostileNick + "2",
                ":" + hostileNick + "2!u@h QUIT :" + PAYLOADS.get(1),
                ":evil.test NOTICE $nick :" + PAYLOADS.get(0));
        page.awaitMessage(hostileNick, PAYLOADS.get(0));
        WebElement rtl = page.awaitMessage("\u202Eevil", "I come after my nick");
        // The override is shown, not obeyed: "\u202Eevil" must not pass for "live".
        assertThat(rtl.findElement(By.xpath("../span[@class='from']")).getText()).isEqualTo("\uFFFDevil");
        page.await(By.xpath("//ol[@id='messages']/li[contains(., 'from the past')]/time[@datetime='2021-02-03T04:05:06.000Z' and .='4:05 AM']"));
        page.await(By.xpath("//ol[@id='messages']/li[contains(@class,'marker') and .='Wednesday, February 3, 2021']"));
        page.awaitLine("changed the topic: " + PAYLOADS.get(6));
        page.sidebarItem(hostileNick);
        page.sidebarItem(hostileChannel);
        page.until("kicked from the hostile channel", () -> page.sidebarItem(hostileChannel).getAttribute("class").contains("parted"));
        assertThat(page.sidebarItem(hostileChannel).findElement(By.className("name")).getText()).isEqualTo(hostileChannel);

        assertNothingRan();
        assertLinksAreSafe();
        assertNoHorizontalOverflow();
        assertRtlStaysInItsPlace("I come after my nick");
        page.screenshot("hostile-server-desktop", 1280, 800);
        page.dark(true);
        page.screenshot("hostile-server-phone-dark", 390, 844);
        page.dark(false);
        page.viewport(390, 844);
        assertNoHorizontalOverflow();
        assertRtlStaysInItsPlace("I come after my nick");
        page.resetViewport();

        page.select(hostileChannel);
        page.awaitMessage("mallory", PAYLOADS.get(7));
        page.awaitLine("mallory removed you from this channel (" + PAYLOADS.get(5) + ")");
        page.select(hostileNick);
        page.awaitMessage(hostileNick, PAYLOADS.get(3));
        assertNothingRan();
        page.assertNoErrors();
    }

    private static void assertNothingRan() {
        assertThat(page.js("return window.__pwned")).as("a payload ran").isNull();
        assertThat((List<?>) page.js("return window.__csp")).as("CSP violations (network text was parsed as markup)").isEmpty();
        Number foreign = (Number) page.js("return document.querySelectorAll('#chat-screen img, #chat-screen script, #chat-screen svg, "
                + "#chat-screen iframe, #chat-screen object, #chat-screen embed, #chat-screen [onerror], #chat-screen [onload], "
                + "#chat-screen [onclick], [srcdoc]').length");
        assertThat(foreign.intValue()).as("elements built from network text").isZero();
    }

    private static void assertLinksAreSafe() {
        @SuppressWarnings("unchecked")
        List<Map<String, String>> links = (List<Map<String, String>>) page.js(
                "return [...document.querySelectorAll('#chat-screen a')].map(a => ({href: a.href, rel: a.rel, target: a.target, protocol: a.protocol}))");
        assertThat(links).allSatisfy(a -> {
            assertThat(a.get("protocol")).isIn("http:", "https:");
            assertThat(a.get("rel")).isEqualTo("noopener noreferrer");
            assertThat(a.get("target")).isEqualTo("_blank");
        });
    }

    private static void assertNoHorizontalOverflow() {
        page.until("layout settled", () -> true);
        @SuppressWarnings("unchecked")
        Map<String, Number> m = (Map<String, Number>) page.js("""
                const s = document.getElementById('scroller');
                const widest = Math.max(...[...document.querySelectorAll('#messages > li')].map(li => li.getBoundingClientRect().right));
                return {docScroll: document.documentElement.scrollWidth, inner: innerWidth, scroll: s.scrollWidth, client: s.clientWidth,
                        widest: widest, right: s.getBoundingClientRect().right};
                """);
        assertThat(m.get("docScroll").doubleValue()).as("page width").isLessThanOrEqualTo(m.get("inner").doubleValue());
        assertThat(m.get("scroll").doubleValue()).as("message list width").isLessThanOrEqualTo(m.get("client").doubleValue() + 1);
        assertThat(m.get("widest").doubleValue()).as("widest line").isLessThanOrEqualTo(m.get("right").doubleValue() + 1);
    }

    /** A right-to-left override in a nick or text stays inside it: time, nick and text keep their order. */
    private static void assertRtlStaysInItsPlace(String text) {
        @SuppressWarnings("unchecked")
        Map<String, Number> r = (Map<String, Number>) page.js("""
                const li = [...document.querySelectorAll('#messages > li')].find(li => li.textContent.includes(arguments[0]));
                const rect = sel => li.querySelector(sel).getClientRects()[0];
                return {time: rect('.time').left, from: rect('.from').left, fromRight: rect('.from').right, text: rect('.text').left};
                """, text);
        assertThat(r.get("time").doubleValue()).isLessThan(r.get("from").doubleValue());
        assertThat(r.get("fromRight").doubleValue()).isLessThanOrEqualTo(r.get("text").doubleValue() + 1);
    }
}
