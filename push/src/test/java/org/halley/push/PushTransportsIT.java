package org.halley.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.halley.push.PushFixture.Created;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every scenario over every transport, against a real server, with the clients of {@link Transport}. */
class PushTransportsIT {
    PushFixture push;

    @BeforeEach
    void start() throws Exception {
        push = new PushFixture("heartbeat: 400ms", "session-buffer-events: 10000, linger: 2s, sessions-per-ip: 1000");
    }

    @AfterEach
    void stop() throws Exception {
        push.close();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void connectsReceivesInOrderAndSendsOnceEach(Transport t) throws Exception {
        Created s = push.create();
        Transport.Connection c = push.connect(t, s, 0);
        JsonNode hello = c.nextReal();
        assertThat(hello.get("type").asText()).isEqualTo("hello");
        assertThat(hello.get("transport").asText()).isEqualTo(t.wireName);
        assertThat(hello.get("session").asText()).isEqualTo(s.id());
        assertThat(hello.get("heartbeat").asLong()).isEqualTo(400);
        PushSession session = push.session(s);
        Thread producer = Thread.ofVirtual().start(() -> {
            for (int i = 1; i <= 500; i++) {
                session.send("{\"n\":" + i + ",\"html\":\"</script><b>&\u2028\",\n \"x\": [1,\r\n2]}");
            }
        });
        for (int i = 1; i <= 500; i++) {
            JsonNode e = c.nextReal();
            assertThat(e.get("seq").asLong()).isEqualTo(i);
            assertThat(e.get("event").get("n").asInt()).isEqualTo(i);
            assertThat(e.get("event").get("html").asText()).isEqualTo("</script><b>&\u2028");
        }
        producer.join();

        c.send("{\"cseq\":1,\"data\":{\"say\":\"one\"}}");
        c.send("{\"cseq\":1,\"data\":{\"say\":\"one again\"}}");
        c.send("[{\"cseq\":2,\"data\":\"two\"},{\"cseq\":3,\"data\":3}]");
        await().until(() -> push.app.messages.size() == 3);
        assertThat(push.app.messages).containsExactly("{\"say\":\"one\"}", "\"two\"", "3");
        if (t == Transport.WEBSOCKET) {
            JsonNode ack;
            do {
                ack = c.nextReal();
            } while (ack.get("ack").asLong() < 3);
            assertThat(ack.get("type").asText()).isEqualTo("ack");
        }
        c.abort();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void resumeAfterRandomCutsDeliversEveryEventOnceInOrder(Transport t) throws Exception {
        resumeAcross(new Transport[] {t}, 3000);
    }

    @Test
    void resumeWorksAcrossDifferentTransports() throws Exception {
        resumeAcross(Transport.values(), 4000);
    }

    private void resumeAcross(Transport[] transports, int total) throws Exception {
        Created s = push.create();
        PushSession session = push.session(s);
        Thread producer = Thread.ofVirtual().start(() -> {
            for (int i = 1; i <= total; i++) {
                session.send("{\"n\":" + i + "}");
                if (i % 50 == 0) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        long last = 0;
        int cuts = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (last < total) {
            Transport t = transports[random.nextInt(transports.length)];
            Transport.Connection c = push.connect(t, s, last);
            JsonNode hello = c.nextReal();
            assertThat(hello.get("type").asText()).as(t + " " + hello).isEqualTo("hello");
            int budget = random.nextInt(1, 600);
            while (budget-- > 0 && last < total) {
                JsonNode e = c.nextReal();
                assertThat(e.has("type")).as("no control message but heartbeats with a large buffer: " + e).isFalse();
                assertThat(e.get("seq").asLong()).as(t.name()).isEqualTo(last + 1);
                assertThat(e.get("event").get("n").asLong()).isEqualTo(last + 1);
                last++;
            }
            c.abort();
            cuts++;
        }
        producer.join();
        assertThat(last).isEqualTo(total);
        assertThat(cuts).isGreaterThan(1);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aGapOlderThanTheBufferIsAnnouncedWithReset(Transport t) throws Exception {
        push.close();
        push = new PushFixture("heartbeat: 5s", "session-buffer-events: 100, linger: 5s");
        Created s = push.create();
        for (int i = 1; i <= 300; i++) {
            push.session(s).send("{\"n\":" + i + "}");
        }
        // The sends are tasks on the shard's loop; a request read on a kept-alive connection of that
        // loop may run before them (Netty interleaves I/O and tasks), so wait until all are numbered.
        await().until(() -> push.server.counters().snapshot().eventsPublished() == 300);
        Transport.Connection c = push.connect(t, s, 0);
        assertThat(c.nextReal().get("type").asText()).isEqualTo("hello");
        JsonNode reset = c.nextReal();
        assertThat(reset.get("type").asText()).isEqualTo("reset");
        assertThat(reset.get("seq").asLong()).isEqualTo(200);
        assertThat(c.nextReal().get("seq").asLong()).isEqualTo(201);
        await().until(() -> push.app.gaps.contains(true));
        assertThat(push.server.counters().snapshot().resets()).isEqualTo(1);
        c.abort();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aSecondConnectionTakesTheSessionOverAndTheFirstIsToldWhy(Transport t) throws Exception {
        Created s = push.create();
        Transport.Connection first = push.connect(t, s, 0);
        assertThat(first.nextReal().get("type").asText()).isEqualTo("hello");
        // The first holds its connection (a long poll: its second, held request) before the other comes.
        long held = t == Transport.LONG_POLLING ? 2 : 1;
        await().until(() -> push.server.counters().snapshot().connections() >= held);
        Transport.Connection second = push.connect(t, s, 0); // another page with the same session
        assertThat(second.nextReal().get("type").asText()).isEqualTo("hello");
        assertThat(first.nextReal().get("type").asText()).as("why the first ended").isEqualTo("replaced");
        await().atMost(Duration.ofSeconds(5)).until(() -> first.ended);
        if (t == Transport.WEBSOCKET) {
            assertThat(first.status).isEqualTo(4000);
        }
        // The first has ended (its reader stopped: a socket closed, a stream at its end, a poll
        // loop that returned), so what it received is final; the event goes to the second only.
        push.session(s).send("{\"n\":1}");
        assertThat(second.nextReal().get("event").get("n").asInt()).isEqualTo(1);
        assertThat(first.received).as("nothing after replaced for the first, which has ended").isEmpty();
        second.abort();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void idleStreamsGetHeartbeats(Transport t) throws Exception {
        Created s = push.create();
        Transport.Connection c = push.connect(t, s, 0);
        assertThat(c.next().get("type").asText()).isEqualTo("hello");
        long start = System.nanoTime();
        JsonNode hb = c.next();
        assertThat(hb.get("type").asText()).isEqualTo("hb");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        c.abort();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aWrongTokenOrUnknownSessionIsRefusedAlike(Transport t) throws Exception {
        Created s = push.create();
        Transport.Connection wrong = t.connect(push.http, push.server.port(), s.id(), "A".repeat(22), 0);
        Transport.Connection unknown = t.connect(push.http, push.server.port(), "n1." + "B".repeat(22), "x", 0);
        int expected = t == Transport.WEBSOCKET ? 4403 : 403;
        await().atMost(Duration.ofSeconds(5)).until(() -> wrong.status == expected && unknown.status == expected);
        assertThat(wrong.received).isEmpty();
        assertThat(push.server.counters().snapshot().forbidden()).isGreaterThanOrEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, mode = EnumSource.Mode.EXCLUDE, names = "WEBSOCKET")
    void httpTransportsRefuseAnotherOriginAndBadParameters(Transport t) throws Exception {
        Created s = push.create();
        String path = t.path(s.id(), s.token(), 0);
        HttpResponse<String> evil = push.get(path, Map.of("Origin", "http://evil.example"));
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(evil.body()).contains("\"error\":\"origin\"");
        HttpResponse<String> badLast = push.get(t.path(s.id(), s.token(), 0).replace("last=0", "last=-3"), Map.of());
        assertThat(badLast.statusCode()).isEqualTo(400);
        assertThat(Transport.JSON.readTree(badLast.body()).get("message").asText()).isEqualTo("last must be a whole number >= 0");
        HttpResponse<String> post = push.post(path, "", Map.of());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"SSE", "XHR_STREAMING", "IFRAME"})
    void streamsCarrySafeHeadersAndEndAfterTheirByteLimit(Transport t) throws Exception {
        push.close();
        push = new PushFixture("heartbeat: 5s, stream-max-bytes: 8KiB", "session-buffer-events: 1000, linger: 5s");
        Created s = push.create();
        HttpResponse<java.io.InputStream> head = push.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(push.base
                + t.path(s.id(), s.token(), 0))).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        head.body().close();
        assertThat(head.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(head.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(head.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).isEqualTo(switch (t) {
            case SSE -> "text/event-stream; charset=utf-8";
            case XHR_STREAMING -> "application/x-ndjson; charset=utf-8";
            default -> "text/html; charset=utf-8";
        }));
        if (t == Transport.IFRAME) {
            assertThat(head.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                    assertThat(csp).startsWith("default-src 'none'; script-src 'nonce-").contains("frame-ancestors 'self'"));
        }
        Transport.Connection c = push.connect(t, s, 0);
        assertThat(c.nextReal().get("type").asText()).isEqualTo("hello");
        String padding = "x".repeat(1000);
        for (int i = 1; i <= 20; i++) {
            push.session(s).send("{\"n\":" + i + ",\"pad\":\"" + padding + "\"}");
        }
        long last = 0;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!c.ended || !c.received.isEmpty()) {
            assertThat(System.nanoTime()).as("the stream ends within 10 s").isLessThan(deadline);
            JsonNode e = c.received.poll(50, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (e != null) {
                assertThat(e.get("seq").asLong()).isEqualTo(last + 1);
                last = e.get("seq").asLong();
            }
        }
        assertThat(last).as("the stream ended early, after about 8 KiB").isBetween(5L, 12L);
        Transport.Connection again = push.connect(t, s, last);
        assertThat(again.nextReal().get("type").asText()).isEqualTo("hello");
        assertThat(again.nextReal().get("seq").asLong()).isEqualTo(last + 1);
        again.abort();
    }

    @Test
    void iframeRefusesACallbackThatIsNotAPlainIdentifier() throws Exception {
        Created s = push.create();
        for (String cb : new String[] {"alert(1)//", "a.b", "x</script>", "", "a".repeat(65)}) {
            HttpResponse<String> r = push.get("/push/iframe?session=" + s.id() + "&token=" + s.token() + "&last=0&callback="
                    + java.net.URLEncoder.encode(cb, java.nio.charset.StandardCharsets.UTF_8), Map.of());
            assertThat(r.statusCode()).as(cb).isEqualTo(400);
            assertThat(r.body()).contains("callback must be a plain JavaScript identifier");
        }
    }

    @Test
    void aLongPollIsHeldUntilAnEventAndAnsweredWithAHeartbeatWhenNoneComes() throws Exception {
        Created s = push.create();
        String path = Transport.LONG_POLLING.path(s.id(), s.token(), 0);
        long start = System.nanoTime();
        HttpResponse<String> quiet = push.get(path, Map.of());
        long heldMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(quiet.statusCode()).isEqualTo(200);
        assertThat(quiet.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode batch = Transport.JSON.readTree(quiet.body());
        assertThat(batch.get(0).get("type").asText()).isEqualTo("hello");
        assertThat(batch.get(1).get("type").asText()).isEqualTo("hb");
        assertThat(heldMillis).as("held for about one heartbeat (400 ms)").isBetween(300L, 3000L);

        JsonNode now = Transport.JSON.readTree(push.get(path + "&wait=0", Map.of()).body());
        assertThat(now).hasSize(1);
        assertThat(now.get(0).get("type").asText()).isEqualTo("hello");

        var held = push.http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(push.base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        push.session(s).send("{\"n\":1}");
        JsonNode answered = Transport.JSON.readTree(held.join().body());
        assertThat(answered.get(1).get("seq").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void anotherNodesSessionIsMisdirectedOnEveryTransportAndInPosts(Transport t) throws Exception {
        // What a browser meets when its session's node is down and the load balancer sends it
        // elsewhere: 421 naming the owner (WebSocket: 4421 after the handshake), never a session.
        Created s = push.create();
        String other = "n2." + s.id().substring(3);
        long before = push.server.counters().snapshot().misdirected();
        Transport.Connection c = t.connect(push.http, push.server.port(), other, s.token(), 0);
        int expected = t == Transport.WEBSOCKET ? 4421 : 421;
        await().atMost(Duration.ofSeconds(5)).until(() -> c.status == expected);
        assertThat(c.received).isEmpty();
        HttpResponse<String> r = push.post("/push/send?session=" + other, "[]", Map.of("X-Halley-Token", s.token()));
        assertThat(r.statusCode()).isEqualTo(421);
        assertThat(r.body()).contains("\"error\":\"wrong-node\"", "\"node\":\"n2\"");
        assertThat(push.post("/push/close?session=" + other, "", Map.of("X-Halley-Token", s.token())).statusCode()).isEqualTo(421);
        assertThat(push.server.counters().snapshot().misdirected()).isEqualTo(before + 3);
        assertThat(push.server.counters().snapshot().forbidden()).isZero();
    }
}
