package org.halley.gateway;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;
import org.halley.testkit.BrowserFixture;
import org.halley.testkit.Ports;
import org.halley.testkit.ProsodyFixture;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * A person in Chromium chats in an XMPP room through Halley (anonymous login, STARTTLS with the
 * test CA), with a plain Smack client in the same room on the same Prosody.
 */
class XmppBrowserChatIT {
    private static final String ROOM = "lobby@" + ProsodyFixture.MUC;
    private static ProsodyFixture xmpp;
    private static Gateway gateway;
    private static BrowserFixture browser;
    private static XMPPTCPConnection carol;
    private static MultiUserChat carolRoom;
    private static final List<Message> heard = new CopyOnWriteArrayList<>();
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        xmpp = ProsodyFixture.start();
        xmpp.register("carol", ProsodyFixture.PLAIN_DOMAIN, "carol-pw");
        int port = Ports.free();
        url = "http://127.0.0.1:" + port;
        HalleyConfig config = ConfigLoader.parse("test.yaml", """
                server:
                  port: %d
                  public-url: %s
                  allowed-origins: [%s]
                bridges:
                  - name: guests
                    kind: xmpp
                    host: 127.0.0.1
                    port: %d
                    domain: %s
                    muc-service: %s
                    login: anonymous
                    ca-file: %s
                    default-rooms: [lobby]
                    allowed-rooms: ["*@%s"]
                """.formatted(port, url, url, xmpp.port(), ProsodyFixture.ANONYMOUS_DOMAIN, ProsodyFixture.MUC, xmpp.caFile(),
                ProsodyFixture.MUC));
        gateway = Gateway.start(config);
        carol = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(ProsodyFixture.PLAIN_DOMAIN)
                .setHostAddress(java.net.InetAddress.getLoopbackAddress())
                .setPort(xmpp.port())
                .setSecurityMode(SecurityMode.disabled)
                .setUsernameAndPassword("carol", "carol-pw")
                .build());
        carol.connect().login();
        carolRoom = MultiUserChatManager.getInstanceFor(carol).getMultiUserChat(JidCreate.entityBareFrom(ROOM));
        MultiUserChat.MucCreateConfigFormHandle created = carolRoom.createOrJoin(Resourcepart.from("carol"));
        if (created != null) {
            created.makeInstant();
        }
        carolRoom.addMessageListener(heard::add);
        browser = BrowserFixture.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (carol != null) {
            carol.disconnect();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (xmpp != null) {
            xmpp.close();
        }
    }

    private static WebElement awaitText(String text) {
        By by = By.xpath("//ol[@id='messages']/li/span[contains(., \"" + text + "\")]");
        return browser.waiting(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(by));
    }

    @Test
    void personJoinsARoomFromTheBrowserAndBothSidesTalk() throws Exception {
        browser.driver().get(url + "/?network=guests&channels=lobby&nick=dora");
        browser.waiting(Duration.ofSeconds(10)).until(ExpectedConditions.elementToBeClickable(By.id("connect-button"))).click();
        awaitText("dora joined");

        carolRoom.sendMessage("hello from xmpp");
        awaitText("hello from xmpp");

        browser.driver().findElement(By.id("input")).sendKeys("hello from the browser\n");
        await().atMost(Duration.ofSeconds(15)).until(() -> heard.stream()
                .anyMatch(m -> "hello from the browser".equals(m.getBody()) && m.getFrom().toString().equals(ROOM + "/dora")));
        awaitText("hello from the browser");
    }
}
