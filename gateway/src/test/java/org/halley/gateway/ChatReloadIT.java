package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;
import org.halley.testkit.BrowserFixture;
import org.halley.testkit.Closing;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.Ports;
import org.halley.testkit.ProsodyFixture;
import org.halley.testkit.RawIrcClient;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;

/**
 * A reload keeps the session: the page stores its session in the tab (sessionStorage) and resumes
 * it, so the person keeps their nick, channels and IRC connection, and sees what came meanwhile.
 * Against real ngircd and Prosody, with plain clients in the channels watching for QUIT and JOIN.
 *
 * <p>Two gateways: {@code roomy} keeps every event of a session (a reload replays them all), and
 * {@code tight} keeps 30, so a reload finds the buffer overflowed and the networks say again
 * where the person stands. Both linger 8 s.
 */
class ChatReloadIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long LINGER_SECONDS = 8;
    private static final String ROOM = "reload@" + ProsodyFixture.MUC;
    private static NgircdFixture irc;
    private static ProsodyFixture xmpp;
    private static Gateway roomy;
    private static Gateway tight;
    private static String roomyUrl;
    private static String tightUrl;
    private static BrowserFixture browser;
    private static ChatPage page;
    private static RawIrcClient alice;
    private static XMPPTCPConnection xalice;
    private static MultiUserChat aliceRoom;
    private static final List<String> roomSeen = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        irc = NgircdFixture.start(NgircdFixture.Options.DEFAULTS.withoutPenalties());
        xmpp = ProsodyFixture.start();
        xmpp.register("alice", ProsodyFixture.DOMAIN, "alice-pw");
        int port = Ports.free();
        roomyUrl = "http://127.0.0.1:" + port;
        roomy = Gateway.start(config(port, roomyUrl, 1000));
        port = Ports.free();
        tightUrl = "http://127.0.0.1:" + port;
        tight = Gateway.start(config(port, tightUrl, 30));
        alice = RawIrcClient.connect(irc.port(), "alice");
        for (String c : List.of("#ra", "#rb", "#rc", "#rd", "#re", "#rf", "#rg", "#ta", "#tb", "#tq")) { // ngircd lets her into 10 channels
            alice.join(c);
        }
        alice.send("TOPIC #ra :roomy topic");
        alice.send("TOPIC #ta :tight topic");
        alice.await(l -> l.contains(" TOPIC #ta :tight topic"), WAIT);
        xalice = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(ProsodyFixture.DOMAIN).setHostAddress(java.net.InetAddress.getLoopbackAddress()).setPort(xmpp.port())
                .setUsernameAndPassword("alice", "alice-pw").setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(ChatXmppIT.trusting(xmpp.caFile())).setResource("peer").build());
        xalice.connect().login();
        aliceRoom = MultiUserChatManager.getInstanceFor(xalice).getMultiUserChat(JidCreate.entityBareFrom(ROOM));
        aliceRoom.createOrJoin(Resourcepart.from("alice")).makeInstant();
        aliceRoom.changeSubject("xmpp subject");
        aliceRoom.addParticipantListener(p -> roomSeen.add(p.getFrom().getResourceOrEmpty() + " " + p.getType()));
        aliceRoom.addMessageListener(m -> roomSeen.add(m.getFrom().getResourceOrEmpty() + ": " + m.getBody()));
        browser = BrowserFixture.start();
        page = new ChatPage(browser);
    }

    private static HalleyConfig config(int port, String url, int bufferEvents) throws Exception {
        return ConfigLoader.parse("test.yaml", """
                server:
                  port: %d
                  public-url: %s
                  allowed-origins: [%s]
                limits:
                  linger: %ds
                  session-buffer-events: %d
                bridges:
                  - name: demo
                    kind: irc
                    host: 127.0.0.1
                    port: %d
                    tls: false
                  - name: guests
                    kind: xmpp
                    host: 127.0.0.1
                    port: %d
                    domain: %s
                    muc-service: %s
                    login: anonymous
                    ca-file: %s
                """.formatted(port, url, url, LINGER_SECONDS, bufferEvents, irc.port(), xmpp.port(), ProsodyFixture.ANONYMOUS_DOMAIN,
                ProsodyFixture.MUC, xmpp.caFile()));
    }

    /** A test that failed with the link cut must not leave it cut for the next. */
    @AfterEach
    void linkBack() {
        if (page != null) {
            page.cdp("Network.enable", java.util.Map.of());
            page.cdp("Network.setBlockedURLs", java.util.Map.of("urls", List.of()));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(browser, alice, xalice == null ? null : xalice::disconnect, roomy, tight, irc, xmpp);
    }

    /** Lines alice received from {@code nick} since line {@code from}. */
    private static List<String> aliceSawFrom(String nick, int from) {
        List<String> lines = alice.lines();
        return lines.subList(Math.min(from, lines.size()), lines.size()).stream().filter(l -> l.startsWith(":" + nick + "!")).toList();
    }

    private static int count(String xpath) {
        return page.driver().findElements(By.xpath(xpath)).size();
    }

    private static int linesContaining(String text) {
        return count("//ol[@id='messages']/li[contains(., " + ChatPage.literal(text) + ")]");
    }

    private static void awaitMembers(String... nicks) {
        for (String n : nicks) {
            page.await(By.xpath("//ul[@id='members']//button[@data-nick=" + ChatPage.literal(n) + "]"));
        }
    }

    @Test
    void reloadKeepsNickChannelsTopicAndNamesOnTheSameIrcConnection() {
        page.open(roomyUrl + "/?network=demo&channels=%23ra,%23rb&nick=rita&autoconnect=1");
        page.awaitConversation("#ra");
        awaitMembers("alice", "rita");
        page.awaitLine("Topic: roomy topic");
        page.sidebarItem("#rb");
        alice.say("#ra", "before the reload");
        page.awaitMessage("alice", "before the reload");
        int mark = alice.lines().size();
        long resets = roomy.push().counters().snapshot().resets();

        page.reload();
        assertThat(page.el("connect-screen").isDisplayed()).as("no connect screen after a reload").isFalse();
        page.awaitConversation("#ra");
        awaitMembers("alice", "rita");
        page.until("the topic bar", () -> page.el("topic").getText().equals("roomy topic"));
        page.awaitMessage("alice", "before the reload");
        page.until("#rb is still joined", () -> !page.sidebarItem("#rb").getAttribute("class").contains("parted"));
        page.until("live", () -> page.el("link-state").getText().startsWith("Live"));
        // Replayed once: nothing shown twice.
        assertThat(linesContaining("before the reload")).isEqualTo(1);
        assertThat(linesContaining("Topic: roomy topic")).isEqualTo(1);

        assertThat(roomy.push().counters().snapshot().resets()).as("every event replayed, no reset").isEqualTo(resets);
        page.type("after the reload");
        alice.await(l -> l.startsWith(":rita!") && l.endsWith("PRIVMSG #ra :after the reload"), WAIT);
        page.awaitMessage("rita", "after the reload");
        assertThat(aliceSawFrom("rita", mark)).as("the same IRC connection: no QUIT, no JOIN").isNotEmpty()
                .allMatch(l -> l.contains(" PRIVMSG #ra :after the reload"));
        page.assertNoErrors();
    }

    @Test
    void messagesSentWhileThePageWasAwayAreShownOnceWhenItIsBack() {
        String url = roomyUrl + "/?network=demo&channels=%23re,%23rf&nick=rosa&autoconnect=1";
        page.open(url);
        page.awaitConversation("#re");
        page.type("before the page went away");
        alice.await(l -> l.startsWith(":rosa!") && l.endsWith("PRIVMSG #re :before the page went away"), WAIT);
        page.awaitMessage("rosa", "before the page went away");
        int mark = alice.lines().size();
        page.driver().get("about:blank"); // a slow reload: the page is gone for a while
        alice.say("#re", "while the page was away");
        alice.say("#rf", "in the other channel");
        page.visit(url);
        page.awaitConversation("#re");
        page.awaitMessage("alice", "while the page was away");
        assertThat(linesContaining("while the page was away")).isEqualTo(1);
        assertThat(linesContaining("before the page went away")).isEqualTo(1);
        page.select("#rf");
        page.awaitMessage("alice", "in the other channel");
        awaitMembers("alice", "rosa");
        assertThat(aliceSawFrom("rosa", mark)).isEmpty();
        page.assertNoErrors();
    }

    @Test
    void closingTheTabEndsTheSessionAfterTheLingerTime() {
        String first = page.driver().getWindowHandle();
        page.driver().switchTo().newWindow(WindowType.TAB);
        long closed;
        try {
            page.visit(roomyUrl + "/?network=demo&channels=%23rc&nick=cleo&autoconnect=1");
            alice.await(l -> l.startsWith(":cleo!") && l.contains(" JOIN ") && l.contains("#rc"), WAIT);
        } finally {
            closed = System.nanoTime(); // before the tab goes: its session lingers from a moment after
            page.driver().close();
            page.driver().switchTo().window(first);
        }
        alice.await(l -> l.startsWith(":cleo!") && l.contains(" QUIT "), Duration.ofSeconds(LINGER_SECONDS + 20));
        assertThat(Duration.ofNanos(System.nanoTime() - closed)).as("the session outlived its tab for the linger time")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(LINGER_SECONDS - 1));
    }

    @Test
    void reloadAfterTheSessionEndedShowsTheConnectScreenFilledIn() {
        page.open(roomyUrl + "/?network=demo&channels=%23rg,%23rh&nick=rhea&autoconnect=1");
        page.awaitConversation("#rg");
        awaitMembers("alice", "rhea");
        // The page loses its link (a phone in a pocket) for longer than the session lingers.
        page.cutLink();
        alice.await(l -> l.startsWith(":rhea!") && l.contains(" QUIT "), Duration.ofSeconds(LINGER_SECONDS + 20));
        page.driver().navigate().refresh(); // still cut off: the new page asks about its session once the link is back
        page.restoreLink();
        page.awaitVisible(By.id("connect-screen"));
        assertThat(page.el("chat-screen").isDisplayed()).isFalse();
        assertThat(page.el("nick").getAttribute("value")).isEqualTo("rhea");
        assertThat(page.el("channels").getAttribute("value")).isEqualTo("#rg, #rh");
        assertThat(page.el("connect-error").getText()).isEqualTo("Your previous session has ended; connect again.");
        assertThat((Object) page.js("return sessionStorage.getItem('halley.session')")).as("forgotten").isNull();
        page.screenshot("reload-expired-phone", 390, 844);
        page.assertNoErrors();
    }

    @Test
    void reloadAfterTheBufferOverflowedShowsTheChannelsAsTheyAre() {
        page.open(tightUrl + "/?network=demo&channels=%23ta,%23tb&nick=tina&autoconnect=1");
        page.awaitConversation("#ta");
        awaitMembers("alice", "tina");
        page.awaitLine("Topic: tight topic");
        for (int i = 1; i <= 40; i++) {
            alice.say("#ta", "line " + i);
        }
        page.awaitMessage("alice", "line 40");
        int mark = alice.lines().size();
        long resets = tight.push().counters().snapshot().resets();

        page.reload();
        page.awaitConversation("#ta");
        page.awaitMessage("alice", "line 40");
        awaitMembers("alice", "tina");
        page.until("the topic bar", () -> page.el("topic").getText().equals("tight topic"));
        page.until("#tb is joined", () -> !page.sidebarItem("#tb").getAttribute("class").contains("parted"));
        assertThat(linesContaining("line 40")).isEqualTo(1);
        assertThat(linesContaining("Topic: tight topic")).isLessThanOrEqualTo(1);
        assertThat(linesContaining("Some events were missed")).isZero();
        assertThat(tight.push().counters().snapshot().resets()).as("the buffer had overflowed: reset, then the refresh").isGreaterThan(resets);
        page.select("#tb");
        awaitMembers("alice", "tina");

        page.select("#ta");
        page.type("after an overflowed reload");
        alice.await(l -> l.startsWith(":tina!") && l.endsWith("PRIVMSG #ta :after an overflowed reload"), WAIT);
        assertThat(aliceSawFrom("tina", mark)).as("the same IRC connection: no QUIT, no JOIN")
                .allMatch(l -> l.contains(" PRIVMSG #ta :after an overflowed reload"));
        page.assertNoErrors();
    }

    @Test
    void anXmppRoomSurvivesAReload() throws Exception {
        page.open(tightUrl + "/?network=guests&channels=reload&nick=gina&autoconnect=1");
        page.awaitConversation(ROOM);
        awaitMembers("alice", "gina");
        page.until("alice sees gina", () -> roomSeen.contains("gina available"));
        for (int i = 1; i <= 40; i++) { // past the buffer: the room is described again
            aliceRoom.sendMessage("room line " + i);
        }
        page.awaitMessage("alice", "room line 40");
        int mark = roomSeen.size();
        long resets = tight.push().counters().snapshot().resets();

        page.reload();
        page.awaitConversation(ROOM);
        page.awaitMessage("alice", "room line 40");
        awaitMembers("alice", "gina");
        page.until("the subject", () -> page.el("topic").getText().equals("xmpp subject"));
        assertThat(tight.push().counters().snapshot().resets()).as("described again after a reset").isGreaterThan(resets);
        page.type("back in the room");
        page.until("alice got it from the same occupant", () -> roomSeen.contains("gina: back in the room"));
        assertThat(roomSeen.subList(mark, roomSeen.size())).as("gina never left the room")
                .noneMatch(l -> l.startsWith("gina " + Presence.Type.unavailable));
        page.assertNoErrors();
    }

    @Test
    void quitEndsTheSessionAtOnceAndAReloadStartsAfresh() {
        page.open(tightUrl + "/?network=demo&channels=%23tq&nick=quinn");
        page.connect();
        page.awaitConversation("#tq");
        page.type("/quit see you");
        alice.await(l -> l.startsWith(":quinn!") && l.contains(" QUIT ") && l.contains("see you"), WAIT);
        page.until("the session ended", () -> "closed".equals(page.js("return window.halleyClient.state.name")));
        assertThat((Object) page.js("return sessionStorage.getItem('halley.session')")).isNull();
        page.reload();
        page.awaitVisible(By.id("connect-screen"));
        assertThat(page.el("connect-error").getText()).isEmpty();
        page.assertNoErrors();
    }

    @Test
    void aDuplicatedTabTakesTheSessionOverAndTheFirstStopsOnEveryTransport() throws Exception {
        String first = page.driver().getWindowHandle();
        for (String transport : List.of("websocket", "sse", "long-polling", "iframe")) {
            String nick = "dup" + transport.charAt(0);
            String url = roomyUrl + "/?network=demo&channels=%23rd&nick=" + nick + "&autoconnect=1&transport=" + transport;
            page.open(url);
            page.awaitConversation("#rd");
            page.until("live", () -> page.el("link-state").getText().startsWith("Live"));
            int mark = alice.lines().size();
            long sessions = roomy.push().counters().snapshot().sessionsOpened();
            // What the browser's "Duplicate tab" does: a new tab with a copy of this tab's sessionStorage.
            String stored = (String) page.js("return JSON.stringify(sessionStorage)");
            String second = page.newTab();
            try {
                page.driver().get(roomyUrl + "/healthz");
                page.js("const s = JSON.parse(arguments[0]); for (const k in s) sessionStorage.setItem(k, s[k]);", stored);
                page.visit(url);
                page.awaitConversation("#rd");
                page.until(transport + ": the copy is live", () -> page.el("link-state").getText().startsWith("Live"));
                page.driver().switchTo().window(first);
                page.until(transport + ": the first tab says where the chat went",
                        () -> page.el("link-state").getText().equals("This chat is now open in another tab or window."));
                // And it stays stopped (the two tabs do not take the session from each other in turn):
                // its client is closed, holds no connection and plans no retry, so nothing is left to
                // wake it; the copy's message through the server below is the marker after which it is checked again.
                assertThat((Object) page.js("const c = window.halleyClient; return [c.state.name, c.conn == null, c.state.retryAt].join(' ')"))
                        .as(transport).isEqualTo("closed true 0");
                page.assertNoErrors();
                page.driver().switchTo().window(second);
                page.type("the copy of " + transport + " speaks");
                alice.await(l -> l.startsWith(":" + nick + "!") && l.endsWith("PRIVMSG #rd :the copy of " + transport + " speaks"), WAIT);
                page.awaitMessage(nick, "the copy of " + transport + " speaks");
                assertThat(page.el("link-state").getText()).as(transport + ": the copy kept it").startsWith("Live");
                page.driver().switchTo().window(first);
                assertThat(page.el("link-state").getText()).as(transport).isEqualTo("This chat is now open in another tab or window.");
                assertThat((Object) page.js("return window.halleyClient.state.name")).isEqualTo("closed");
                page.driver().switchTo().window(second);
                assertThat(aliceSawFrom(nick, mark)).as("the same IRC connection: no QUIT, no JOIN")
                        .allMatch(l -> l.contains(" PRIVMSG #rd :"));
                assertThat(roomy.push().counters().snapshot().sessionsOpened()).as("no new session").isEqualTo(sessions);
                page.assertNoErrors();
                page.leave(url);
            } finally {
                if (page.driver().getWindowHandles().size() > 1) {
                    for (String h : page.driver().getWindowHandles()) {
                        if (!h.equals(first)) {
                            page.driver().switchTo().window(h);
                            page.driver().close();
                        }
                    }
                }
                page.driver().switchTo().window(first);
            }
        }
    }
}
