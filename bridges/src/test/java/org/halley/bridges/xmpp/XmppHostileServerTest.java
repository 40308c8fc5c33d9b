package org.halley.bridges.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.Login;
import org.halley.config.ConfigLoader;
import org.halley.config.XmppBridgeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A small fake XMPP server inside the test, speaking just enough to attack the client: no real
 * server would send these, which is the point.
 */
class XmppHostileServerTest {
    private static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
            + " from='halley.test' id='s1' version='1.0' xml:lang='en'>";
    private static final String PLAIN_ONLY = "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
            + "<mechanism>PLAIN</mechanism></mechanisms></stream:features>";

    /** Accepts connections and answers each with {@code script} after the client's stream header; records what clients send. */
    static final class FakeServer implements AutoCloseable {
        final ServerSocket socket;
        final List<String> received = new CopyOnWriteArrayList<>();
        final List<Socket> clients = new CopyOnWriteArrayList<>();

        FakeServer(String script) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        clients.add(s);
                        Thread.ofVirtual().start(() -> serve(s, script));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s, String script) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                ByteArrayOutputStream seen = new ByteArrayOutputStream();
                byte[] buf = new byte[4096];
                boolean answered = false;
                int n;
                while ((n = in.read(buf)) > 0) {
                    seen.write(buf, 0, n);
                    received.add(seen.toString(StandardCharsets.UTF_8));
                    if (!answered && seen.toString(StandardCharsets.UTF_8).contains("<stream:stream")) {
                        out.write(script.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        answered = true;
                    }
                }
            } catch (IOException e) {
                // the client hung up: expected
            }
        }

        String all() {
            return String.join("\n", received);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket c : clients) {
                c.close();
            }
        }
    }

    private XmppBridge bridge;
    private BridgeConnection connection;

    @AfterEach
    void tearDown() {
        if (connection != null) {
            connection.close("");
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    private BridgeConnection connect(FakeServer server, boolean tls, XmppTransport transport, Events events) throws Exception {
        XmppBridgeConfig config = (XmppBridgeConfig) ConfigLoader.parse("test.yaml", """
                bridges:
                  - name: hostile
                    kind: xmpp
                    host: 127.0.0.1
                    port: %d
                    tls: %s
                    domain: halley.test
                """.formatted(server.socket.getLocalPort(), tls)).bridges().get(0);
        bridge = new XmppBridge(config, transport);
        // Smack 4.4's reactor loses a thread to such a server (an UnsupportedOperationException in
        // jxmpp's splitter at "<!DOCTYPE", a NullPointerException after a refused handshake);
        // ReactorWatchdog replaces it. Not this test's to report: the outcome for the person is.
        events.ignoreOtherThreads = transport == XmppTransport.REACTOR;
        connection = bridge.connect(new Login("eve", "alice", "secret-password", List.of(), new Login.ClientAddress("127.0.0.1", "x")), events);
        return connection;
    }

    @ParameterizedTest
    @EnumSource(XmppTransport.class)
    void aServerThatOffersNoStartTlsGetsNothingInPlainText(XmppTransport transport) throws Exception {
        try (FakeServer server = new FakeServer(HEADER + PLAIN_ONLY)) {
            Events events = new Events();
            connect(server, true, transport, events);
            ChatEvent.Problem p = events.await(ChatEvent.Problem.class, x -> true);
            assertThat(p.code()).isEqualTo("tls-required");
            assertThat(events.await(ChatEvent.Disconnected.class, x -> true).retryInMillis()).isZero();
            assertThat(events.of(ChatEvent.Connected.class)).isEmpty();
            String sent = server.all();
            assertThat(sent).contains("<stream:stream").doesNotContain("<auth").doesNotContain("secret-password")
                    .doesNotContain(java.util.Base64.getEncoder().encodeToString("\0alice\0secret-password".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @ParameterizedTest
    @EnumSource(XmppTransport.class)
    void aDoctypeWithBillionLaughsIsRefusedWithoutMemoryGrowth(XmppTransport transport) throws Exception {
        StringBuilder dtd = new StringBuilder("<?xml version='1.0'?><!DOCTYPE stream:stream [<!ENTITY lol0 'lollollollollollollollollollol'>");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" '").append(("&lol" + (i - 1) + ";").repeat(10)).append("'>");
        }
        dtd.append("]>");
        String attack = dtd + HEADER.substring("<?xml version='1.0'?>".length()) + "<stream:features/><message><body>&lol9;</body></message>";
        long before = usedHeap();
        try (FakeServer server = new FakeServer(attack)) {
            Events events = new Events();
            connect(server, false, transport, events);
            ChatEvent.Disconnected d = events.await(ChatEvent.Disconnected.class, x -> true, Duration.ofSeconds(30));
            assertThat(d.code()).isIn("connection-lost", "timed-out"); // the parser refuses, or Smack waits for features in vain
            assertThat(d.reason()).isEmpty();
            assertThat(events.of(ChatEvent.Connected.class)).isEmpty();
            assertThat(events.of(ChatEvent.Message.class)).isEmpty();
        }
        // Expanded, &lol9; would be 3 GB of "lol"; anything like it would show here.
        assertThat(usedHeap() - before).isLessThan(64L << 20);
    }

    @Test
    void anUndeclaredEntityInsideAStanzaEndsTheStream() throws Exception {
        String attack = HEADER + "<stream:features/><message from='x@halley.test'><body>&xxe;</body></message>";
        try (FakeServer server = new FakeServer(attack)) {
            Events events = new Events();
            connect(server, false, XmppTransport.THREADS, events);
            ChatEvent.Disconnected d = events.await(ChatEvent.Disconnected.class, x -> true, Duration.ofSeconds(30));
            // Smack's ParseError names the server's address and spans lines: the person gets the code.
            assertThat(d.code()).isEqualTo("connection-lost");
            assertThat(d.reason()).isEmpty();
            assertThat(events.of(ChatEvent.Connected.class)).isEmpty();
            assertThat(events.of(ChatEvent.Message.class)).isEmpty();
        }
    }

    private static long usedHeap() throws InterruptedException {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return r.totalMemory() - r.freeMemory();
    }
}
