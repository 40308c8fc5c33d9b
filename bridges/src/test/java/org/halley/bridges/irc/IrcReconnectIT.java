package org.halley.bridges.irc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatCommand;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.CommandRejectedException;
import org.halley.bridges.Login;
import org.halley.config.ConfigLoader;
import org.halley.config.IrcBridgeConfig;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.RawIrcClient;
import org.junit.jupiter.api.Test;

/** Losing the IRC server: reconnect with backoff and rejoin; being throttled: slow down. */
class IrcReconnectIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    static IrcBridgeConfig config(int port, String reconnect) throws Exception {
        return (IrcBridgeConfig) ConfigLoader.parse("test.yaml", """
                bridges:
                  - name: test
                    kind: irc
                    host: 127.0.0.1
                    port: %d
                    tls: false
                    allowed-channels: ["#halley*"]
                    admission: {connect-interval: 0ms, connections-per-ip: 100}
                    reconnect: %s
                """.formatted(port, reconnect)).bridges().get(0);
    }

    static Login login(String nick, String... channels) {
        return new Login(nick, "", "", List.of(channels), new Login.ClientAddress("127.0.0.1", "localhost"));
    }

    @Test
    void serverKilledAndRestartedMidSessionReconnectsAndRejoinsWithKeys() throws Exception {
        try (NgircdFixture irc = NgircdFixture.start()) {
            // A first retry 2.5-7.5 s after the loss: time for carol to set the key up again first.
            IrcBridge bridge = new IrcBridge(config(irc.port(), "{delay: 5s, max-delay: 10s}"));
            try {
                RawIrcClient carol = RawIrcClient.connect(irc.port(), "carol");
                carol.join("#halley-locked");
                carol.send("MODE #halley-locked +k sekrit");
                carol.await(l -> l.contains("MODE #halley-locked +k"), WAIT);
                ChatEventRecorder events = new ChatEventRecorder();
                BridgeConnection dave = bridge.connect(login("dave", "#halley-open"), events);
                events.await(ChatEvent.Joined.class, j -> j.self() && j.channel().equals("#halley-open"));
                dave.send(new ChatCommand.Join("#halley-locked", "sekrit"));
                events.await(ChatEvent.Joined.class, j -> j.self() && j.channel().equals("#halley-locked"));
                dave.send(new ChatCommand.ChangeNick("davey"));
                events.await(ChatEvent.NickChanged.class, n -> n.self() && n.newNick().equals("davey"));

                int before = events.mark();
                irc.kill();
                carol.close();
                ChatEvent.Disconnected lost = events.awaitFrom(before, ChatEvent.Disconnected.class, d -> true);
                assertThat(lost.retryInMillis()).isBetween(2_500L, 7_500L);
                irc.restart();
                RawIrcClient carol2 = RawIrcClient.connect(irc.port(), "carol");
                carol2.join("#halley-locked");
                carol2.send("MODE #halley-locked +k sekrit");
                carol2.await(l -> l.contains("MODE #halley-locked +k"), WAIT);

                events.awaitFrom(before, ChatEvent.Connected.class, c -> c.nick().equals("davey"));
                events.awaitFrom(before, ChatEvent.Joined.class, j -> j.self() && j.channel().equals("#halley-open"));
                events.awaitFrom(before, ChatEvent.Joined.class, j -> j.self() && j.channel().equals("#halley-locked"));
                carol2.await(l -> l.startsWith(":davey!") && l.contains("JOIN") && l.contains("#halley-locked"), WAIT);
                dave.send(new ChatCommand.Say("#halley-locked", "back again"));
                carol2.await(l -> l.startsWith(":davey!") && l.endsWith("PRIVMSG #halley-locked :back again"), WAIT);
                assertThat(events.all.subList(before, events.all.size())).filteredOn(ChatEvent.Problem.class::isInstance).isEmpty();
                dave.close("");
                carol2.close();
            } finally {
                bridge.close();
            }
        }
    }

    @Test
    void anOutageIsToldOnceInTheCataloguesWordsHoweverManyAttemptsFail() throws Exception {
        try (NgircdFixture irc = NgircdFixture.start()) {
            IrcBridge bridge = new IrcBridge(config(irc.port(), "{delay: 300ms, max-delay: 600ms}"));
            try {
                ChatEventRecorder events = new ChatEventRecorder();
                IrcConnection erin = (IrcConnection) bridge.connect(login("erin", "#halley-open"), events);
                events.await(ChatEvent.Joined.class, j -> j.self());
                int before = events.mark();
                int attempts = erin.attempts();
                irc.kill();
                ChatEvent.Disconnected lost = events.awaitFrom(before, ChatEvent.Disconnected.class, d -> true);
                assertThat(lost.retryInMillis()).isPositive();
                assertThat(lost.code()).isIn("connection-lost", "server-closed");
                assertThat(lost.reason()).doesNotContain("Exception", "127.0.0.1", "\n", "\r");
                // Refused connections while the server is down: none of them is news to the person.
                await().atMost(WAIT).until(() -> erin.attempts() >= attempts + 3);
                irc.restart();
                events.awaitFrom(before, ChatEvent.Connected.class, c -> true);
                List<ChatEvent> states = events.all.subList(before, events.all.size()).stream()
                        .filter(e -> e instanceof ChatEvent.Connecting || e instanceof ChatEvent.Connected || e instanceof ChatEvent.Disconnected)
                        .toList();
                assertThat(states).as("one state change per real change").hasSize(2);
                assertThat(states.get(0)).isEqualTo(lost);
                assertThat(states.get(1)).isInstanceOf(ChatEvent.Connected.class);
                erin.close("");
            } finally {
                bridge.close();
            }
        }
    }

    @Test
    void aChannelAReloadTookOffTheListIsNotRejoinedAfterAReconnect() throws Exception {
        try (NgircdFixture irc = NgircdFixture.start()) {
            IrcBridge bridge = new IrcBridge(config(irc.port(), "{delay: 500ms, max-delay: 1s}"));
            try {
                ChatEventRecorder events = new ChatEventRecorder();
                BridgeConnection erin = bridge.connect(login("erin", "#halley-kept", "#halley-dropped"), events);
                events.await(ChatEvent.Joined.class, j -> j.self() && j.channel().equals("#halley-kept"));
                events.await(ChatEvent.Joined.class, j -> j.self() && j.channel().equals("#halley-dropped"));
                bridge.reconfigure((IrcBridgeConfig) ConfigLoader.parse("test.yaml", """
                        bridges:
                          - {name: test, kind: irc, host: 127.0.0.1, port: %d, tls: false, allowed-channels: ["#halley-kept"],
                             admission: {connect-interval: 0ms, connections-per-ip: 100}, reconnect: {delay: 500ms, max-delay: 1s}}
                        """.formatted(irc.port())).bridges().get(0));

                int before = events.mark();
                irc.kill();
                events.awaitFrom(before, ChatEvent.Disconnected.class, d -> d.retryInMillis() > 0);
                irc.restart();
                events.awaitFrom(before, ChatEvent.Joined.class, j -> j.self() && j.channel().equals("#halley-kept"));
                ChatEvent.Parted gone = events.awaitFrom(before, ChatEvent.Parted.class, p -> p.self() && p.channel().equals("#halley-dropped"));
                assertThat(gone.reason()).contains("no longer open");
                try (RawIrcClient carol = RawIrcClient.connect(irc.port(), "carol")) {
                    carol.send("NAMES #halley-kept");
                    carol.await(l -> l.contains(" 353 ") && l.contains("erin"), WAIT);
                    carol.send("NAMES #halley-dropped");
                    carol.await(l -> l.contains(" 366 ") && l.contains("#halley-dropped"), WAIT);
                    assertThat(carol.lines()).noneMatch(l -> l.contains(" 353 ") && l.contains("#halley-dropped") && l.contains("erin"));
                }
                assertThat(events.all.subList(before, events.all.size())).noneMatch(e -> e instanceof ChatEvent.Joined j && j.self()
                        && j.channel().equals("#halley-dropped"));
                // Nor may the person speak there.
                assertThatThrownBy(() -> erin.send(new ChatCommand.Say("#halley-dropped", "hi")))
                        .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.code()).isEqualTo("not-allowed"));
                erin.close("");
            } finally {
                bridge.close();
            }
        }
    }

    @Test
    void aRefusedConnectionSlowsTheNetworkDownAndIsRetriedLater() throws Exception {
        try (NgircdFixture irc = NgircdFixture.start(NgircdFixture.Options.DEFAULTS.withMaxConnectionsPerIp(2))) {
            IrcBridge bridge = new IrcBridge(config(irc.port(), "{delay: 500ms, max-delay: 1s}"));
            try {
                ChatEventRecorder a = new ChatEventRecorder();
                ChatEventRecorder b = new ChatEventRecorder();
                ChatEventRecorder c = new ChatEventRecorder();
                BridgeConnection first = bridge.connect(login("one"), a);
                a.await(ChatEvent.Connected.class, x -> true);
                bridge.connect(login("two"), b);
                b.await(ChatEvent.Connected.class, x -> true);
                bridge.connect(login("three"), c);
                ChatEvent.Disconnected refused = c.await(ChatEvent.Disconnected.class, x -> true);
                assertThat(refused.reason()).containsIgnoringCase("too many connections");
                assertThat(refused.retryInMillis()).as("a throttled retry waits at least the slowed interval")
                        .isGreaterThanOrEqualTo(IrcAdmission.SLOWDOWN_AT_LEAST.toMillis());
                assertThat(bridge.stats().throttles()).isEqualTo(1);
                assertThat(bridge.stats().connectInterval()).isGreaterThanOrEqualTo(IrcAdmission.SLOWDOWN_AT_LEAST);
                first.close("");
                c.await(ChatEvent.Connected.class, x -> x.nick().equals("three"));
                assertThat(c.of(ChatEvent.Disconnected.class)).as("told once, however many attempts were refused").hasSize(1);
                assertThat(refused.code()).isEqualTo("throttled");
            } finally {
                bridge.close();
            }
        }
    }
}
