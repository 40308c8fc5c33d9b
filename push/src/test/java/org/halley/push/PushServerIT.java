package org.halley.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.halley.push.PushFixture.Created;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Session creation, POSTs, linger and the HTTP checks, over real sockets. */
class PushServerIT {
    PushFixture push;

    @BeforeEach
    void start() throws Exception {
        push = new PushFixture("heartbeat: 500ms, max-message-bytes: 4KiB", "session-buffer-events: 10000, linger: 1s, sessions-per-ip: 1000");
    }

    @AfterEach
    void stop() throws Exception {
        push.close();
    }

    @Test
    void anotherOriginIsRefused() throws Exception {
        HttpResponse<String> r = push.post("/push/session", "", Map.of("Origin", "http://evil.example"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(push.app.sessions).isEmpty();
    }

    @Test
    void postsAreCheckedAndAcked() throws Exception {
        Created s = push.create();
        String path = "/push/send?session=" + s.id();
        Map<String, String> token = Map.of("X-Halley-Token", s.token());
        HttpResponse<String> ok = push.post(path, "[{\"cseq\":1,\"data\":\"a\"},{\"cseq\":2,\"data\":\"b\"}]", token);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"ack\":2}");
        HttpResponse<String> bad = push.post(path, "{\"cseq\":\"x\"}", token);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("cseq must be a whole number");
        assertThat(push.post(path, "x".repeat(5000), token).statusCode()).isEqualTo(413);
        assertThat(push.get(path, token).statusCode()).isEqualTo(405);
        assertThat(push.post(path, "[]", Map.of("X-Halley-Token", "nope")).statusCode()).isEqualTo(403);
        assertThat(push.post(path, "[]", token).body()).as("an empty batch asks whether the session lives").isEqualTo("{\"ack\":2}");
        assertThat(push.app.messages).containsExactly("\"a\"", "\"b\"");
    }

    @Test
    void hostileJsonGetsABadMessageInHalleysWords() throws Exception {
        Created s = push.create();
        String path = "/push/send?session=" + s.id();
        Map<String, String> token = Map.of("X-Halley-Token", s.token());
        Map<String, String> told = Map.of(
                "[".repeat(100) + "]".repeat(100), "nested more than 32 levels deep",
                "{\"cseq\":" + "9".repeat(100) + ",\"data\":1}", "a number longer than 32 digits",
                "{\"cseq\":1,\"data\":\"a", "not JSON: it ends inside a value",
                "{\"cseq\":1,\"data\":nope}", "not JSON: a word that is not true, false or null (at character 18)");
        for (Map.Entry<String, String> t : told.entrySet()) {
            HttpResponse<String> bad = push.post(path, t.getKey(), token);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).as(t.getKey()).contains("\"error\":\"bad-message\"").contains(t.getValue())
                    .doesNotContain("StreamReadConstraints").doesNotContain("Source:").doesNotContain("com.fasterxml")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void aSessionWithoutConnectionEndsAfterLingerAndTheAppHears() throws Exception {
        Created s = push.create();
        Transport.Connection c = push.connect(Transport.WEBSOCKET, s, 0);
        assertThat(c.nextReal().get("type").asText()).isEqualTo("hello");
        c.abort();
        await().atMost(Duration.ofSeconds(5)).until(() -> "expired".equals(push.app.closed.get(s.id())));
        assertThat(push.server.sessions()).isZero();
        Transport.Connection late = push.connect(Transport.WEBSOCKET, s, 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> late.status == 4403);
    }

    @Test
    void tooManySessionsFromOneAddressIsA429() throws Exception {
        push.close();
        push = new PushFixture("heartbeat: 25s", "sessions-per-ip: 2");
        push.create();
        push.create();
        HttpResponse<String> r = push.post("/push/session", "", Map.of());
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
        assertThat(push.server.counters().snapshot().rejectedTooLarge()).isEqualTo(1);
    }

    /** Sends {@code request} on a bare socket and returns everything the server answers before closing. */
    String raw(String request) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", push.server.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
