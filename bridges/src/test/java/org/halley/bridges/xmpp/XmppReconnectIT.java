package org.halley.bridges.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.Login;
import org.halley.config.ConfigLoader;
import org.halley.config.XmppBridgeConfig;
import org.halley.testkit.ProsodyFixture;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A server that dies under a connected person: reconnect with backoff, log in again, rejoin rooms. Its own Prosody. */
class XmppReconnectIT {
    private ProsodyFixture xmpp;

    @BeforeEach
    void start() {
        xmpp = ProsodyFixture.start();
        xmpp.register("alice", ProsodyFixture.DOMAIN, "alice-pw");
        xmpp.register("bob", ProsodyFixture.DOMAIN, "bob-pw");
    }

    @AfterEach
    void stop() {
        xmpp.close();
    }

    @org.junit.jupiter.api.Test
    void aCutLinkResumesTheStreamWithoutRejoiningOrLosingMessages() throws Exception {
        String room = "resume@" + ProsodyFixture.MUC;
        try (CuttableProxy proxy = new CuttableProxy(xmpp.port()); XmppPeer bob = XmppPeer.login(xmpp.port(), xmpp.caFile(), "bob",
                ProsodyFixture.DOMAIN, "bob-pw")) {
            MultiUserChat bobRoom = bob.enter(room, "bob");
            XmppBridgeConfig config = (XmppBridgeConfig) ConfigLoader.parse("test.yaml", """
                    bridges:
                      - name: resume
                        kind: xmpp
                        host: 127.0.0.1
                        port: %d
                        domain: %s
                        muc-service: %s
                        ca-file: %s
                    """.formatted(proxy.port(), ProsodyFixture.DOMAIN, ProsodyFixture.MUC, xmpp.caFile())).bridges().get(0);
            XmppBridge bridge = new XmppBridge(config);
            try {
                Events events = new Events();
                BridgeConnection alice = bridge.connect(new Login("alice", "alice", "alice-pw", List.of(room),
                        new Login.ClientAddress("127.0.0.1", "localhost")), events);
                events.await(ChatEvent.Joined.class, j -> j.self());
                proxy.cut();
                events.await(ChatEvent.Disconnected.class, d -> d.retryInMillis() > 0);
                bobRoom.sendMessage("while you were away"); // the server keeps it for the hibernating stream
                events.await(ChatEvent.Connected.class, c -> events.of(ChatEvent.Connected.class).size() == 2, Duration.ofSeconds(30));
                events.await(ChatEvent.Message.class, m -> m.text().equals("while you were away") && !m.history());
                bobRoom.sendMessage("and now");
                events.await(ChatEvent.Message.class, m -> m.text().equals("and now"));
                assertThat(events.of(ChatEvent.Joined.class).stream().filter(ChatEvent.Joined::self)).hasSize(1); // resumed, not rejoined
                alice.close("");
            } finally {
                bridge.close();
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aLinkThatGoesSilentIsFoundByAnXmppPingAndReplaced() throws Exception {
        try (CuttableProxy proxy = new CuttableProxy(xmpp.port())) {
            XmppBridgeConfig config = (XmppBridgeConfig) ConfigLoader.parse("test.yaml", """
                    bridges:
                      - name: silent
                        kind: xmpp
                        host: 127.0.0.1
                        port: %d
                        domain: %s
                        ca-file: %s
                        ping-interval: 5s
                    """.formatted(proxy.port(), ProsodyFixture.DOMAIN, xmpp.caFile())).bridges().get(0);
            XmppBridge bridge = new XmppBridge(config);
            try {
                Events events = new Events();
                BridgeConnection alice = bridge.connect(new Login("alice", "alice", "alice-pw", List.of(),
                        new Login.ClientAddress("127.0.0.1", "localhost")), events);
                events.await(ChatEvent.Connected.class, c -> true);
                proxy.silence(); // no FIN, no RST: only a ping can tell (ping-interval 5s + reply timeout)
                ChatEvent.Disconnected d = events.await(ChatEvent.Disconnected.class, x -> true, Duration.ofSeconds(45));
                assertThat(d.code()).isEqualTo("timed-out");
                assertThat(d.reason()).isEmpty();
                assertThat(d.retryInMillis()).isPositive();
                events.await(ChatEvent.Connected.class, c -> events.of(ChatEvent.Connected.class).size() == 2, Duration.ofSeconds(30));
                alice.close("");
            } finally {
                bridge.close();
            }
        }
    }

    /** XMPPTCPConnection only: see {@link XmppTransport#REACTOR} for why the reactor is not offered. */
    @ParameterizedTest
    @EnumSource(value = XmppTransport.class, names = "THREADS")
    void serverRestartReconnectsAndRejoins(XmppTransport transport) throws Exception {
        String name = transport.name().toLowerCase(Locale.ROOT);
        XmppBridgeConfig config = (XmppBridgeConfig) ConfigLoader.parse("test.yaml", """
                bridges:
                  - name: restart
                    kind: xmpp
                    host: 127.0.0.1
                    port: %d
                    domain: %s
                    muc-service: %s
                    ca-file: %s
                    ping-interval: 5s
                """.formatted(xmpp.port(), ProsodyFixture.DOMAIN, ProsodyFixture.MUC, xmpp.caFile())).bridges().get(0);
        XmppBridge bridge = new XmppBridge(config, transport);
        String room = "restart-" + name + "@" + ProsodyFixture.MUC;
        try {
            Events events = new Events();
            XmppConnection alice = (XmppConnection) bridge.connect(new Login("alice-" + name, "alice", "alice-pw", List.of(room),
                    new Login.ClientAddress("127.0.0.1", "localhost")), events);
            events.await(ChatEvent.Joined.class, j -> j.self());
            int before = events.all.size();
            int attempts = alice.attempts();
            xmpp.kill();
            ChatEvent.Disconnected lost = events.await(ChatEvent.Disconnected.class, d -> true);
            assertThat(lost.retryInMillis()).isPositive();
            // What the person is told is the catalogue's code, never the exception (which named
            // 127.0.0.1:port and spanned lines).
            assertThat(lost.code()).isIn("connection-lost", "server-closed");
            assertThat(lost.reason()).doesNotContain("Exception", "127.0.0.1", ":" + xmpp.port(), "\n", "\r");
            // The outage lasts several failed attempts: none of them is news to the person.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> alice.attempts() >= attempts + 3);
            xmpp.restart();
            events.await(ChatEvent.Connected.class, c -> events.of(ChatEvent.Connected.class).size() == 2, Duration.ofSeconds(60));
            List<ChatEvent> states = events.all.subList(before, events.all.size()).stream()
                    .filter(e -> e instanceof ChatEvent.Connecting || e instanceof ChatEvent.Connected || e instanceof ChatEvent.Disconnected)
                    .toList();
            assertThat(states).as("one state change per real change").hasSize(2);
            assertThat(states.get(0)).isEqualTo(lost);
            assertThat(states.get(1)).isInstanceOfSatisfying(ChatEvent.Connected.class, c -> {
                assertThat(c.nick()).isEqualTo("alice-" + name); // the nickname used in rooms
                assertThat(c.address()).isEqualTo("alice@" + ProsodyFixture.DOMAIN);
            });
            events.await(ChatEvent.Joined.class, j -> j.self() && events.of(ChatEvent.Joined.class).stream().filter(ChatEvent.Joined::self).count() == 2,
                    Duration.ofSeconds(30));
            try (XmppPeer bob = XmppPeer.login(xmpp.port(), xmpp.caFile(), "bob", ProsodyFixture.DOMAIN, "bob-pw")) {
                MultiUserChat bobRoom = bob.enter(room, "bob");
                bobRoom.sendMessage("after the restart");
                events.await(ChatEvent.Message.class, m -> m.text().equals("after the restart"));
            }
            alice.close("");
            events.await(ChatEvent.Disconnected.class, d -> d.retryInMillis() == 0);
        } finally {
            bridge.close();
        }
    }
}
