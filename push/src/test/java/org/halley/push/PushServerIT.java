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
import java.util.concurrent.ThreadLocalRandom;
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
    void eventsArriveInOrderAndClientMessagesOnceEach() throws Exception {
        Created s = create();
        Ws w = ws(s, s.token(), 0);
        JsonNode hello = w.nextReal();
        assertThat(hello.get("type").asText()).isEqualTo("hello");
        assertThat(hello.get("transport").asText()).isEqualTo("websocket");
        PushSession session = app.sessions.get(s.id());
        Thread producer = Thread.ofVirtual().start(() -> {
            for (int i = 1; i <= 1000; i++) {
                session.send("{\"n\":" + i + ",\"html\":\"<b>\"}");
            }
        });
        for (int i = 1; i <= 1000; i++) {
            JsonNode e = w.nextReal();
            assertThat(e.get("seq").asLong()).isEqualTo(i);
            assertThat(e.get("event").get("n").asInt()).isEqualTo(i);
            assertThat(e.get("event").get("html").asText()).isEqualTo("<b>");
        }
        producer.join();

        w.send("{\"cseq\":1,\"data\":{\"say\":\"one\"}}");
        w.send("{\"cseq\":1,\"data\":{\"say\":\"one again\"}}");
        w.send("[{\"cseq\":2,\"data\":\"two\"},{\"cseq\":3,\"data\":3}]");
        await().until(() -> app.messages.size() == 3);
        assertThat(app.messages).containsExactly("{\"say\":\"one\"}", "\"two\"", "3");
        JsonNode ack;
        do {
            ack = w.nextReal();
        } while (ack.get("ack").asLong() < 3);
        assertThat(ack.get("type").asText()).isEqualTo("ack");
    }

    @Test
    void resumeAfterRandomCutsDeliversEveryEventOnceInOrder() throws Exception {
        Created s = create();
        PushSession session = app.sessions.get(s.id());
        int total = 5000;
        Thread producer = Thread.ofVirtual().start(() -> {
            for (int i = 1; i <= total; i++) {
                session.send("{\"n\":" + i + "}");
                if (i % 100 == 0) {
                    Thread.yield();
                }
            }
        });
        long last = 0;
        int cuts = 0;
        while (last < total) {
            Ws w = ws(s, s.token(), last);
            assertThat(w.nextReal().get("type").asText()).isEqualTo("hello");
            int budget = ThreadLocalRandom.current().nextInt(1, 700);
            while (budget-- > 0 && last < total) {
                JsonNode e = w.nextReal();
                assertThat(e.has("type")).as("no reset with a large enough buffer: " + e).isFalse();
                assertThat(e.get("seq").asLong()).isEqualTo(last + 1);
                assertThat(e.get("event").get("n").asLong()).isEqualTo(last + 1);
                last++;
            }
            w.socket.abort();
            cuts++;
        }
        producer.join();
        assertThat(last).isEqualTo(total);
        assertThat(cuts).isGreaterThan(1);
    }

    @Test
    void aGapOlderThanTheBufferIsAnnouncedWithReset() throws Exception {
        server.close();
        HalleyConfig c = ConfigLoader.parse("t.yaml", """
                server: {port: 0, allowed-origins: [%s], push: {heartbeat: 5s}}
                limits: {session-buffer-events: 100, linger: 5s}
                bridges: [{name: x, kind: irc, host: 127.0.0.1}]
                """.formatted(ORIGIN));
        server = PushServer.builder().server(c.server()).limits(c.limits()).node("n1").listener(app).build().start();
        base = "http://127.0.0.1:" + server.port();
        Created s = create();
        for (int i = 1; i <= 300; i++) {
            app.sessions.get(s.id()).send("{\"n\":" + i + "}");
        }
        Ws w = ws(s, s.token(), 0); // sends queued before the connect run first on the shard
        assertThat(w.nextReal().get("type").asText()).isEqualTo("hello");
        JsonNode reset = w.nextReal();
        assertThat(reset.get("type").asText()).isEqualTo("reset");
        assertThat(reset.get("seq").asLong()).isEqualTo(200);
        assertThat(w.nextReal().get("seq").asLong()).isEqualTo(201);
        await().until(() -> app.gaps.contains(true));
    }

    @Test
    void wrongTokenOrUnknownSessionIsClosedWith4403() throws Exception {
        Created s = create();
        Ws wrong = ws(s, "A".repeat(22), 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> wrong.closeCode == 4403);
        Ws unknown = ws(new Created("n1." + "B".repeat(22), "x"), "x", 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> unknown.closeCode == 4403);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/push/send?session=" + s.id()))
                .header("X-Halley-Token", "nope").POST(HttpRequest.BodyPublishers.ofString("{\"cseq\":1,\"data\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).isEqualTo("{\"error\":\"forbidden\",\"message\":\"no such session, or wrong token\"}");
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
}
