package org.halley.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;
import org.halley.push.Cut;
import org.halley.push.PushListener;
import org.halley.push.PushServer;
import org.halley.push.PushSession;
import org.halley.push.Session;
import org.halley.testkit.BrowserFixture;
import org.halley.testkit.NginxFixture;
import org.halley.testkit.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.JavascriptExecutor;

/**
 * halley.js in headless Chromium against the real push server: each transport forced, resume after
 * the server cuts the connection, and fallback by itself behind a proxy that refuses WebSocket
 * upgrades or buffers streamed responses (a real nginx).
 */
class HalleyClientBrowserIT {
    static BrowserFixture browser;

    final int port = Ports.free();
    final App app = new App();
    PushServer server;
    NginxFixture nginx;

    static final class App implements PushListener {
        final Map<String, PushSession> sessions = new ConcurrentHashMap<>();
        final List<String> messages = new CopyOnWriteArrayList<>();

        @Override
        public void opened(PushSession s) {
            sessions.put(s.id(), s);
        }

        @Override
        public void message(PushSession s, String json) {
            messages.add(json);
        }

        @Override
        public void closed(PushSession s, String reason) {}
    }

    @BeforeAll
    static void browser() {
        browser = BrowserFixture.start();
    }

    @AfterAll
    static void closeBrowser() {
        browser.close();
    }

    @BeforeEach
    void start() throws Exception {
        startServer(Ports.free());
    }

    void startServer(int nginxPort) throws Exception {
        HalleyConfig c = ConfigLoader.parse("t.yaml", """
                server:
                  port: %d
                  allowed-origins: ['http://127.0.0.1:%d', 'http://127.0.0.1:%d']
                  push: {heartbeat: 2s, stream-max-bytes: 16KiB}
                limits: {linger: 30s, sessions-per-ip: 100}
                bridges: [{name: x, kind: irc, host: 127.0.0.1}]
                """.formatted(port, port, nginxPort));
        TestPage page = new TestPage();
        server = PushServer.builder().server(c.server()).limits(c.limits()).node("b1").listener(app).application(() -> page)
                .build().start();
    }

