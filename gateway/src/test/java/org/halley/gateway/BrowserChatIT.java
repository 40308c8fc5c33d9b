package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;
import org.halley.testkit.BrowserFixture;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.Ports;
import org.halley.testkit.RawIrcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * A person in Chromium chats on IRC through Halley with a plain IRC client on the same ngircd; and
 * nothing typed in the browser can become a second IRC command.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserChatIT {
    private static NgircdFixture irc;
    private static Gateway gateway;
    private static BrowserFixture browser;
    private static RawIrcClient alice;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        irc = NgircdFixture.start();
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
                    default-channels: ["#halley"]
                """.formatted(port, url, url, irc.port()));
        gateway = Gateway.start(config);
        alice = RawIrcClient.connect(irc.port(), "alice");
        alice.join("#halley");
        alice.join("#x");
        browser = BrowserFixture.start();
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

    private static WebElement awaitMessage(String from, String text) {
        By by = By.xpath("//ol[@id='messages']/li[@data-from='" + from + "']/span[@class='text' and .='" + text + "']");
        return browser.waiting(Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(by));
    }

    private static WebElement awaitText(String text) {
        By by = By.xpath("//ol[@id='messages']/li/span[contains(., \"" + text + "\")]");
        return browser.waiting(Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(by));
    }

    /** Sends an op through the page's own push session, as a hostile page script could. */
    private static void sendFromPage(String opJson) {
        browser.driver().executeScript("window.halleyClient.send(JSON.parse(arguments[0]))", opJson);
    }

    @Test
    @Order(1)
    void personJoinsFromTheBrowserAndBothSidesTalk() {
        browser.driver().get(url + "/?network=demo&channels=%23halley&nick=bob");
        browser.waiting(Duration.ofSeconds(10)).until(ExpectedConditions.elementToBeClickable(By.id("connect-button"))).click();
        alice.await(l -> l.startsWith(":bob!") && l.contains("JOIN") && l.contains("#halley"), Duration.ofSeconds(15));
        awaitText("bob joined");

        alice.say("#halley", "hello from irc");
        awaitMessage("alice", "hello from irc");

        WebElement input = browser.driver().findElement(By.id("input"));
        input.sendKeys("hello from the browser\n");
        alice.await(l -> l.startsWith(":bob!") && l.endsWith("PRIVMSG #halley :hello from the browser"), Duration.ofSeconds(10));
        awaitMessage("bob", "hello from the browser");
    }

    @Test
    @Order(2)
    void textWithLineBreaksNeverBecomesASecondCommand() {
        sendFromPage("{\"op\":\"say\",\"network\":\"demo\",\"target\":\"#halley\",\"text\":\"hello\\r\\nQUIT :pwned\"}");
        awaitText("text: contains a line break");
        sendFromPage("{\"op\":\"say\",\"network\":\"demo\",\"target\":\"#halley\",\"text\":\"hello\\rPRIVMSG #x :owned\"}");
        sendFromPage("{\"op\":\"say\",\"network\":\"demo\",\"target\":\"#halley\",\"text\":\"nul\\u0000JOIN #y\"}");
        awaitText("text: contains a NUL character");
        sendFromPage("{\"op\":\"join\",\"network\":\"demo\",\"channel\":\"#a,#b\"}");
        awaitText("channel: one channel at a time (no commas)");
        sendFromPage("{\"op\":\"join\",\"network\":\"demo\",\"channel\":\"0\"}");
        awaitText("channel: '0' is not a channel (JOIN 0 would leave every channel)");
        sendFromPage("{\"op\":\"join\",\"network\":\"demo\",\"channel\":\":#halley\"}");
        awaitText("channel: must start with one of");
        sendFromPage("{\"op\":\"say\",\"network\":\"demo\",\"target\":\"#halley,alice\",\"text\":\"two targets\"}");
        awaitText("target: one target at a time (no commas)");

        // The connection is intact and nothing else reached the server in between.
        sendFromPage("{\"op\":\"say\",\"network\":\"demo\",\"target\":\"#halley\",\"text\":\"still here\"}");
        alice.await(l -> l.endsWith("PRIVMSG #halley :still here"), Duration.ofSeconds(10));
        List<String> fromBob = alice.lines().stream().filter(l -> l.startsWith(":bob!")).toList();
        assertThat(fromBob).noneMatch(l -> l.contains("QUIT") || l.contains("owned") || l.contains("pwned")
                || l.contains("#y") || l.contains("#a") || l.contains("PART"));
        assertThat(fromBob).filteredOn(l -> l.contains("PRIVMSG")).extracting(l -> l.substring(l.indexOf(" PRIVMSG")))
                .containsExactly(" PRIVMSG #halley :hello from the browser", " PRIVMSG #halley :still here");
    }
}
