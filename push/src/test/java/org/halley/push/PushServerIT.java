package org.halley.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The push server over real sockets, with java.net.http as the client. */
class PushServerIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ORIGIN = "http://app.example";

    PushServer server;
    final Recorder app = new Recorder();
    final HttpClient http = HttpClient.newHttpClient();
    String base;

    /** The embedding application: remembers sessions, messages and endings. */
    static final class Recorder implements PushListener {
        final Map<String, PushSession> sessions = new ConcurrentHashMap<>();
        final List<String> messages = new CopyOnWriteArrayList<>();
        final Map<String, String> closed = new ConcurrentHashMap<>();
        final List<Boolean> gaps = new CopyOnWriteArrayList<>();

        @Override
        public void opened(PushSession s) {
            sessions.put(s.id(), s);
        }

        @Override
        public void message(PushSession s, String json) {
            messages.add(json);
        }

        @Override
        public void connected(PushSession s, boolean gap) {
            gaps.add(gap);
        }

        @Override
        public void closed(PushSession s, String reason) {
            closed.put(s.id(), reason);
        }
    }

    @BeforeEach
    void start() throws Exception {
        HalleyConfig c = ConfigLoader.parse("t.yaml", """
                server:
                  port: 0
                  allowed-origins: [%s]
                  push: {heartbeat: 500ms, max-message-bytes: 4KiB}
                limits: {session-buffer-events: 10000, linger: 1s, sessions-per-ip: 1000}
                bridges: [{name: x, kind: irc, host: 127.0.0.1}]
                """.formatted(ORIGIN));
        server = PushServer.builder().server(c.server()).limits(c.limits()).node("n1").listener(app).shards(2).build().start();
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    record Created(String id, String token) {}

    Created create() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/push/session"))
                .header("Origin", ORIGIN).POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(201);
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.get("session").asText()).matches("n1\\.[A-Za-z0-9_-]{22}");
        assertThat(n.get("token").asText()).hasSize(22).isNotEqualTo(n.get("session").asText());
        await().until(() -> app.sessions.containsKey(n.get("session").asText()));
        return new Created(n.get("session").asText(), n.get("token").asText());
    }

    /** A WebSocket client collecting whole messages. */
    static final class Ws implements WebSocket.Listener {
        final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        final StringBuilder partial = new StringBuilder();
        volatile int closeCode = -1;
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    received.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closeCode = code;
            return null;
        }

        JsonNode next() throws InterruptedException {
            JsonNode n = received.poll(10, TimeUnit.SECONDS);
            assertThat(n).as("a message within 10 s").isNotNull();
            return n;
        }

        /** The next message that is not a heartbeat. */
        JsonNode nextReal() throws InterruptedException {
            for (;;) {
                JsonNode n = next();
                if (!"hb".equals(n.path("type").asText())) {
                    return n;
                }
            }
        }

        void send(String text) {
            socket.sendText(text, true).join();
        }
    }

    Ws ws(Created s, String token, long last) {
        Ws w = new Ws();
        w.socket = http.newWebSocketBuilder().header("Origin", ORIGIN)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/push/ws?session=" + s.id() + "&token=" + token + "&last=" + last), w)
                .join();
        return w;
    }

    @Test
    void anotherOriginIsRefused() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/push/session"))
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(app.sessions).isEmpty();
    }

    @Test
    void postsAreCheckedAndAcked() throws Exception {
        Created s = create();
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(base + "/push/send?session=" + s.id())).header("X-Halley-Token", s.token());
        HttpResponse<String> ok = http.send(post.POST(HttpRequest.BodyPublishers.ofString("[{\"cseq\":1,\"data\":\"a\"},{\"cseq\":2,\"data\":\"b\"}]")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"ack\":2}");
        HttpResponse<String> bad = http.send(post.POST(HttpRequest.BodyPublishers.ofString("{\"cseq\":\"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("cseq must be a whole number");
        HttpResponse<String> big = http.send(post.POST(HttpRequest.BodyPublishers.ofString("x".repeat(5000))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(big.statusCode()).isEqualTo(413);
        HttpResponse<String> get = http.send(post.GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(app.messages).containsExactly("\"a\"", "\"b\"");
    }

    @Test
    void aSessionWithoutConnectionEndsAfterLingerAndTheAppHears() throws Exception {
        Created s = create();
        Ws w = ws(s, s.token(), 0);
        assertThat(w.nextReal().get("type").asText()).isEqualTo("hello");
        w.socket.abort();
        await().atMost(Duration.ofSeconds(5)).until(() -> "expired".equals(app.closed.get(s.id())));
        assertThat(server.sessions()).isZero();
        Ws late = ws(s, s.token(), 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> late.closeCode == 4403);
    }

    @Test
    void tooManySessionsFromOneAddressIsA429() throws Exception {
        server.close();
        HalleyConfig c = ConfigLoader.parse("t.yaml", """
                server: {port: 0, allowed-origins: [%s]}
                limits: {sessions-per-ip: 2}
                bridges: [{name: x, kind: irc, host: 127.0.0.1}]
                """.formatted(ORIGIN));
        server = PushServer.builder().server(c.server()).limits(c.limits()).node("n1").listener(app).build().start();
        base = "http://127.0.0.1:" + server.port();
        create();
        create();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/push/session")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.body()).contains("too-many-sessions");
    }

    @Test
    void malformedAndOversizedRequestsGetAClear4xx() throws Exception {
        assertThat(raw("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400").contains("malformed HTTP request");
        assertThat(raw("GET /push/session?" + "x".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 414");
        assertThat(raw("GET /push/session HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(17000) + "\r\n\r\n")).startsWith("HTTP/1.1 431");
        assertThat(raw("POST /push/send?session=x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"))
                .startsWith("HTTP/1.1 413").contains("server.push.max-message-bytes");
        assertThat(server.counters().snapshot().rejectedTooLarge()).isEqualTo(1);
    }

    /** Sends {@code request} on a bare socket and returns everything the server answers before closing. */
    String raw(String request) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