    @AfterEach
    void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        server.close();
    }

    JavascriptExecutor js() {
        return browser.driver();
    }

    Object eval(String script) {
        return js().executeScript("return " + script);
    }

    /** Opens the test page and waits for the client to be live; returns its session. */
    PushSession open(String url, String expectedTransport) {
        browser.driver().get(url);
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
                .until(() -> eval("window.t && window.t.client.state.name + ':' + window.t.client.state.transport"),
                        s -> ("live:" + expectedTransport).equals(s));
        String id = (String) eval("t.client.session.session");
        await().until(() -> app.sessions.containsKey(id));
        return app.sessions.get(id);
    }

    long delivered() {
        return ((Number) eval("t.seqs.length")).longValue();
    }

    /** Events 1..n arrived once each, in order. */
    void assertInOrder(int n) {
        await().atMost(Duration.ofSeconds(30)).until(() -> delivered() >= n);
        @SuppressWarnings("unchecked")
        List<Number> seqs = (List<Number>) eval("t.seqs");
        assertThat(seqs).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(seqs.get(i).longValue()).isEqualTo(i + 1);
        }
    }

    /** The server cuts the session's current connection, as a network failure or a slow consumer would. */
    void cut(PushSession s) {
        Session session = (Session) s;
        session.shard().execute(() -> {
            if (session.downstream0() != null) {
                session.cut0(session.downstream0(), Cut.BEHIND);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "sse", "xhr-streaming", "long-polling", "iframe"})
    void eachForcedTransportDeliversSendsAndResumesAfterACut(String transport) {
        PushSession s = open("http://127.0.0.1:" + port + "/?transport=" + transport, transport);
        for (int i = 1; i <= 150; i++) {
            s.send("{\"n\":" + i + ",\"text\":\"</script><b>x</b> & \\u2028\"}");
        }
        assertInOrder(150);
        assertThat(eval("t.events[0].text")).isEqualTo("</script><b>x</b> & \u2028");
        js().executeScript("t.client.send({say: 'one'}); t.client.send({say: 'two'}); t.client.send(3);");
        await().atMost(Duration.ofSeconds(10)).until(() -> app.messages.size() == 3);
        assertThat(app.messages).containsExactly("{\"say\":\"one\"}", "{\"say\":\"two\"}", "3");
        await().until(() -> ((List<?>) eval("t.client.pending()")).isEmpty());

        cut(s);
        for (int i = 151; i <= 400; i++) {
            s.send("{\"n\":" + i + "}");
            if (i == 250) {
                cut(s);
            }
        }
        assertInOrder(400);
        assertThat(eval("t.client.state.transport")).isEqualTo(transport);
        assertThat(eval("t.resets")).isEqualTo(0L);
    }

    @Test
    void behindAProxyThatRefusesWebSocketUpgradesTheClientFallsBackByItself() throws Exception {
        server.close();
        nginx = NginxFixture.start(port, "proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_buffering off;");
        startServer(nginx.port());
        PushSession s = open("http://127.0.0.1:" + nginx.port() + "/", "sse");
        @SuppressWarnings("unchecked")
        List<String> states = (List<String>) eval("t.states");
        assertThat(states).contains("connecting:websocket");
        for (int i = 1; i <= 50; i++) {
            s.send("{\"n\":" + i + "}");
        }
        assertInOrder(50);
    }

    @Test
    void behindAProxyThatBuffersStreamsTheClientMovesToLongPolling() throws Exception {
        server.close();
        // Buffering and compressing everything, so a stream's first bytes never come through until
        // the response ends: the proxy some corporate networks have, or a gzip misconfiguration.
        nginx = NginxFixture.start(port, "proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_buffering on; "
                + "proxy_ignore_headers X-Accel-Buffering; gzip on; gzip_min_length 0; postpone_output 65536; "
                + "gzip_types text/event-stream application/x-ndjson text/html application/json;");
        startServer(nginx.port());
        PushSession s = open("http://127.0.0.1:" + nginx.port() + "/?helloTimeout=2000", "long-polling");
        @SuppressWarnings("unchecked")
        List<String> states = (List<String>) eval("t.states");
        assertThat(states).contains("connecting:websocket").contains("reconnecting:sse").doesNotContain("reconnecting:iframe");
        for (int i = 1; i <= 50; i++) {
            s.send("{\"n\":" + i + "}");
        }
        assertInOrder(50);
    }

    @Test
    void aNewPageResumesTheSessionFromItsFirstEventAndNumbersItsMessagesAfterTheServers() throws Exception {
        String base = "http://127.0.0.1:" + port + "/?transport=websocket";
        PushSession s = open(base, "websocket");
        for (int i = 1; i <= 20; i++) {
            s.send("{\"n\":" + i + "}");
        }
        assertInOrder(20);
        js().executeScript("t.client.send('one'); t.client.send('two');");
        await().atMost(Duration.ofSeconds(10)).until(() -> app.messages.size() == 2);
        String stored = (String) eval("JSON.stringify(t.client.session)");
        int sessions = app.sessions.size();

        // A reload: a new page, the same session.
        String resume = base + "&resume=" + java.net.URLEncoder.encode(stored, java.nio.charset.StandardCharsets.UTF_8);
        open(resume, "websocket");
        assertThat(eval("t.client.session.session")).isEqualTo(s.id());
        assertInOrder(20); // replayed from the first event, each once
        assertThat(eval("t.resets")).isEqualTo(0L);
        assertThat(eval("t.client.replayUpTo")).isEqualTo(20L);
        js().executeScript("t.client.send('three');");
        await().atMost(Duration.ofSeconds(10)).until(() -> app.messages.size() == 3); // numbered after 'two': not taken for a resend
        assertThat(app.messages).containsExactly("\"one\"", "\"two\"", "\"three\"");
        s.send("{\"n\":21}");
        assertInOrder(21);

        // The session ends; a later reload is told so and makes no new session by itself.
        s.close("expired");
        await().atMost(Duration.ofSeconds(10)).until(() -> "expired".equals(eval("t.closed")));
        browser.driver().get(resume);
        await().atMost(Duration.ofSeconds(20)).until(() -> eval("window.t && t.started"), v -> Boolean.FALSE.equals(v));
        assertThat(eval("t.closed")).isEqualTo("expired");
        assertThat(eval("t.client.state.name")).isEqualTo("closed");
        assertThat(app.sessions).hasSize(sessions);
    }

    @Test
    void aSessionTheServerForgotIsRenewedAndTheAppIsTold() {
        PushSession s = open("http://127.0.0.1:" + port + "/?transport=websocket", "websocket");
        s.close("testing");
        await().atMost(Duration.ofSeconds(10)).until(() -> "testing".equals(eval("t.closed")));
        assertThat(eval("t.client.state.name")).isEqualTo("closed");
    }
}
