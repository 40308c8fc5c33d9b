package org.halley.bridges.irc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatCommand;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.CommandRejectedException;
import org.halley.bridges.Login;
import org.halley.config.ConfigLoader;
import org.halley.config.IrcBridgeConfig;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.RawIrcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The IRC bridge against a real ngircd, with a plain IRC client on the other side. */
class IrcBridgeIT {
    private static NgircdFixture irc;
    private static IrcBridge bridge;

    @BeforeAll
    static void start() throws Exception {
        irc = NgircdFixture.start();
        IrcBridgeConfig config = (IrcBridgeConfig) ConfigLoader.parse("test.yaml", """
                bridges:
                  - name: test
                    kind: irc
                    host: 127.0.0.1
                    port: %d
                    tls: false
                    allowed-channels: ["#halley*", "#x"]
                """.formatted(irc.port())).bridges().get(0);
        bridge = new IrcBridge(config);
    }

    @AfterAll
    static void stop() {
        bridge.close();
        irc.close();
    }

    /** Events of one connection, recorded in the order delivered. */
    static final class Events {
        final List<ChatEvent> all = new CopyOnWriteArrayList<>();

        <T extends ChatEvent> T await(Class<T> type, Predicate<T> p) {
            return org.awaitility.Awaitility.await("a " + type.getSimpleName() + " among " + all).atMost(Duration.ofSeconds(15)).until(() -> all.stream()
                    .filter(type::isInstance).map(type::cast).filter(p).findFirst().orElse(null), e -> e != null);
        }
    }

    static Login login(String nick, String... channels) {
        return new Login(nick, "", "", List.of(channels), new Login.ClientAddress("127.0.0.1", "localhost"));
    }

    @Test
    void connectsJoinsAndTalksBothWays() throws Exception {
        try (RawIrcClient carol = RawIrcClient.connect(irc.port(), "carol")) {
            carol.join("#halley-a");
            Events events = new Events();
            BridgeConnection dave = bridge.connect(login("dave", "#halley-a"), events.all::add);
            events.await(ChatEvent.Connected.class, c -> c.nick().equals("dave"));
            events.await(ChatEvent.ServerText.class, t -> t.text().contains("Welcome to the Halley test server"));
            events.await(ChatEvent.Joined.class, j -> j.self() && j.channel().equals("#halley-a"));
            events.await(ChatEvent.Members.class, m -> m.members().stream().anyMatch(x -> x.nick().equals("carol")));

            carol.say("#halley-a", "hi dave");
            events.await(ChatEvent.Message.class, m -> m.from().equals("carol") && m.text().equals("hi dave") && !m.self());
            dave.send(new ChatCommand.Say("#halley-a", "hi carol"));
            carol.await(l -> l.startsWith(":dave!") && l.endsWith("PRIVMSG #halley-a :hi carol"), Duration.ofSeconds(10));
            events.await(ChatEvent.Message.class, m -> m.self() && m.text().equals("hi carol"));

            dave.send(new ChatCommand.Act("#halley-a", "waves"));
            carol.await(l -> l.endsWith("PRIVMSG #halley-a :\u0001ACTION waves\u0001"), Duration.ofSeconds(10));
            carol.say("dave", "private");
            events.await(ChatEvent.Message.class, m -> m.conversation().equals("carol") && m.text().equals("private"));

            carol.send("PART #halley-a :gone");
            events.await(ChatEvent.Parted.class, p -> p.nick().equals("carol") && p.channel().equals("#halley-a") && p.reason().equals("gone"));
            carol.join("#halley-a");

            dave.close("bye now");
            carol.await(l -> l.startsWith(":dave!") && l.contains("QUIT") && l.contains("bye now"), Duration.ofSeconds(10));
            events.await(ChatEvent.Disconnected.class, d -> d.retryInMillis() == 0);
        }
    }

