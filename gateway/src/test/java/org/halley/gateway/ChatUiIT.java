package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.halley.config.ConfigException;
import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;
import org.halley.testkit.BrowserFixture;
import org.halley.testkit.Closing;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.Ports;
import org.halley.testkit.RawIrcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.WheelInput;

/**
 * A person in Chromium uses the chat page on a real ngircd through Halley, with plain IRC clients
 * on the other side: connect, join, talk both ways, private messages, nick changes, a kick,
 * commands, completion, the link cut and restored, pastes, and the IRC server restarted. One
 * gateway, one IRC server, one browser and alice (a plain IRC client) for the whole class; each
 * test is a fresh visit with its own nick and channels, so the tests run in any order. The tests
 * that kill the IRC server or restart Halley start their own.
 */
class ChatUiIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static NgircdFixture irc;
    private static Gateway gateway;
    private static BrowserFixture browser;
    private static ChatPage page;
    private static RawIrcClient alice;
    private static String url;
    private static HostPage site;
    private static HostPage otherSite;

    @BeforeAll
    static void start() throws Exception {
        irc = NgircdFixture.start(NgircdFixture.Options.DEFAULTS.withoutPenalties());
        int port = Ports.free();
        url = "http://127.0.0.1:" + port;
        site = HostPage.start();
        otherSite = HostPage.start();
        gateway = Gateway.start(config(port, irc.port()));
        alice = RawIrcClient.connect(irc.port(), "alice");
        browser = BrowserFixture.start();
        page = new ChatPage(browser);
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(browser, alice, gateway, irc, site, otherSite);
    }

    /** alice leaves every channel (ngircd lets one client be in 10 at most); her next JOIN comes after. */
    @AfterEach
    void aliceLeavesEveryChannel() {
        alice.send("JOIN 0");
    }

    /** A gateway on {@code port} bridging "demo" to the IRC server on {@code ircPort}. */
    private static HalleyConfig config(int port, int ircPort) throws ConfigException {
        String at = "http://127.0.0.1:" + port;
        return ConfigLoader.parse("test.yaml", """
                server:
                  port: %d
                  public-url: %s
                  allowed-origins: [%s, %s]
                bridges:
                  - name: demo
                    kind: irc
                    host: 127.0.0.1
                    port: %d
                    tls: false
                    default-channels: ["#halley"]
                """.formatted(port, at, at, site.origin(), ircPort));
    }

    /**
     * A fresh visit to {@code base} as {@code nick}, connected by the link to {@code channels}
     * (alice on the IRC server {@code peer} sees each join); the first channel is open.
     */
    private static void arrive(String base, RawIrcClient peer, String nick, String... channels) {
        page.open(base + "/?network=demo&channels=" + URLEncoder.encode(String.join(",", channels), StandardCharsets.UTF_8)
                + "&nick=" + nick + "&autoconnect=1");
        for (String c : channels) {
            peer.await(l -> l.startsWith(":" + nick + "!") && l.contains(" JOIN ") && l.endsWith(c), WAIT);
        }
        page.awaitConversation(channels[0]);
        page.recordEvents();
    }

    private static void arrive(String nick, String... channels) {
        arrive(url, alice, nick, channels);
    }

    /** alice joins each channel, before the person so that she is its operator. */
    private static void aliceIn(String... channels) {
        for (String c : channels) {
            alice.join(c);
        }
    }

    @Test
    void connectScreenIsFilledFromTheLink() {
        page.open(url + "/?network=demo&channels=%23halley,%23x&nick=bob");
        assertThat(page.el("network").getAttribute("value")).isEqualTo("demo");
        assertThat(page.el("nick").getAttribute("value")).isEqualTo("bob");
        assertThat(page.el("channels").getAttribute("value")).isEqualTo("#halley,#x");
        assertThat(page.el("connect-button").getText()).isEqualTo("Connect");
        page.screenshot("connect-desktop", 1280, 800);
        page.screenshot("connect-phone", 390, 844);
    }

    @Test
    void personJoinsFromTheBrowserAndBothSidesTalk() {
        aliceIn("#halley");
        page.open(url + "/?network=demo&channels=%23halley&nick=bob");
        page.connect();
        alice.await(l -> l.startsWith(":bob!") && l.contains("JOIN") && l.contains("#halley"), WAIT);
        page.awaitConversation("#halley");
        page.await(By.xpath("//ul[@id='members']//button[@data-nick='alice']"));
        page.await(By.xpath("//ul[@id='members']//button[@data-nick='bob']"));
        page.awaitLine("Topic: Halley test channel (set by -Server-");
        assertThat(page.el("topic").getText()).isEqualTo("Halley test channel");

        alice.say("#halley", "hello from irc");
        WebElement line = page.awaitMessage("alice", "hello from irc");
        String colour = line.findElement(By.xpath("../span[@class='from']/button")).getAttribute("class");
        assertThat(colour).matches("nick nc\\d+");

        page.type("hello from the browser");
        alice.await(l -> l.startsWith(":bob!") && l.endsWith("PRIVMSG #halley :hello from the browser"), WAIT);
        page.awaitMessage("bob", "hello from the browser");
        page.until("pending line cleared", () -> page.pending().isEmpty());
        page.assertNoErrors();
    }

    @Test
    void ircFormattingAndLinksAreRenderedAsStyledText() {
        aliceIn("#fmt");
        arrive("fay", "#fmt");
        alice.say("#fmt", "\u0002bold\u0002 \u001ditalic\u001d \u001funder\u001f \u001estrike\u001e \u0011mono\u0011 "
                + "\u000304,08red on yellow\u0003 \u0004ff8800hex\u0004 \u0016reversed\u0016 \u0002\u001dboth\u000f plain "
                + "https://example.org/a_(b). javascript:alert(1) #x");
        WebElement text = page.awaitLine("red on yellow").findElement(By.className("text"));
        assertThat(text.findElement(By.xpath(".//span[.='bold']")).getAttribute("class")).isEqualTo("irc-b");
        assertThat(text.findElement(By.xpath(".//span[.='italic']")).getAttribute("class")).isEqualTo("irc-i");
        assertThat(text.findElement(By.xpath(".//span[.='under']")).getAttribute("class")).isEqualTo("irc-u");
        assertThat(text.findElement(By.xpath(".//span[.='strike']")).getAttribute("class")).isEqualTo("irc-s");
        assertThat(text.findElement(By.xpath(".//span[.='mono']")).getAttribute("class")).isEqualTo("irc-m");
        assertThat(text.findElement(By.xpath(".//span[.='red on yellow']")).getAttribute("class")).contains("irc-fg4", "irc-bg8");
        assertThat(text.findElement(By.xpath(".//span[.='hex']")).getCssValue("color")).isEqualTo("rgba(255, 136, 0, 1)");
        assertThat(text.findElement(By.xpath(".//span[.='reversed']")).getAttribute("class")).isEqualTo("irc-rev");
        assertThat(text.findElement(By.xpath(".//span[.='both']")).getAttribute("class")).isEqualTo("irc-b irc-i");
        List<WebElement> links = text.findElements(By.tagName("a"));
        assertThat(links).hasSize(1);
        assertThat(links.get(0).getAttribute("href")).isEqualTo("https://example.org/a_(b)");
        assertThat(links.get(0).getAttribute("rel")).isEqualTo("noopener noreferrer");
        assertThat(links.get(0).getAttribute("target")).isEqualTo("_blank");
        assertThat(text.getText()).contains("javascript:alert(1)");
        assertThat(text.findElement(By.className("chan-link")).getAttribute("data-channel")).isEqualTo("#x");
    }

    @Test
    void otherChannelsCountUnreadAndMentionsAndAMentionNotifies() {
        aliceIn("#here", "#there");
        arrive("gus", "#here", "#there");
        if (!page.el("notify-toggle").getText().equals("Turn off notifications")) { // kept by the browser (localStorage)
            page.el("notify-toggle").click();
        }
        page.until("notifications on", () -> page.el("notify-toggle").getText().equals("Turn off notifications"));
        page.js("window.__blurred = true");
        alice.say("#there", "just chatting");
        alice.say("#there", "gus: are you there?");
        page.until("mention counted on #there", () -> page.sidebarItem("#there").getText().endsWith("1"));
        page.until("the badge shows a mention", // the side list is redrawn as events come
                () -> page.sidebarItem("#there").findElement(By.className("badge")).getAttribute("class").contains("mention"));
        page.until("title badge", () -> page.driver().getTitle().startsWith("(1) #here"));
        page.until("a notification", () -> !((List<?>) page.js("return window.__notes")).isEmpty());
        assertThat(page.js("return window.__notes[0].title")).isEqualTo("alice in #there");
        assertThat(page.js("return window.__notes[0].body")).isEqualTo("gus: are you there?");
        page.js("window.__blurred = false");

        page.select("#there");
        assertThat(page.driver().findElements(By.cssSelector("#messages li.marker.unread"))).hasSize(1);
        assertThat(page.awaitMessage("alice", "gus: are you there?").findElement(By.xpath("..")).getAttribute("class")).contains("mention");
        page.until("badges cleared", () -> page.sidebarItem("#there").findElements(By.className("badge")).isEmpty());
        page.until("title cleared", () -> page.driver().getTitle().equals("#there · Halley"));
    }

    @Test
    void privateMessagesOpenAConversationBothWays() {
        aliceIn("#pm");
        arrive("hal", "#pm");
        alice.say("hal", "psst, a secret");
        WebElement item = page.sidebarItem("alice");
        page.until("private message counted as a mention", () -> item.getText().endsWith("1"));
        page.select("alice");
        page.awaitMessage("alice", "psst, a secret");
        page.type("a secret back");
        alice.await(l -> l.startsWith(":hal!") && l.endsWith("PRIVMSG alice :a secret back"), WAIT);
        page.awaitMessage("hal", "a secret back");
        page.type("/msg alice via msg");
        alice.await(l -> l.startsWith(":hal!") && l.endsWith("PRIVMSG alice :via msg"), WAIT);
        page.type("/query carol");
        page.awaitConversation("carol");
    }

    @Test
    void nickChangesShowAndCompletionUsesTheNewNames() {
        try (RawIrcClient ivy = RawIrcClient.connect(irc.port(), "ivy")) { // her own peer: this test renames her
            ivy.join("#nicks");
            arrive(url, ivy, "jon", "#nicks");
            page.type("/nick jonny");
            ivy.await(l -> l.startsWith(":jon!") && l.endsWith("NICK :jonny"), WAIT);
            page.awaitLine("You are now jonny");
            page.until("composer shows the new nick", () -> page.el("my-nick").getText().equals("jonny"));
            page.await(By.xpath("//ul[@id='members']//button[@data-nick='jonny']"));

            ivy.send("NICK ivette");
            page.awaitLine("ivy is now ivette");
            page.await(By.xpath("//ul[@id='members']//button[@data-nick='ivette']"));
            assertThat(page.driver().findElements(By.xpath("//ul[@id='members']//button[@data-nick='ivy']"))).isEmpty();

            WebElement input = page.el("input");
            input.sendKeys("iv");
            input.sendKeys(Keys.TAB);
            assertThat(input.getAttribute("value")).isEqualTo("ivette: ");
            input.sendKeys("hi" + Keys.ENTER);
            ivy.await(l -> l.startsWith(":jonny!") && l.endsWith("PRIVMSG #nicks :ivette: hi"), WAIT);
            input.sendKeys(Keys.ARROW_UP);
            assertThat(input.getAttribute("value")).isEqualTo("ivette: hi");
            input.sendKeys(Keys.ARROW_DOWN);
            assertThat(input.getAttribute("value")).isEmpty();
        }
    }

    @Test
    void slashCommandsHelpAndSayWhatIsWrong() {
        aliceIn("#cmds"); // first in: alice is its operator, kim is not
        alice.send("MODE #cmds +t");
        alice.await(l -> l.contains(" MODE #cmds ") && l.contains("+t"), WAIT);
        arrive("kim", "#cmds");
        page.type("/help");
        page.awaitLine("/join #channel [key] — join a channel");
        page.type("/frobnicate");
        page.awaitLine("Unknown command /frobnicate");
        page.type("/kick");
        page.awaitLine("Usage: /kick nick [reason]");
        page.type("/me waves");
        alice.await(l -> l.startsWith(":kim!") && l.endsWith("PRIVMSG #cmds :\u0001ACTION waves\u0001"), WAIT);
        page.await(By.xpath("//ol[@id='messages']/li[contains(@class,'action') and contains(., 'waves')]"));
        page.type("/topic Only ops may");
        page.awaitLine("Only operators can do that");
        page.type("/join #kims");
        page.awaitConversation("#kims");
        page.await(By.xpath("//ul[@id='members']//button[@data-nick='kim']/span[.='@']"));
        page.type("/topic \u0002Fresh\u0002 topic, see https://example.org/fresh");
        page.awaitLine("kim changed the topic: Fresh topic");
        page.until("topic bar", () -> page.el("topic").getText().equals("Fresh topic, see https://example.org/fresh"));
        page.type("/part bye");
        page.awaitLine("You left (bye)");
        page.select("#cmds");
        // Whois answers once the IRC bridge has it; until then the bridge says it is not supported.
        page.type("/whois alice");
        page.await(By.xpath("//ol[@id='messages']/li[contains(., 'Who is alice') or contains(., 'Not supported')]"));
    }

    @Test
    void joinsAndPartsThatPileUpFoldIntoOneLine() {
        aliceIn("#crowd");
        arrive("lee", "#crowd");
        page.await(By.xpath("//ul[@id='members']//button[@data-nick='alice']"));
        List<RawIrcClient> crowd = List.of(RawIrcClient.connect(irc.port(), "carol"), RawIrcClient.connect(irc.port(), "dave"),
                RawIrcClient.connect(irc.port(), "erin"));
        try {
            for (RawIrcClient c : crowd) {
                c.join("#crowd");
            }
            crowd.get(0).send("PART #crowd :off to lunch");
            WebElement group = page.await(By.xpath("//ol[@id='messages']/li[contains(@class,'group') and contains(., 'carol, dave, and erin joined; carol left')]"));
            assertThat(page.driver().findElements(By.xpath("//ol[@id='messages']/li[contains(@class,'status') and not(contains(@class,'group')) and contains(., 'dave joined')]"))).isEmpty();
            group.findElement(By.cssSelector("button.toggle")).click();
            page.await(By.xpath("//ol[@id='messages']/li[contains(@class,'group')]//li[contains(., 'carol left (off to lunch)')]"));
            page.await(By.xpath("//ul[@id='members']//button[@data-nick='erin']"));
            page.screenshot("chat-desktop-light", 1280, 800);
            page.dark(true);
            page.screenshot("chat-desktop-dark", 1280, 800);
            page.screenshot("chat-phone-dark", 390, 844);
            page.dark(false);
            page.screenshot("chat-phone-light", 390, 844);
            page.viewport(390, 844);
            page.el("open-sidebar").click();
            page.screenshot("chat-phone-sidebar", 390, 844);
            page.viewport(390, 844);
            page.js("document.getElementById('scrim').click()");
            page.el("toggle-members").click();
            page.screenshot("chat-phone-members", 390, 844);
            page.js("document.getElementById('scrim').click()");
            page.resetViewport();
        } finally {
            crowd.forEach(RawIrcClient::close);
        }
    }

    @Test
    void theListStaysWhereThePersonReadsAndFollowsNewLinesAtTheBottom() {
        aliceIn("#sa", "#sb");
        arrive("max", "#sa", "#sb");
        for (int i = 0; i < 60; i++) {
            alice.say("#sa", "filler line " + i + " so that the list scrolls");
        }
        page.awaitMessage("alice", "filler line 59 so that the list scrolls");
        page.until("at the bottom", () -> Boolean.TRUE.equals(page.js(BOTTOM)));
        // The person scrolls up with the mouse wheel, then lines keep coming.
        new Actions(page.driver()).scrollFromOrigin(WheelInput.ScrollOrigin.fromElement(page.el("scroller")), 0, -600).perform();
        page.until("scrolled up", () -> Boolean.FALSE.equals(page.js(BOTTOM)));
        long reading = ((Number) page.js("return document.getElementById('scroller').scrollTop")).longValue();
        alice.say("#sa", "a line while reading history");
        page.awaitMessage("alice", "a line while reading history");
        page.awaitVisible(By.id("jump"));
        assertThat(((Number) page.js("return document.getElementById('scroller').scrollTop")).longValue()).isEqualTo(reading);
        page.el("jump").click();
        page.until("back at the bottom", () -> Boolean.TRUE.equals(page.js(BOTTOM)));
        alice.say("#sa", "a line at the bottom");
        page.awaitMessage("alice", "a line at the bottom");
        page.until("still at the bottom", () -> Boolean.TRUE.equals(page.js(BOTTOM)));

        // Alt+Down and Alt+Up move between conversations from the keyboard.
        page.el("input").sendKeys(Keys.chord(Keys.ALT, Keys.ARROW_DOWN));
        page.awaitConversation("#sb");
        page.el("input").sendKeys(Keys.chord(Keys.ALT, Keys.ARROW_UP));
        page.awaitConversation("#sa");
    }

    private static final String BOTTOM =
            "const s = document.getElementById('scroller'); return s.scrollHeight - s.scrollTop - s.clientHeight < 2;";

    @Test
    void aKickShowsWhoAndWhyAndTheChannelStaysReadable() {
        aliceIn("#ops", "#lobby"); // first in: alice is the operator of #ops
        arrive("ned", "#lobby");
        page.type("/join #ops");
        page.awaitConversation("#ops");
        page.await(By.xpath("//ul[@id='members']//button[@data-nick='alice']/span[@class='mark op' and .='@']"));
        alice.send("KICK #ops ned :bye now");
        page.awaitLine("alice removed you from this channel (bye now)");
        page.until("channel marked as left", () -> page.sidebarItem("#ops").getAttribute("class").contains("parted"));
        assertThat(page.el("input").getAttribute("placeholder")).isEqualTo("You are not in #ops: /join #ops to return");
    }

    @Test
    void linesTypedWhileTheLinkIsDownWaitAndGoOutInOrder() {
        aliceIn("#away");
        arrive("ola", "#away");
        page.cutLink();
        try {
            whileTheLinkIsDown();
        } finally {
            page.restoreLink();
        }
        afterTheLinkIsBack();
    }

    private void whileTheLinkIsDown() {
        page.until("link shown as lost", () -> page.el("link-state").getText().startsWith("Connection lost"));
        page.awaitVisible(By.id("banner"));
        page.type("while away one");
        page.type("while away two");
        page.type("while away three");
        page.until("three lines pending", () -> page.pending().size() == 3);
        assertThat(page.pending().get(0).getAttribute("class")).contains("pending");
        assertThat(page.el("banner").getText()).contains("3 messages are waiting");
        page.screenshot("chat-desktop-offline", 1280, 800);
        assertThat(alice.lines()).noneMatch(l -> l.contains("while away"));
    }

    private void afterTheLinkIsBack() {
        page.until("link live again", Duration.ofSeconds(60), () -> page.el("link-state").getText().equals("Live · WebSocket"));
        page.until("lines sent", () -> alice.lines().stream().anyMatch(l -> l.endsWith("PRIVMSG #away :while away three")));
        List<String> sent = alice.lines().stream().filter(l -> l.contains("while away")).map(l -> l.substring(l.indexOf(" :") + 2)).toList();
        assertThat(sent).containsExactly("while away one", "while away two", "while away three");
        page.until("pending lines confirmed", () -> page.pending().isEmpty());
        page.awaitMessage("ola", "while away three");
        page.until("link live again", () -> page.el("link-state").getText().equals("Live · WebSocket"));
        page.assertNoErrors();
    }

    @Test
    void aPasteOfSeveralLinesAsksThenSendsOneMessagePerLine() {
        aliceIn("#paste");
        arrive("pat", "#paste");
        page.paste("first pasted\nsecond pasted\r\n\nthird pasted\nfourth pasted\n");
        page.awaitVisible(By.id("paste-dialog"));
        assertThat(page.el("paste-question").getText()).startsWith("Send these 4 lines to #paste");
        page.el("paste-send").click();
        alice.await(l -> l.endsWith("PRIVMSG #paste :fourth pasted"), WAIT);
        List<String> sent = alice.lines().stream().filter(l -> l.contains(" pasted")).map(l -> l.substring(l.indexOf(" :") + 2)).toList();
        assertThat(sent).containsExactly("first pasted", "second pasted", "third pasted", "fourth pasted");
        assertThat(page.el("input").getAttribute("value")).isEmpty();
    }

    @Test
    void whenTheIrcServerGoesAwayThePersonCanReconnectAndRejoin() throws Exception {
        // Its own IRC server and gateway: this test kills the server.
        NgircdFixture doomed = NgircdFixture.start(NgircdFixture.Options.DEFAULTS.withoutPenalties());
        RawIrcClient rex = null;
        Gateway own = null;
        try {
            int port = Ports.free();
            own = Gateway.start(config(port, doomed.port()));
            rex = RawIrcClient.connect(doomed.port(), "rex");
            rex.join("#gone");
            arrive("http://127.0.0.1:" + port, rex, "quin", "#gone");
            rex.close();
            doomed.kill();
            page.awaitLine("Disconnected");
            doomed.restart();
            rex = RawIrcClient.connect(doomed.port(), "rex");
            rex.join("#gone");
            // Halley reconnects by itself once the IRC bridge does; until then the person asks for it.
            page.select("demo");
            page.js("const b = document.getElementById('network-action'); if (b.textContent === 'Reconnect') b.click();");
            rex.await(l -> l.startsWith(":quin!") && l.contains(" JOIN ") && l.endsWith("#gone"), Duration.ofSeconds(45));
            page.select("#gone");
            rex.say("#gone", "welcome back");
            page.awaitMessage("rex", "welcome back");
            page.assertNoErrors();
        } finally {
            Closing.all(rex, own, doomed);
        }
    }

    @Test
    void aSiteInAllowedOriginsEmbedsThePageWhichConnectsByItself() {
        aliceIn("#embed");
        String src = url + "/?network=demo&channels=%23embed&nick=carl&autoconnect=1";
        page.leave(url); // a new visit: the frame must not resume the session this tab had
        page.driver().get(site.url("<h1>A site about Halley</h1><iframe src=\"" + src + "\" title=\"Chat\" style=\"width:100%;height:600px;border:0\"></iframe>"));
        page.driver().switchTo().frame(0);
        try {
            page.awaitConversation("#embed");
            alice.await(l -> l.startsWith(":carl!") && l.contains("JOIN") && l.contains("#embed"), WAIT);
            page.type("hello from an embedded page");
            alice.await(l -> l.startsWith(":carl!") && l.endsWith("PRIVMSG #embed :hello from an embedded page"), WAIT);
        } finally {
            page.driver().switchTo().defaultContent();
        }
        page.screenshot("embedded-desktop", 1280, 800);
        page.driver().switchTo().frame(0);
        page.js("window.halleyClient.stop()"); // the visit ends: carl's session with it
        page.driver().switchTo().defaultContent();
    }

    @Test
    void aSiteNotInAllowedOriginsCannotFrameThePage() {
        page.leave(url);
        page.driver().get(otherSite.url("<iframe src=\"" + url + "/?network=demo\" title=\"Chat\"></iframe>"));
        page.driver().switchTo().frame(0);
        try {
            page.until("the frame stays empty", () -> Boolean.TRUE.equals(page.js("return document.readyState === 'complete'")));
            assertThat(page.driver().findElements(By.id("connect-form"))).isEmpty();
        } finally {
            page.driver().switchTo().defaultContent();
        }
    }

    @Test
    void whenHalleyRestartsThePageStartsAgainAndRejoinsByItself() throws Exception {
        // Its own gateway: this test restarts it.
        HalleyConfig own = config(Ports.free(), irc.port());
        Gateway restarted = Gateway.start(own);
        try {
            aliceIn("#restart");
            arrive("http://127.0.0.1:" + own.server().port(), alice, "dan", "#restart");
            int before = alice.lines().size();
            restarted.close(); // every session is told "shutdown"; every bridge quits
            restarted = Gateway.start(own);
            // The page waits 2-5 s before starting again (chat.js onClosed); the rest is connecting.
            page.until("back in the channel", Duration.ofSeconds(30),
                    () -> alice.lines().stream().skip(before).anyMatch(l -> l.startsWith(":dan!") && l.contains("JOIN") && l.endsWith("#restart")));
            page.until("live again", () -> page.el("link-state").getText().equals("Live · WebSocket"));
            page.type("back after a restart");
            alice.await(l -> l.startsWith(":dan!") && l.endsWith("PRIVMSG #restart :back after a restart"), WAIT);
            page.assertNoErrors();
        } finally {
            restarted.close();
        }
    }
}
