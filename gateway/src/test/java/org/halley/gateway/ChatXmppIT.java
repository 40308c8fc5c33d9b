package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;
import org.halley.testkit.BrowserFixture;
import org.halley.testkit.Closing;
import org.halley.testkit.Ports;
import org.halley.testkit.ProsodyFixture;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.chat2.ChatManager;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.openqa.selenium.By;

/**
 * The chat page on XMPP (Prosody) through Halley, with a plain Smack client on the other side: the
 * connect screen's account fields, a room (both ways, /me, the moderator's mark), a private chat,
 * presence, a kick by the room's owner, and a guest (anonymous login) joining a room by its short
 * name. (It replaces XmppBrowserChatIT, written for the first page.)
 */
class ChatXmppIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ROOM = "lobby@" + ProsodyFixture.MUC;
    private static final String ROOM_SHOWN = "lobby"; // a room of the bridge's own MUC service, by its local part
    private static ProsodyFixture xmpp;
    private static Gateway gateway;
    private static BrowserFixture browser;
    private static ChatPage page;
    private static XMPPTCPConnection alice;
    private static MultiUserChat aliceRoom;
    private static final List<String> aliceGot = new CopyOnWriteArrayList<>();
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        xmpp = ProsodyFixture.start();
        xmpp.register("alice", ProsodyFixture.DOMAIN, "alice-pw");
        for (String user : List.of("bob", "carol", "dave")) { // a person of their own for each test
            xmpp.register(user, ProsodyFixture.DOMAIN, user + "-pw");
        }
        int port = Ports.free();
        url = "http://127.0.0.1:" + port;
        HalleyConfig config = ConfigLoader.parse("test.yaml", """
                server:
                  port: %d
                  public-url: %s
                  allowed-origins: [%s]
                bridges:
                  - name: jabber
                    kind: xmpp
                    host: 127.0.0.1
                    port: %d
                    domain: %s
                    muc-service: %s
                    ca-file: %s
                    default-rooms: ["%s"]
                  - name: guests
                    kind: xmpp
                    host: 127.0.0.1
                    port: %d
                    domain: %s
                    muc-service: %s
                    login: anonymous
                    ca-file: %s
                """.formatted(port, url, url, xmpp.port(), ProsodyFixture.DOMAIN, ProsodyFixture.MUC, xmpp.caFile(), ROOM,
                xmpp.port(), ProsodyFixture.ANONYMOUS_DOMAIN, ProsodyFixture.MUC, xmpp.caFile()));
        gateway = Gateway.start(config);
        alice = login("alice");
        ChatManager.getInstanceFor(alice).addIncomingListener((from, message, chat) -> aliceGot.add(from.toString() + ": " + message.getBody()));
        aliceRoom = MultiUserChatManager.getInstanceFor(alice).getMultiUserChat(JidCreate.entityBareFrom(ROOM));
        aliceRoom.createOrJoin(Resourcepart.from("alice")).makeInstant(); // alice owns the room: a moderator
        aliceRoom.addMessageListener(m -> aliceGot.add("room " + m.getFrom().getResourceOrEmpty() + ": " + m.getBody()));
        browser = BrowserFixture.start();
        page = new ChatPage(browser);
    }

    private static XMPPTCPConnection login(String user) throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(ProsodyFixture.DOMAIN).setHostAddress(java.net.InetAddress.getLoopbackAddress()).setPort(xmpp.port())
                .setUsernameAndPassword(user, user + "-pw").setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(trusting(xmpp.caFile())).setResource("peer").build());
        c.connect().login();
        return c;
    }

    /** Trusts only the fixture's CA. */
    static javax.net.ssl.X509TrustManager trusting(java.nio.file.Path caPem) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        ks.load(null, null);
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(caPem)) {
            int i = 0;
            for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return (javax.net.ssl.X509TrustManager) tmf.getTrustManagers()[0];
    }

    /** The page remembers the last person's nick and address: an earlier test's must not stay in front of this one's. */
    private static void clearLoginFields() {
        page.el("nick").clear();
        page.el("account").clear();
        page.el("password").clear();
    }

    /** Opens the page afresh and logs {@code user} in (the nick the same), into the bridge's default room. */
    private static void connectAs(String user) {
        page.open(url + "/?network=jabber");
        clearLoginFields();
        page.el("nick").sendKeys(user);
        page.el("account").sendKeys(user + "@" + ProsodyFixture.DOMAIN);
        page.el("password").sendKeys(user + "-pw");
        page.connect();
        page.awaitConversation(ROOM);
        page.await(By.xpath("//ul[@id='members']//button[@data-nick='" + user + "']")); // in the room, as alice sees it too
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(browser, alice == null ? null : alice::disconnect, gateway, xmpp);
    }

    @Test
    void connectScreenAsksForTheAddressAndPassword() {
        page.open(url + "/?network=jabber");
        assertThat(page.el("login").getAttribute("open")).isNotNull();
        assertThat(page.el("account-label").getText()).isEqualTo("Address (JID)");
        assertThat(page.el("channels-label").getText()).isEqualTo("Rooms");
        assertThat(page.el("channels").getAttribute("value")).isEqualTo(ROOM);
        page.el("connect-button").click();
        assertThat(page.el("connect-error").getText()).isEqualTo("This network needs your address and password.");
        page.screenshot("xmpp-connect-desktop", 1280, 800);
    }

    @Test
    void personJoinsARoomAndBothSidesTalk() throws Exception {
        page.open(url + "/?network=jabber");
        clearLoginFields();
        page.el("nick").sendKeys("bob");
        page.el("account").sendKeys("bob@" + ProsodyFixture.DOMAIN);
        page.el("password").sendKeys("bob-pw");
        page.connect();
        page.awaitConversation(ROOM);
        page.await(By.xpath("//ul[@id='members']//button[@data-nick='alice']/span[.='@']"));
        page.await(By.xpath("//ul[@id='members']//button[@data-nick='bob']"));
        aliceRoom.sendMessage("hello from xmpp");
        page.awaitMessage("alice", "hello from xmpp");
        page.type("hello from the browser");
        page.until("alice got it", () -> aliceGot.contains("room bob: hello from the browser"));
        page.awaitMessage("bob", "hello from the browser");
        page.until("nothing pending", () -> page.pending().isEmpty());
        page.type("/me waves");
        page.until("alice got the action", () -> aliceGot.contains("room bob: /me waves"));
        // XMPP carries line breaks: a pasted paragraph goes as one message.
        page.paste("line one\nline two\nline three");
        page.awaitVisible(By.id("paste-dialog"));
        assertThat(page.el("paste-question").getText()).isEqualTo("Send these 3 lines to " + ROOM + " as one message?");
        page.el("paste-send").click();
        page.until("alice got one message", () -> aliceGot.contains("room bob: line one\nline two\nline three"));
        page.until("shown with its line breaks", () -> page.awaitMessage("bob", "line one\nline two\nline three").getSize().getHeight() > 40);
        page.screenshot("xmpp-room-desktop", 1280, 800);
        page.screenshot("xmpp-room-phone", 390, 844);
        page.assertNoErrors();
    }

    @Test
    void privateChatsAndPresence() throws Exception {
        connectAs("carol");
        ChatManager.getInstanceFor(alice).chatWith(JidCreate.entityBareFrom("carol@" + ProsodyFixture.DOMAIN)).send("psst");
        String aliceJid = "alice@" + ProsodyFixture.DOMAIN;
        page.select(aliceJid);
        page.awaitMessage(aliceJid, "psst");
        page.type("psst back");
        page.until("alice got the reply", () -> aliceGot.stream().anyMatch(l -> l.startsWith("carol@") && l.endsWith(": psst back")));
        alice.sendStanza(alice.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available).setMode(Presence.Mode.away)
                .setStatus("lunch").to(JidCreate.entityBareFrom("carol@" + ProsodyFixture.DOMAIN)).build());
        page.type("/away brb");
        page.awaitLine("You are marked as away: brb");
        page.type("/back");
        page.awaitLine("You are no longer marked as away");
    }

    @Test
    void aModeratorKicksThePersonFromTheRoom() throws Exception {
        connectAs("dave");
        page.select(ROOM);
        assertThat(page.sidebarItem(ROOM).findElement(By.className("name")).getText()).isEqualTo(ROOM_SHOWN);
        aliceRoom.kickParticipant(Resourcepart.from("dave"), "enough");
        page.awaitLine("alice removed you from this channel (enough)");
        page.until("room marked as left", () -> page.sidebarItem(ROOM).getAttribute("class").contains("parted"));
        page.assertNoErrors();
    }

    @Test
    void aGuestJoinsARoomByItsShortNameWithoutAnAccount() {
        page.open(url + "/?network=guests&channels=lobby&nick=dora");
        assertThat(page.el("login").isDisplayed()).as("no account fields for anonymous login").isFalse();
        page.connect();
        page.awaitConversation(ROOM);
        page.type("hello from a guest");
        page.until("alice got it", () -> aliceGot.contains("room dora: hello from a guest"));
        page.awaitMessage("dora", "hello from a guest");
        page.assertNoErrors();
    }
}
