package org.halley.bridges.irc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatCommand;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.Login;
import org.halley.config.ConfigLoader;
import org.halley.config.IrcBridgeConfig;
import org.halley.testkit.InspircdFixture;
import org.halley.testkit.RawIrcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The IRC bridge against a real InspIRCd 3 with its IRCv3 modules, WEBIRC, TLS and Atheme
 * services (for SASL): what only a modern server can show.
 */
class IrcInspircdIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String WEBIRC_PASSWORD = "webirc-s3cret-pw";
    private static InspircdFixture irc;
    private static IrcBridge bridge;

    @BeforeAll
    static void start() throws Exception {
        irc = InspircdFixture.start(InspircdFixture.Options.DEFAULTS.withWebirc(WEBIRC_PASSWORD).withTls().withServices());
        irc.registerAccount("alice", "wonderland");
        bridge = new IrcBridge(config("host: 127.0.0.1\n    port: %d\n    tls: false\n    webirc-password: %s".formatted(irc.port(), WEBIRC_PASSWORD)));
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (irc != null) {
            irc.close();
        }
    }

    static IrcBridgeConfig config(String connection) throws Exception {
        return config(connection, "{burst: 20, interval: 50ms}");
    }

    static IrcBridgeConfig config(String connection, String flood) throws Exception {
        return (IrcBridgeConfig) ConfigLoader.parse("test.yaml", """
                bridges:
                  - name: insp
                    kind: irc
                    %s
                    allowed-channels: ["#halley*"]
                    admission: {connect-interval: 0ms, connections-per-ip: 100}
                    reconnect: {delay: 500ms, max-delay: 2s}
                    flood: %s
                """.formatted(connection, flood)).bridges().get(0);
    }

    static Login login(String nick, String ip, String... channels) {
        return new Login(nick, "", "", List.of(channels), new Login.ClientAddress(ip, ip));
    }

    @Test
    void ircv3ServerTimeEchoMessageMultiPrefixAwayAndAccountNotify() throws Exception {
        try (RawIrcClient carol = RawIrcClient.connect(irc.port(), "carol"); RawIrcClient tim = RawIrcClient.connect(irc.port(), "tim")) {
            tim.send("CAP REQ :server-time");
            tim.await(l -> l.contains("ACK") && l.contains("server-time"), WAIT);
            carol.join("#halley-v3");
            carol.send("MODE #halley-v3 +v carol");
            carol.await(l -> l.contains("MODE #halley-v3 +v"), WAIT);
            tim.join("#halley-v3");
            ChatEventRecorder events = new ChatEventRecorder();
            BridgeConnection dave = bridge.connect(login("dave", "198.51.100.23", "#halley-v3"), events);
            ChatEvent.Members members = events.await(ChatEvent.Members.class, m -> m.channel().equals("#halley-v3"));
            assertThat(members.members()).contains(new ChatEvent.Member("carol", "@+", "op"), new ChatEvent.Member("tim", "", ""));

            // server-time: the event carries the time the server stamped on the message.
            carol.say("#halley-v3", "what time is it");
            String stamped = tim.await(l -> l.endsWith("PRIVMSG #halley-v3 :what time is it"), WAIT);
            Instant serverTime = Instant.parse(stamped.substring("@time=".length(), stamped.indexOf(' ')).split(";")[0]);
            ChatEvent.Message m = events.await(ChatEvent.Message.class, x -> x.text().equals("what time is it"));
            assertThat(m.time()).isEqualTo(serverTime);

            // echo-message: one event for one's own message, as the server relayed it (with its time).
            dave.send(new ChatCommand.Say("#halley-v3", "echo me"));
            String relayed = tim.await(l -> l.endsWith("PRIVMSG #halley-v3 :echo me"), WAIT);
            ChatEvent.Message echo = events.await(ChatEvent.Message.class, x -> x.text().equals("echo me"));
            assertThat(echo.self()).isTrue();
            assertThat(echo.time()).isEqualTo(Instant.parse(relayed.substring("@time=".length(), relayed.indexOf(' ')).split(";")[0]));
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> events.of(ChatEvent.Message.class).stream().filter(x -> x.text().equals("echo me")).count() == 1);

            // multi-prefix on a mode change: the member's whole prefix.
            carol.send("MODE #halley-v3 +o tim");
            events.await(ChatEvent.MemberUpdated.class, u -> u.member().equals(new ChatEvent.Member("tim", "@", "op")));
            carol.send("MODE #halley-v3 +v tim");
            events.await(ChatEvent.MemberUpdated.class, u -> u.member().equals(new ChatEvent.Member("tim", "@+", "op")));

            // away-notify and account-notify.
            carol.send("AWAY :back soon");
            events.await(ChatEvent.Presence.class, p -> p.who().equals("carol") && p.status().equals("away") && p.message().equals("back soon"));
            carol.send("AWAY");
            events.await(ChatEvent.Presence.class, p -> p.who().equals("carol") && p.status().equals("available"));
            carol.say("NickServ", "IDENTIFY alice wonderland");
            events.await(ChatEvent.Account.class, a -> a.nick().equals("carol") && a.account().equals("alice"));

            // The person's own away confirmation.
            dave.send(new ChatCommand.SetPresence("away", "coffee"));
            events.await(ChatEvent.Presence.class, p -> p.self() && p.status().equals("away") && p.message().equals("coffee"));
            dave.close("");
            events.await(ChatEvent.Disconnected.class, d -> d.retryInMillis() == 0);
        }
    }

    @Test
    void webircShowsTheBrowsersAddressAndHexIdentToTheNetworkAndNeverLogsThePassword() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger pircbotx = (Logger) LoggerFactory.getLogger("org.pircbotx");
        Level rootLevel = root.getLevel();
        Level pircbotxLevel = pircbotx.getLevel();
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        root.setLevel(Level.ALL); // everything, PircBotX's own logging and Halley's TRACE of each line included
        pircbotx.setLevel(Level.ALL);
        try (RawIrcClient carol = RawIrcClient.connect(irc.port(), "carol2")) {
            carol.join("#halley-w");
            ChatEventRecorder events = new ChatEventRecorder();
            BridgeConnection erin = bridge.connect(login("erin", "198.51.100.23", "#halley-w"), events);
            String join = carol.await(l -> l.startsWith(":erin!") && l.contains("JOIN"), WAIT);
            assertThat(join).startsWith(":erin!c6336417@198.51.100.23 JOIN");
            carol.send("WHOIS erin");
            carol.await(l -> l.contains(" 311 carol2 erin c6336417 198.51.100.23 "), WAIT);
            erin.close("");
            events.await(ChatEvent.Disconnected.class, d -> true);
        } finally {
            root.detachAppender(log);
            root.setLevel(rootLevel);
            pircbotx.setLevel(pircbotxLevel);
        }
        assertThat(log.list).anyMatch(e -> e.getFormattedMessage().equals("> WEBIRC ***"));
        assertThat(log.list).noneMatch(e -> e.getFormattedMessage().contains(WEBIRC_PASSWORD)
                || (e.getThrowableProxy() != null && String.valueOf(e.getThrowableProxy().getMessage()).contains(WEBIRC_PASSWORD)));
    }

    @Test
    void saslLogsInWithThePersonsOwnAccountAndAFailureIsReported() throws Exception {
        try (RawIrcClient carol = RawIrcClient.connect(irc.port(), "carol3")) {
            ChatEventRecorder events = new ChatEventRecorder();
            BridgeConnection a = bridge.connect(new Login("frank", "alice", "wonderland", List.of(),
                    new Login.ClientAddress("198.51.100.30", "198.51.100.30")), events);
            events.await(ChatEvent.Account.class, x -> x.account().equals("alice"));
            events.await(ChatEvent.Connected.class, c -> c.nick().equals("frank"));
            carol.send("WHOIS frank");
            carol.await(l -> l.contains(" 330 carol3 frank alice "), WAIT);
            a.close("");

            ChatEventRecorder wrong = new ChatEventRecorder();
            BridgeConnection b = bridge.connect(new Login("grace", "alice", "not-the-password", List.of(),
                    new Login.ClientAddress("198.51.100.31", "198.51.100.31")), wrong);
            ChatEvent.Problem p = wrong.await(ChatEvent.Problem.class, x -> x.code().equals("sasl-failed"));
            assertThat(p.message()).contains("alice").doesNotContain("not-the-password");
            wrong.await(ChatEvent.Connected.class, c -> c.nick().equals("grace"));
            carol.send("WHOIS grace");
            carol.await(l -> l.contains(" 318 carol3 grace "), WAIT);
            assertThat(carol.lines()).noneMatch(l -> l.contains(" 330 carol3 grace "));
            b.close("");
        }
    }

    @Test
    void tlsVerifiesTheCertificateAndTheHostName() throws Exception {
        IrcBridge good = new IrcBridge(config("host: localhost\n    port: %d\n    tls: true\n    ca-file: %s".formatted(irc.tlsPort(), irc.caFile())));
        IrcBridge wrongName = new IrcBridge(config("host: 127.0.0.1\n    port: %d\n    tls: true\n    ca-file: %s".formatted(irc.tlsPort(), irc.caFile())));
        IrcBridge unknownCa = new IrcBridge(config("host: localhost\n    port: %d\n    tls: true".formatted(irc.tlsPort())));
        try (RawIrcClient carol = RawIrcClient.connect(irc.port(), "carol4")) {
            carol.join("#halley-tls");
            ChatEventRecorder ok = new ChatEventRecorder();
            BridgeConnection a = good.connect(login("tls-ok", "198.51.100.40", "#halley-tls"), ok);
            ok.await(ChatEvent.Joined.class, j -> j.self());
            a.send(new ChatCommand.Say("#halley-tls", "over tls"));
            carol.await(l -> l.startsWith(":tls-ok!") && l.endsWith("PRIVMSG #halley-tls :over tls"), WAIT);
            carol.send("WHOIS tls-ok");
            carol.await(l -> l.contains(" 671 carol4 tls-ok "), WAIT); // the server says: a secure connection
            a.close("");

            ChatEventRecorder name = new ChatEventRecorder();
            BridgeConnection b = wrongName.connect(login("tls-name", "198.51.100.41"), name);
            ChatEvent.Disconnected d = name.await(ChatEvent.Disconnected.class, x -> true);
            assertThat(d.code()).isEqualTo("tls-failed"); // the certificate's complaint is the operator's (log), not the person's
            assertThat(d.reason()).isEmpty();
            b.close("");

            ChatEventRecorder ca = new ChatEventRecorder();
            BridgeConnection c = unknownCa.connect(login("tls-ca", "198.51.100.42"), ca);
            ChatEvent.Disconnected e = ca.await(ChatEvent.Disconnected.class, x -> true);
            assertThat(e.code()).isEqualTo("tls-failed");
            assertThat(e.reason()).isEmpty();
            c.close("");
            assertThat(name.of(ChatEvent.Connected.class)).isEmpty();
            assertThat(ca.of(ChatEvent.Connected.class)).isEmpty();
        } finally {
            good.close();
            wrongName.close();
            unknownCa.close();
        }
    }

    @Test
    void aKilledPersonIsNotReconnected() throws Exception {
        try (RawIrcClient oper = RawIrcClient.connect(irc.port(), "oper1")) {
            oper.send("OPER " + InspircdFixture.OPER_NAME + " " + InspircdFixture.OPER_PASSWORD);
            oper.await(l -> l.contains(" 381 "), WAIT);
            ChatEventRecorder events = new ChatEventRecorder();
            bridge.connect(login("victim", "198.51.100.50"), events);
            events.await(ChatEvent.Connected.class, c -> true);
            oper.send("KILL victim :no bots here");
            ChatEvent.Disconnected d = events.await(ChatEvent.Disconnected.class, x -> true);
            assertThat(d.retryInMillis()).isZero();
            assertThat(d.code()).isEqualTo("killed");
            assertThat(d.reason()).contains("no bots here");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                    .until(() -> events.of(ChatEvent.Connected.class).size() == 1 && events.of(ChatEvent.Connecting.class).size() == 1);
        }
    }

    @Test
    void aKLinedPersonIsNotReconnectedAndAdmissionSlowsDown() throws Exception {
        IrcBridge own = new IrcBridge(config("host: 127.0.0.1\n    port: %d\n    tls: false\n    webirc-password: %s".formatted(irc.port(), WEBIRC_PASSWORD)));
        try (RawIrcClient oper = RawIrcClient.connect(irc.port(), "oper2")) {
            oper.send("OPER " + InspircdFixture.OPER_NAME + " " + InspircdFixture.OPER_PASSWORD);
            oper.await(l -> l.contains(" 381 "), WAIT);
            ChatEventRecorder events = new ChatEventRecorder();
            own.connect(login("banned", "198.51.100.60"), events);
            events.await(ChatEvent.Connected.class, c -> true);
            oper.send("KLINE " + IrcConnection.hexIp("198.51.100.60") + "@* 1h :spamming");
            ChatEvent.Disconnected d = events.await(ChatEvent.Disconnected.class, x -> true);
            assertThat(d.retryInMillis()).isZero();
            assertThat(d.code()).isEqualTo("banned");
            // The network's own words: InspIRCd sends 465 ("You're banned!") and then ERROR ("... K-Lined ...");
            // which of the two is read before the server closes the socket depends on timing (a
            // loaded machine read only the 465). Either is the network's; never an exception's.
            assertThat(d.reason()).matches(r -> r.toLowerCase(java.util.Locale.ROOT).contains("k-lined")
                    || r.toLowerCase(java.util.Locale.ROOT).contains("banned"), "InspIRCd's own words for the ban");
            assertThat(own.stats().bans()).isEqualTo(1);
            assertThat(own.stats().connectInterval()).isGreaterThanOrEqualTo(IrcAdmission.SLOWDOWN_AT_LEAST);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> own.connections() == 0
                    && events.of(ChatEvent.Connecting.class).size() == 1);
            oper.send("KLINE " + IrcConnection.hexIp("198.51.100.60") + "@*");
        } finally {
            own.close();
        }
    }

    @Test
    void floodControlKeepsAHundredLinePasteFromBeingKilled() throws Exception {
        try (InspircdFixture strict = InspircdFixture.start(InspircdFixture.Options.DEFAULTS.withStrictFloodLimits())) {
            String paste = "x".repeat(300);
            // Without flood control, the same paste is killed: the server's limits are real.
            IrcBridge reckless = new IrcBridge(config("host: 127.0.0.1\n    port: %d\n    tls: false".formatted(strict.port()),
                    "{burst: 1000, interval: 0ms}"));
            IrcBridge careful = new IrcBridge(config("host: 127.0.0.1\n    port: %d\n    tls: false".formatted(strict.port()),
                    "{burst: 5, interval: 120ms}"));
            try (RawIrcClient reader = RawIrcClient.connect(strict.port(), "reader")) {
                reader.join("#halley-flood");
                ChatEventRecorder bad = new ChatEventRecorder();
                BridgeConnection r = reckless.connect(login("reckless", "127.0.0.1", "#halley-flood"), bad);
                bad.await(ChatEvent.Joined.class, j -> j.self());
                for (int i = 0; i < 100; i++) {
                    try {
                        r.send(new ChatCommand.Say("#halley-flood", "reckless " + i + " " + paste));
                    } catch (org.halley.bridges.CommandRejectedException e) {
                        break; // killed already, mid-paste
                    }
                }
                ChatEvent.Disconnected killed = bad.await(ChatEvent.Disconnected.class, d -> true);
                assertThat(killed.reason()).containsAnyOf("RecvQ exceeded", "Excess Flood", "Excess flood");
                r.close("");

                ChatEventRecorder good = new ChatEventRecorder();
                BridgeConnection c = careful.connect(login("careful", "127.0.0.1", "#halley-flood"), good);
                good.await(ChatEvent.Joined.class, j -> j.self());
                for (int i = 0; i < 100; i++) {
                    c.send(new ChatCommand.Say("#halley-flood", "careful " + i + " " + paste));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> reader.lines().stream().filter(l -> l.contains(":careful ")).count() == 100);
                List<String> got = reader.lines().stream().filter(l -> l.startsWith(":careful!") && l.contains("PRIVMSG")).toList();
                for (int i = 0; i < 100; i++) {
                    assertThat(got.get(i)).contains(":careful " + i + " ");
                }
                assertThat(good.of(ChatEvent.Disconnected.class)).isEmpty();
                c.close("");
            } finally {
                reckless.close();
                careful.close();
            }
        }
    }
}