    @Test
    void injectionAttemptsAreRefusedAndNothingReachesTheServer() throws Exception {
        try (RawIrcClient carol = RawIrcClient.connect(irc.port(), "carol2")) {
            carol.join("#halley-b");
            carol.join("#x");
            Events events = new Events();
            BridgeConnection erin = bridge.connect(login("erin", "#halley-b"), events.all::add);
            events.await(ChatEvent.Joined.class, j -> j.self());

            for (String text : List.of("hello\r\nQUIT :pwned", "hello\rPRIVMSG #x :owned", "hello\nPRIVMSG #x :owned", "a\u0000JOIN #x",
                    "x\u2028PRIVMSG #x :owned")) {
                assertThatThrownBy(() -> erin.send(new ChatCommand.Say("#halley-b", text)))
                        .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.field()).isEqualTo("text"));
            }
            for (String channel : List.of("#a,#b", "0", ":#x", "#x\r\nQUIT", "#x :key")) {
                assertThatThrownBy(() -> erin.send(new ChatCommand.Join(channel, "")))
                        .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.field()).isEqualTo("channel"));
            }
            assertThatThrownBy(() -> erin.send(new ChatCommand.Join("#x", "k\r\nQUIT")))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.field()).isEqualTo("key"));
            assertThatThrownBy(() -> erin.send(new ChatCommand.Part("#halley-b", "bye\r\nQUIT")))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.field()).isEqualTo("reason"));
            assertThatThrownBy(() -> erin.send(new ChatCommand.ChangeNick("x\r\nQUIT")))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.field()).isEqualTo("nick"));
            assertThatThrownBy(() -> erin.send(new ChatCommand.Say("#halley-b,#x", "two")))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.field()).isEqualTo("target"));
            assertThatThrownBy(() -> erin.send(new ChatCommand.Join("#elsewhere", "")))
                    .isInstanceOfSatisfying(CommandRejectedException.class, e -> {
                        assertThat(e.code()).isEqualTo("not-allowed");
                        assertThat(e.getMessage()).contains("#elsewhere is not open through this gateway");
                    });

            erin.send(new ChatCommand.Say("#halley-b", "still here"));
            carol.await(l -> l.endsWith("PRIVMSG #halley-b :still here"), Duration.ofSeconds(10));
            assertThat(carol.lines()).filteredOn(l -> l.startsWith(":erin!"))
                    .noneMatch(l -> l.contains("QUIT") || l.contains("owned") || l.contains("pwned") || l.contains("#x"));
            erin.close("");
        }
    }

    @Test
    void longTextIsSplitIntoLinesThatFit() throws Exception {
        try (RawIrcClient carol = RawIrcClient.connect(irc.port(), "carol3")) {
            carol.join("#halley-c");
            Events events = new Events();
            BridgeConnection frank = bridge.connect(login("frank", "#halley-c"), events.all::add);
            events.await(ChatEvent.Joined.class, j -> j.self());
            String text = "ünïcödé ".repeat(200).strip(); // 2,199 chars, 3,199 bytes
            frank.send(new ChatCommand.Say("#halley-c", text));
            await().atMost(Duration.ofSeconds(15)).until(() -> received(carol, "#halley-c").equals(text.replace(" ", "")));
            assertThat(carol.lines()).filteredOn(l -> l.contains("PRIVMSG #halley-c"))
                    .allMatch(l -> l.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 510);
            frank.close("");
        }
    }

    private static String received(RawIrcClient c, String channel) {
        StringBuilder b = new StringBuilder();
        for (String l : c.lines()) {
            int i = l.indexOf("PRIVMSG " + channel + " :");
            if (i >= 0) {
                b.append(l.substring(i + ("PRIVMSG " + channel + " :").length()).replace(" ", ""));
            }
        }
        return b.toString();
    }

    @Test
    void takenNickFallsBackToTheConfiguredPattern() throws Exception {
        try (RawIrcClient grace = RawIrcClient.connect(irc.port(), "grace")) {
            Events events = new Events();
            BridgeConnection other = bridge.connect(login("grace"), events.all::add);
            ChatEvent.Connected c = events.await(ChatEvent.Connected.class, x -> true);
            assertThat(c.nick()).isEqualTo("grace_");
            other.close("");
        }
    }

    @Test
    void dccOffersAreDroppedAndTheConnectionLives() throws Exception {
        try (RawIrcClient heidi = RawIrcClient.connect(irc.port(), "heidi")) {
            Events events = new Events();
            BridgeConnection ivan = bridge.connect(login("ivan"), events.all::add);
            events.await(ChatEvent.Connected.class, x -> true);
            heidi.say("ivan", "\u0001DCC SEND evil.exe 2130706433 1 10\u0001");
            heidi.say("ivan", "after the offer");
            events.await(ChatEvent.Message.class, m -> m.text().equals("after the offer"));
            assertThat(events.all).filteredOn(ChatEvent.Message.class::isInstance).hasSize(1);
            ivan.close("");
        }
    }
}
